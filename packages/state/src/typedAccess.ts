import { Packr } from 'msgpackr';
import { StateError } from './StateError';
import type { StateStore } from './StateStore';
import { describeValue } from './describeValue';
import { toHex } from './toHex';

// Self-describing encoding only: no shared record structures, whose definitions would live in
// process memory and not survive a snapshot/restore into another process. Bigints of any size
// round-trip through msgpackr's bigint extension.
const packr = new Packr({ useRecords: false, useBigIntExtension: true });
// msgpackr's fast path writes every plain object's size in 16 bits and throws for an object of
// more than 65,535 keys (a distinct-count set of a busy day, say); such a value is encoded again
// with sizes chosen per object (5-10% slower, so not the default). Both decode alike.
const widePackr = new Packr({ useRecords: false, useBigIntExtension: true, variableMapSize: true });

// msgpack has no representation for these; msgpackr would write them as `undefined` silently.
function findUnencodable(value: unknown, path: string, depth: number): string | undefined {
  const t = typeof value;
  if (t === 'function' || t === 'symbol') return `${path} is a ${t}`;
  if (t !== 'object' || value === null || depth > 64 || ArrayBuffer.isView(value) || value instanceof Date) return undefined;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const bad = findUnencodable(value[i], `${path}[${i}]`, depth + 1);
      if (bad !== undefined) return bad;
    }
    return undefined;
  }
  if (value instanceof Map) {
    let n = 0;
    for (const [k, v] of value) {
      // a key is checked too: msgpackr writes a function key as `undefined` and throws on a symbol
      const badKey = findUnencodable(k, `${path} key ${n}`, depth + 1);
      if (badKey !== undefined) return badKey;
      const bad = findUnencodable(v, `${path}.get(${typeof k === 'symbol' ? k.toString() : String(k)})`, depth + 1);
      if (bad !== undefined) return bad;
      n++;
    }
    return undefined;
  }
  if (value instanceof Set) {
    // its members are not enumerable properties: walked on their own (msgpackr would write a
    // function member as `undefined`)
    let n = 0;
    for (const member of value) {
      const bad = findUnencodable(member, `${path} member ${n}`, depth + 1);
      if (bad !== undefined) return bad;
      n++;
    }
    return undefined;
  }
  for (const k in value as Record<string, unknown>) {
    const bad = findUnencodable((value as Record<string, unknown>)[k], `${path}.${k}`, depth + 1);
    if (bad !== undefined) return bad;
  }
  return undefined;
}

/**
 * Checks, without encoding it, that {@link encodeValue} accepts `value`: throws the same
 * `SERIALIZATION` error for `undefined` and for values msgpack cannot represent (functions and
 * symbols, at any depth, Map keys and Set members included). For operators that keep a value
 * decoded and encode it later (at a checkpoint barrier), so that a bad value is refused when it
 * arrives. O(size of the value).
 *
 * @example
 * ```ts
 * checkEncodable({ id: 7 }, 'myOp');      // fine
 * checkEncodable({ f: () => 1 }, 'myOp'); // throws StateError SERIALIZATION: cannot encode value.f is a function
 * ```
 */
export function checkEncodable(value: unknown, where = 'checkEncodable'): void {
  if (value === undefined) {
    throw new StateError('SERIALIZATION', `${where}: cannot store undefined (delete the key instead)`);
  }
  const bad = findUnencodable(value, 'value', 0);
  if (bad !== undefined) throw new StateError('SERIALIZATION', `${where}: cannot encode ${bad}`);
}

/**
 * Encodes a value as msgpack bytes the way {@link putTyped} stores it. Throws `SERIALIZATION`
 * for `undefined` and for values msgpack cannot represent (functions and symbols, at any depth,
 * Map keys and Set members included). O(size of the value).
 */
export function encodeValue(value: unknown, where = 'encodeValue'): Uint8Array {
  checkEncodable(value, where);
  try {
    return packr.pack(value);
  } catch (first) {
    try {
      return widePackr.pack(value);
    } catch {
      throw new StateError('SERIALIZATION', `${where}: cannot encode ${describeValue(value)}`, { cause: first });
    }
  }
}

/** Decodes msgpack bytes written by {@link encodeValue}. Throws `DESERIALIZATION` on bad bytes. */
export function decodeValue<T>(bytes: Uint8Array, where = 'decodeValue'): T {
  let value: unknown;
  try {
    value = packr.unpack(bytes);
  } catch (cause) {
    throw new StateError('DESERIALIZATION', `${where}: cannot decode value bytes ${toHex(bytes)}`, { cause });
  }
  if (typeof value === 'object' && value !== null && value.constructor?.name === 'C1Type') {
    throw new StateError('DESERIALIZATION', `${where}: value bytes ${toHex(bytes)} hold the reserved msgpack code 0xc1`);
  }
  return value as T;
}

/**
 * Reads and decodes (msgpack) the value under `key` of any store; `undefined` when absent.
 * O(get + value size). Throws `DESERIALIZATION` when the bytes are not msgpack.
 *
 * @example
 * ```ts
 * putTyped(store, key, { count: 3, sum: 12.5 });
 * getTyped<{ count: number; sum: number }>(store, key); // { count: 3, sum: 12.5 }
 * ```
 */
export function getTyped<T>(store: StateStore, key: Uint8Array): T | undefined {
  const bytes = store.get(key);
  return bytes === undefined ? undefined : decodeValue<T>(bytes, 'getTyped');
}

/** Encodes `value` with msgpack and stores it under `key`. O(put + value size). */
export function putTyped<T>(store: StateStore, key: Uint8Array, value: T): void {
  store.put(key, encodeValue(value, 'putTyped'));
}

/**
 * Read-modify-write of one typed value: `fn` gets the current value (or `undefined`) and returns
 * the new one, or `undefined` to delete the key. Returns what was stored.
 *
 * @example
 * ```ts
 * update<number>(store, key, (n) => (n ?? 0) + 1); // a counter
 * ```
 */
export function update<T>(
  store: StateStore,
  key: Uint8Array,
  fn: (current: T | undefined) => T | undefined,
): T | undefined {
  const next = fn(getTyped<T>(store, key));
  if (next === undefined) store.delete(key);
  else store.put(key, encodeValue(next, 'update'));
  return next;
}
