// Internal: the assertions the StateStore conformance checks make; each failure throws a
// ConformanceError saying what the store did wrong.
import type { Entry } from '../Entry';
import type { StateStore } from '../StateStore';
import { StateError } from '../StateError';
import { toHex } from '../toHex';

export const b = (...xs: number[]): Uint8Array => Uint8Array.from(xs);
export const utf = (s: string): Uint8Array => new TextEncoder().encode(s);

export class ConformanceError extends Error {
  override name = 'ConformanceError';
}

export function ok(cond: unknown, what: string): asserts cond {
  if (!cond) throw new ConformanceError(what);
}

export function hexOf(bytes: Uint8Array | undefined): string {
  return bytes === undefined ? 'undefined' : toHex(bytes, Infinity);
}

export function sameBytes(actual: Uint8Array | undefined, expected: Uint8Array | undefined, what: string): void {
  ok(hexOf(actual) === hexOf(expected), `${what}: expected ${hexOf(expected)}, got ${hexOf(actual)}`);
}

export function entriesHex(entries: Iterable<Entry>): string[] {
  return [...entries].map(([k, v]) => `${hexOf(k)}=${hexOf(v)}`);
}

export function sameEntries(actual: Iterable<Entry>, expected: Iterable<Entry>, what: string): void {
  const a = entriesHex(actual);
  const e = entriesHex(expected);
  ok(
    a.length === e.length && a.every((x, i) => x === e[i]),
    `${what}:\n  expected [${e.join(', ')}]\n  got      [${a.join(', ')}]`,
  );
}

export function all(store: StateStore): Entry[] {
  return [...store.prefixScan(new Uint8Array(0))];
}

export function throwsCode(fn: () => unknown, code: StateError['code'], what: string): void {
  try {
    fn();
  } catch (err) {
    ok(err instanceof StateError, `${what}: expected StateError ${code}, got ${String(err)}`);
    ok(err.code === code, `${what}: expected code ${code}, got ${err.code} (${err.message})`);
    return;
  }
  throw new ConformanceError(`${what}: expected StateError ${code}, but nothing was thrown`);
}

export function throwsClearly(fn: () => unknown, what: string): void {
  try {
    fn();
  } catch (err) {
    ok(err instanceof TypeError || err instanceof StateError, `${what}: expected a TypeError or StateError, got ${String(err)}`);
    ok(err.message.length > 10, `${what}: the error message should say what is wrong, got "${err.message}"`);
    return;
  }
  throw new ConformanceError(`${what}: expected an error, but nothing was thrown`);
}

export function checkSizeBytes(store: StateStore, exact: number, what: string): void {
  const size = store.sizeBytes();
  ok(Number.isFinite(size) && size >= 0, `${what}: sizeBytes must be a non-negative number, got ${size}`);
  if (exact === 0) ok(size === 0 || !store.isEmpty(), `${what}: an empty store reports sizeBytes ${size}`);
  else ok(size >= exact / 2 && size <= exact * 2 + 1024, `${what}: sizeBytes ${size} is far from the ${exact} bytes stored`);
}
