import type { ConformanceCheck } from './ConformanceCheck';
import fc from 'fast-check';
import { StateSnapshot } from '../StateSnapshot';
import { ReferenceStore } from './ReferenceStore';
import type { StateStore } from '../StateStore';
import { b, ok, hexOf, sameBytes, sameEntries, all, checkSizeBytes } from './conformanceAssertions';

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

/** Long and random operation sequences, compared with the reference model. */
export const modelChecks: readonly ConformanceCheck[] = [
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
