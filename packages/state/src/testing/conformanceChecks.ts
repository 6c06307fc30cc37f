import fc from 'fast-check';
import type { Entry } from '../Entry';
import type { StateStore } from '../StateStore';
import { StateError } from '../StateError';
import { StateSnapshot } from '../StateSnapshot';
import { getTyped, putTyped, update } from '../typedAccess';
import { compareBytes } from '../bytes';
import { toHex } from '../toHex';
import { prefixSuccessor } from '../prefixSuccessor';
import { ReferenceStore } from './ReferenceStore';

/** Creates a fresh, empty store for one check. */
export type StoreFactory = () => StateStore;

/** One named check of the StateStore contract; `run` throws when the store breaks it. */
export interface ConformanceCheck {
  /** What the check verifies, used as the test title. */
  readonly name: string;
  /** Runs the check against fresh stores from `factory`; throws an Error describing a violation. */
  run(factory: StoreFactory): void;
}

const b = (...xs: number[]): Uint8Array => Uint8Array.from(xs);
const utf = (s: string): Uint8Array => new TextEncoder().encode(s);

class ConformanceError extends Error {
  override name = 'ConformanceError';
}

function ok(cond: unknown, what: string): asserts cond {
  if (!cond) throw new ConformanceError(what);
}

function hexOf(bytes: Uint8Array | undefined): string {
  return bytes === undefined ? 'undefined' : toHex(bytes, Infinity);
}

function sameBytes(actual: Uint8Array | undefined, expected: Uint8Array | undefined, what: string): void {
  ok(hexOf(actual) === hexOf(expected), `${what}: expected ${hexOf(expected)}, got ${hexOf(actual)}`);
}

function entriesHex(entries: Iterable<Entry>): string[] {
  return [...entries].map(([k, v]) => `${hexOf(k)}=${hexOf(v)}`);
}

function sameEntries(actual: Iterable<Entry>, expected: Iterable<Entry>, what: string): void {
  const a = entriesHex(actual);
  const e = entriesHex(expected);
  ok(
    a.length === e.length && a.every((x, i) => x === e[i]),
    `${what}:\n  expected [${e.join(', ')}]\n  got      [${a.join(', ')}]`,
  );
}

function all(store: StateStore): Entry[] {
  return [...store.prefixScan(new Uint8Array(0))];
}

function throwsCode(fn: () => unknown, code: StateError['code'], what: string): void {
  try {
    fn();
  } catch (err) {
    ok(err instanceof StateError, `${what}: expected StateError ${code}, got ${String(err)}`);
    ok(err.code === code, `${what}: expected code ${code}, got ${err.code} (${err.message})`);
    return;
  }
  throw new ConformanceError(`${what}: expected StateError ${code}, but nothing was thrown`);
}

function throwsClearly(fn: () => unknown, what: string): void {
  try {
    fn();
  } catch (err) {
    ok(err instanceof TypeError || err instanceof StateError, `${what}: expected a TypeError or StateError, got ${String(err)}`);
    ok(err.message.length > 10, `${what}: the error message should say what is wrong, got "${err.message}"`);
    return;
  }
  throw new ConformanceError(`${what}: expected an error, but nothing was thrown`);
}

function checkSizeBytes(store: StateStore, exact: number, what: string): void {
  const size = store.sizeBytes();
  ok(Number.isFinite(size) && size >= 0, `${what}: sizeBytes must be a non-negative number, got ${size}`);
  if (exact === 0) ok(size === 0 || !store.isEmpty(), `${what}: an empty store reports sizeBytes ${size}`);
  else ok(size >= exact / 2 && size <= exact * 2 + 1024, `${what}: sizeBytes ${size} is far from the ${exact} bytes stored`);
}

// Keys from a tiny alphabet (so operations collide and prefixes overlap), plus keys longer than
// 20 bytes that share a long prefix (exercising stores that index a bounded key prefix).
const LONG = Uint8Array.from({ length: 21 }, (_, i) => (i * 37) & 0xff);
const keyArb: fc.Arbitrary<Uint8Array> = fc.oneof(
  fc.array(fc.constantFrom(0x00, 0x01, 0x7f, 0x80, 0xfe, 0xff), { maxLength: 4 }).map((a) => Uint8Array.from(a)),
  fc.array(fc.constantFrom(0x00, 0x01, 0xff), { maxLength: 2 }).map((a) => Uint8Array.from([...LONG, ...a])),
);
const valueArb = fc.uint8Array({ maxLength: 6 });

type Op =
  | { op: 'put'; key: Uint8Array; value: Uint8Array }
  | { op: 'delete'; key: Uint8Array }
  | { op: 'getOrInsert'; key: Uint8Array; value: Uint8Array }
  | { op: 'snapshot' }
  | { op: 'restore'; which: number; viaBytes: boolean }
  | { op: 'clear' };

const opArb: fc.Arbitrary<Op> = fc.oneof(
  { weight: 8, arbitrary: fc.record({ op: fc.constant('put' as const), key: keyArb, value: valueArb }) },
  { weight: 4, arbitrary: fc.record({ op: fc.constant('delete' as const), key: keyArb }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('getOrInsert' as const), key: keyArb, value: valueArb }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('snapshot' as const) }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('restore' as const), which: fc.nat(), viaBytes: fc.boolean() }) },
  { weight: 1, arbitrary: fc.constant({ op: 'clear' as const }) },
);

function compareWithModel(store: StateStore, model: ReferenceStore, probes: Uint8Array[], what: string): void {
  ok(store.len() === model.len(), `${what}: len ${store.len()} but the model has ${model.len()}`);
  ok(store.isEmpty() === model.isEmpty(), `${what}: isEmpty disagrees with the model`);
  sameEntries(all(store), all(model), `${what}: full scan`);
  checkSizeBytes(store, model.sizeBytes(), what);
  for (const p of probes) {
    sameBytes(store.get(p), model.get(p), `${what}: get(${hexOf(p)})`);
    ok(store.contains(p) === model.contains(p), `${what}: contains(${hexOf(p)}) disagrees with the model`);
    sameEntries(store.prefixScan(p), model.prefixScan(p), `${what}: prefixScan(${hexOf(p)})`);
  }
  for (let i = 0; i + 1 < probes.length; i += 2) {
    const [s, e] = [probes[i]!, probes[i + 1]!];
    sameEntries(store.rangeScan(s, e), model.rangeScan(s, e), `${what}: rangeScan(${hexOf(s)}, ${hexOf(e)})`);
  }
}

/**
 * The StateStore contract as a list of checks. {@link describeStateStoreConformance} runs each
 * as a jest test; they are plain functions, so any harness can run them.
 */
export const conformanceChecks: readonly ConformanceCheck[] = [
  {
    name: 'a new store is empty',
    run(factory) {
      const s = factory();
      ok(s.len() === 0 && s.isEmpty(), 'len() must be 0 and isEmpty() true');
      ok(s.sizeBytes() === 0, `sizeBytes() of an empty store must be 0, got ${s.sizeBytes()}`);
      ok(s.get(b(1)) === undefined && !s.contains(b(1)), 'get/contains of a missing key');
      ok(all(s).length === 0 && [...s.rangeScan(b(), b(0xff))].length === 0, 'scans of an empty store yield nothing');
    },
  },
  {
    name: 'put, get, contains, overwrite, delete and their counts',
    run(factory) {
      const s = factory();
      s.put(utf('a'), utf('1'));
      s.put(utf('b'), utf('22'));
      sameBytes(s.get(utf('a')), utf('1'), 'get(a)');
      ok(s.contains(utf('b')) && !s.contains(utf('c')), 'contains');
      ok(s.len() === 2 && !s.isEmpty(), `len after two puts: ${s.len()}`);
      checkSizeBytes(s, 5, 'after two puts');
      s.put(utf('a'), utf('333'));
      sameBytes(s.get(utf('a')), utf('333'), 'get(a) after overwrite');
      ok(s.len() === 2, 'an overwrite does not change len');
      checkSizeBytes(s, 7, 'after overwrite');
      ok(s.delete(utf('a')) === true, 'delete of a present key returns true');
      ok(s.delete(utf('a')) === false, 'delete of a missing key returns false');
      ok(s.get(utf('a')) === undefined && s.len() === 1, 'deleted key is gone');
      s.delete(utf('b'));
      ok(s.isEmpty() && s.sizeBytes() === 0, 'store empty again after deleting everything');
    },
  },
  {
    name: 'empty keys and empty values are ordinary entries',
    run(factory) {
      const s = factory();
      s.put(b(), b());
      s.put(b(0), b());
      ok(s.contains(b()) && s.get(b())!.length === 0, 'empty key with empty value');
      sameEntries(all(s), [[b(), b()], [b(0), b()]], 'the empty key sorts first');
      ok(s.delete(b()) && s.len() === 1, 'the empty key can be deleted');
    },
  },
  {
    name: 'put copies its inputs and never mutates returned values',
    run(factory) {
      const s = factory();
      const key = b(1, 2, 3);
      const value = b(9, 9);
      s.put(key, value);
      key[0] = 7;
      value[0] = 0;
      sameBytes(s.get(b(1, 2, 3)), b(9, 9), 'value after mutating the put inputs');
      ok(s.get(b(7, 2, 3)) === undefined, 'mutating the key after put must not rename the entry');
      const got = s.get(b(1, 2, 3))!;
      s.put(b(1, 2, 3), b(5));
      sameBytes(got, b(9, 9), 'a value returned earlier after overwriting its key');
      const [scanned] = [...s.prefixScan(b(1))];
      s.put(b(1, 2, 3), b(6));
      sameBytes(scanned![1], b(5), 'a scanned value after overwriting its key');
    },
  },
  {
    name: 'keys are ordered by unsigned byte order, shorter prefixes first',
    run(factory) {
      const s = factory();
      const keys = [b(0xff), b(0x80), b(0x7f), b(0), b(0, 0), b(1), b(0x7f, 0xff), b(0x80, 0), b(0xff, 0xff, 0xff)];
      for (const k of keys) s.put(k, k);
      const sorted = [...keys].sort(compareBytes);
      sameEntries(all(s), sorted.map((k) => [k, k] as const), 'full scan order');
    },
  },
  {
    name: 'Buffers and offset views are compared by content',
    run(factory) {
      const s = factory();
      const backing = b(9, 9, 1, 2, 3, 9);
      s.put(backing.subarray(2, 5), Buffer.from([4]));
      sameBytes(s.get(b(1, 2, 3)), b(4), 'get with a plain array of the viewed bytes');
      sameBytes(s.get(Buffer.from([1, 2, 3])), b(4), 'get with a Buffer');
      ok(s.len() === 1 && all(s)[0]![0].length === 3, 'the stored key is the view, not its backing buffer');
    },
  },
  {
    name: 'prefixScan at the edges: empty prefix, 0xFF bytes, no match',
    run(factory) {
      const s = factory();
      const keys = [b(), b(1), b(1, 0xff), b(1, 0xff, 0), b(1, 0xff, 0xff), b(2), b(0xff), b(0xff, 0xff), b(0xff, 0xff, 1)];
      for (const k of keys) s.put(k, b(k.length));
      const expect = (p: Uint8Array): Entry[] =>
        [...keys]
          .filter((k) => k.length >= p.length && compareBytes(k.subarray(0, p.length), p) === 0)
          .sort(compareBytes)
          .map((k) => [k, b(k.length)] as const);
      for (const p of [b(), b(1), b(1, 0xff), b(1, 0xff, 0xff), b(0xff), b(0xff, 0xff), b(3), b(1, 0xff, 0, 0)]) {
        sameEntries(s.prefixScan(p), expect(p), `prefixScan(${hexOf(p)})`);
        const end = prefixSuccessor(p);
        sameEntries(s.rangeScan(p, end), expect(p), `rangeScan(prefix, prefixSuccessor(prefix)) for ${hexOf(p)}`);
      }
    },
  },
  {
    name: 'rangeScan includes start, excludes end, and handles empty, inverted and open ranges',
    run(factory) {
      const s = factory();
      for (let i = 0; i < 10; i++) s.put(b(i * 10), b(i));
      const keysOf = (it: Iterable<Entry>): number[] => [...it].map(([k]) => k[0]!);
      const eq = (a: number[], e: number[], what: string): void =>
        ok(a.join() === e.join(), `${what}: expected [${e.join()}], got [${a.join()}]`);
      eq(keysOf(s.rangeScan(b(20), b(50))), [20, 30, 40], 'rangeScan(20, 50)');
      eq(keysOf(s.rangeScan(b(21), b(50, 0))), [30, 40, 50], 'rangeScan(21, 50 00)');
      eq(keysOf(s.rangeScan(b(30), b(30))), [], 'start == end');
      eq(keysOf(s.rangeScan(b(60), b(30))), [], 'start > end');
      eq(keysOf(s.rangeScan(b(75))), [80, 90], 'open end');
      eq(keysOf(s.rangeScan(b(), b(0xff))), [0, 10, 20, 30, 40, 50, 60, 70, 80, 90], 'everything');
      eq(keysOf(s.rangeScan(b(91), b(0xff))), [], 'after the last key');
    },
  },
  {
    name: 'a scan is a stable view while the store is modified during iteration',
    run(factory) {
      for (const count of [10, 1000]) {
        const s = factory();
        for (let i = 0; i < count; i++) s.put(b(1, i >> 8, i & 0xff), b(i & 0xff));
        const before = all(s).map(([k, v]) => [k.slice(), v.slice()] as const);
        const seen: Entry[] = [];
        const lastKey = before[before.length - 1]![0];
        const nextToLast = before[before.length - 2]![0];
        for (const entry of s.prefixScan(b(1))) {
          seen.push([entry[0].slice(), entry[1].slice()]);
          s.delete(entry[0]); // deleting what was just yielded
          s.put(b(1, 0xff, seen.length & 0xff, 0), b(0)); // inserting ahead of the cursor
          s.put(b(1, 0, 0), b(0xee)); // overwriting behind it
          if (seen.length === 1) {
            s.delete(lastKey); // deleting ahead of the cursor
            s.put(nextToLast, b(0xee, 0xee)); // overwriting ahead of it
          }
        }
        sameEntries(seen, before, `entries seen by a scan of ${count} entries under modification`);
      }
    },
  },
  {
    name: 'a snapshot is isolated from later writes and can be restored more than once',
    run(factory) {
      const s = factory();
      for (let i = 0; i < 300; i++) s.put(b(i >> 8, i & 0xff), b(i & 0xff, 1));
      const expected = all(s).map(([k, v]) => [k.slice(), v.slice()] as const);
      const size = s.sizeBytes();
      const snap = s.snapshot();
      for (let i = 0; i < 300; i += 2) s.delete(b(i >> 8, i & 0xff));
      for (let i = 1; i < 300; i += 2) s.put(b(i >> 8, i & 0xff), b(0));
      s.put(b(9, 9), b(9));
      ok(snap.len() === 300, `snapshot len changed to ${snap.len()} after writes`);
      sameEntries(snap.entries(), expected, 'snapshot entries after later writes');
      s.restore(snap);
      sameEntries(all(s), expected, 'store after restore');
      ok(s.len() === 300 && s.sizeBytes() === size, 'len and sizeBytes after restore');
      s.clear();
      s.put(b(1), b(1));
      s.restore(snap);
      sameEntries(all(s), expected, 'store after a second restore of the same snapshot');
      s.put(b(0, 0), b(0xaa));
      sameEntries(snap.entries(), expected, 'snapshot after writes that follow a restore');
    },
  },
  {
    name: 'snapshots encode and decode, and restore across stores',
    run(factory) {
      const s = factory();
      for (let i = 0; i < 200; i++) s.put(utf(`key-${i}`), utf(`value-${i * 7}`));
      const expected = all(s).map(([k, v]) => [k.slice(), v.slice()] as const);
      const bytes = s.snapshot().encode();
      const decoded = StateSnapshot.decode(bytes);
      sameEntries(decoded.entries(), expected, 'decoded snapshot');
      const fresh = factory();
      fresh.restore(bytes);
      sameEntries(all(fresh), expected, 'a fresh store restored from bytes');
      const foreign = StateSnapshot.fromEntries([[b(3), b(4)], [b(1), b(2)]]);
      fresh.restore(foreign);
      sameEntries(all(fresh), [[b(1), b(2)], [b(3), b(4)]], 'restore of a snapshot built by another store');
      const reference = new ReferenceStore();
      reference.restore(s.snapshot());
      sameEntries(all(reference), expected, 'the reference store restored from this store');
    },
  },
  {
    name: 'a corrupt or foreign snapshot throws CORRUPTION and leaves the store unchanged',
    run(factory) {
      const source = factory();
      for (let i = 0; i < 50; i++) source.put(b(i), b(i, i));
      const good = source.snapshot().encode();
      const s = factory();
      s.put(b(42), b(42));
      const before = entriesHex(all(s));
      const flipped = good.slice();
      flipped[Math.floor(flipped.length / 2)]! ^= 0x10;
      const futureVersion = good.slice();
      futureVersion[9] = 99;
      const cases: Array<[string, unknown]> = [
        ['a flipped byte', flipped],
        ['a truncated snapshot', good.subarray(0, good.length - 7)],
        ['an empty byte array', b()],
        ['foreign bytes', utf('{"not":"a snapshot"} but long enough to have a header')],
        ['a snapshot of an unknown format version', futureVersion],
        ['a plain object', { entries: [] }],
        ['null', null],
      ];
      for (const [what, input] of cases) {
        throwsCode(() => s.restore(input as StateSnapshot), 'CORRUPTION', `restore of ${what}`);
        ok(entriesHex(all(s)).join() === before.join() && s.len() === 1, `the store changed after restore of ${what}`);
      }
      throwsCode(() => StateSnapshot.decode(flipped), 'CORRUPTION', 'decode of a flipped byte');
    },
  },
  {
    name: 'bad arguments throw a clear TypeError or StateError',
    run(factory) {
      const s = factory();
      const bad: unknown[] = ['abc', 42, null, undefined, [1, 2], {}, new Uint16Array(2)];
      for (const x of bad) {
        const k = x as Uint8Array;
        throwsClearly(() => s.get(k), `get(${String(x)})`);
        throwsClearly(() => s.put(k, b(1)), `put(${String(x)}, value)`);
        throwsClearly(() => s.put(b(1), k), `put(key, ${String(x)})`);
        throwsClearly(() => s.delete(k), `delete(${String(x)})`);
        throwsClearly(() => s.contains(k), `contains(${String(x)})`);
        throwsClearly(() => s.prefixScan(k), `prefixScan(${String(x)})`);
        throwsClearly(() => s.rangeScan(k, b(1)), `rangeScan(${String(x)}, end)`);
        throwsClearly(() => s.getOrInsert(k, b(1)), `getOrInsert(${String(x)}, value)`);
      }
      ok(s.isEmpty(), 'failed calls must not leave entries behind');
    },
  },
  {
    name: 'getOrInsert returns the existing value or inserts a copy of the default',
    run(factory) {
      const s = factory();
      const d = b(5);
      sameBytes(s.getOrInsert(b(1), d), b(5), 'getOrInsert on a missing key');
      d[0] = 6;
      sameBytes(s.get(b(1)), b(5), 'the default is copied');
      sameBytes(s.getOrInsert(b(1), b(7)), b(5), 'getOrInsert on a present key');
      ok(s.len() === 1, 'getOrInsert on a present key inserts nothing');
    },
  },
  {
    name: 'clear empties the store; flush keeps its contents',
    run(factory) {
      const s = factory();
      for (let i = 0; i < 20; i++) s.put(b(i), b(i));
      const snap = s.snapshot();
      s.flush();
      ok(s.len() === 20, 'flush must not change the contents');
      s.clear();
      ok(s.isEmpty() && s.sizeBytes() === 0 && all(s).length === 0 && s.get(b(3)) === undefined, 'cleared');
      ok(snap.len() === 20, 'a snapshot taken before clear is intact');
      s.put(b(1), b(2));
      sameBytes(s.get(b(1)), b(2), 'the store is usable after clear');
    },
  },
  {
    name: 'typed helpers (msgpack) work on the store',
    run(factory) {
      const s = factory();
      putTyped(s, b(1), { count: 3, sum: 1.5, tags: ['a'] });
      const v = getTyped<{ count: number; sum: number; tags: string[] }>(s, b(1));
      ok(v?.count === 3 && v.sum === 1.5 && v.tags[0] === 'a', `getTyped returned ${JSON.stringify(v)}`);
      update<number>(s, b(2), (n) => (n ?? 0) + 1);
      update<number>(s, b(2), (n) => (n ?? 0) + 1);
      ok(getTyped<number>(s, b(2)) === 2, 'update as a counter');
      update<number>(s, b(2), () => undefined);
      ok(!s.contains(b(2)), 'update returning undefined deletes');
    },
  },
  {
    name: 'random operation sequences match the reference model (property)',
    run(factory) {
      fc.assert(
        fc.property(fc.array(opArb, { maxLength: 60 }), fc.array(keyArb, { minLength: 2, maxLength: 8 }), (ops, probes) => {
          const store = factory();
          const model = new ReferenceStore();
          const snaps: Array<[StateSnapshot, StateSnapshot]> = [];
          ops.forEach((o, i) => {
            switch (o.op) {
              case 'put':
                store.put(o.key, o.value);
                model.put(o.key, o.value);
                break;
              case 'delete':
                ok(store.delete(o.key) === model.delete(o.key), `step ${i}: delete result disagrees`);
                break;
              case 'getOrInsert':
                sameBytes(store.getOrInsert(o.key, o.value), model.getOrInsert(o.key, o.value), `step ${i}: getOrInsert`);
                break;
              case 'snapshot':
                snaps.push([store.snapshot(), model.snapshot()]);
                break;
              case 'restore': {
                const pair = snaps[o.which % Math.max(1, snaps.length)];
                if (pair === undefined) break;
                store.restore(o.viaBytes ? pair[0].encode() : pair[0]);
                model.restore(pair[1]);
                break;
              }
              case 'clear':
                store.clear();
                model.clear();
                break;
            }
          });
          compareWithModel(store, model, probes, 'after the sequence');
          for (const [s, m] of snaps) sameEntries(s.entries(), m.entries(), 'a snapshot taken mid-sequence');
        }),
        { numRuns: 150 },
      );
    },
  },
  {
    name: 'thousands of inserts and deletes keep point lookups and order consistent',
    run(factory) {
      const store = factory();
      const model = new ReferenceStore();
      let seed = 12345;
      const rand = (n: number): number => {
        seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
        return seed % n;
      };
      const key = (i: number): Uint8Array => Uint8Array.from(i % 3 === 0 ? [...LONG, i >> 8, i & 0xff] : [i >> 8, i & 0xff]);
      for (let step = 0; step < 6000; step++) {
        const k = key(rand(3000));
        if (rand(3) === 0) ok(store.delete(k) === model.delete(k), `step ${step}: delete disagrees`);
        else {
          const v = b(rand(256));
          store.put(k, v);
          model.put(k, v);
        }
      }
      const probes = Array.from({ length: 3000 }, (_, i) => key(i));
      for (const p of probes) sameBytes(store.get(p), model.get(p), `get(${hexOf(p)})`);
      sameEntries(all(store), all(model), 'full scan');
      ok(store.len() === model.len(), 'len');
    },
  },
];
