// overAggregate against a model of "the last N rows per key" (docs/architecture.md §3): every
// result, late records, snapshot -> restore -> continue, rescale by key groups, bad options and
// failing user code.
import fc from 'fast-check';
import { InMemoryStore, KeyGroupRange, KeyWriter, StateSnapshot, keyGroupOf, restoreFromSlices, sliceKeyGroups, type StateStore } from '@weir/state';
import { barrier, record, watermark, type StreamElement } from '@weir/stream';
import { AggregationError, WindowError, aggregate, avg, count, mergeWindowOperatorScope, overAggregate, sum, type OverResult } from '@weir/window';
import { Driver } from './operators/driver';

interface Ev {
  readonly k: number;
  readonly v: number;
}
type Out = OverResult<number, Ev, number>;

const KEY_GROUPS = 8;
const opts = (store: StateStore, n: number, lateness: number, extra: object = {}) => ({ key: (e: Ev) => e.k, rows: n, aggregate: sum((e: Ev) => e.v), store, name: 'over', keyGroups: KEY_GROUPS, allowedLateness: lateness, ...extra });

/** Records of 6 keys with small values and times, and watermarks, in any order. */
const elements = fc.array(
  fc.oneof(
    { weight: 5, arbitrary: fc.record({ k: fc.integer({ min: 0, max: 5 }), v: fc.integer({ min: -20, max: 20 }), t: fc.integer({ min: 0, max: 60 }) }).map(({ k, v, t }) => record({ k, v }, t)) },
    { weight: 1, arbitrary: fc.integer({ min: 0, max: 60 }).map((t) => watermark(t)) },
  ),
  { maxLength: 80 },
);

interface Expected {
  readonly rows: string[];
  readonly late: number;
}

/** The model: per key the list of rows in arrival order; a result is the sum of its last n. */
function model(els: readonly StreamElement<Ev>[], n: number, lateness: number): Expected {
  const byKey = new Map<number, number[]>();
  let wm = -Infinity;
  let late = 0;
  const rows: string[] = [];
  for (const el of els) {
    if (el.kind === 'watermark') wm = Math.max(wm, el.timestamp);
    else if (el.kind === 'record') {
      if (el.timestamp <= wm - lateness) {
        late++;
        continue;
      }
      const list = byKey.get(el.value.k) ?? [];
      list.push(el.value.v);
      byKey.set(el.value.k, list);
      const last = list.slice(-n);
      rows.push(show(el.value.k, el.value.v, last.reduce((a, b) => a + b, 0), last.length, el.timestamp));
    }
  }
  return { rows, late };
}

const show = (k: number, v: number, value: number, rows: number, t: number): string => `${k}:${v}->${value}/${rows}@${t}`;
const rowsOf = (out: readonly StreamElement<Out>[]): string[] => out.flatMap((el) => (el.kind === 'record' ? [show(el.value.key, el.value.record.v, el.value.value, el.value.rows, el.timestamp)] : []));

/** Runs elements through an operator on `store`; stops at a barrier (snapshot taken) or completes. */
function run(store: StateStore, n: number, lateness: number, els: readonly StreamElement<Ev>[], stopAtBarrier: boolean) {
  const late: number[] = [];
  const op = overAggregate(opts(store, n, lateness, { onLate: (r: { timestamp: number }) => late.push(r.timestamp) }));
  const d = new Driver<Ev, Out>(op);
  const out: StreamElement<Out>[] = [];
  for (const el of els) out.push(...d.push(el));
  let snap: StateSnapshot | undefined;
  if (stopAtBarrier) {
    out.push(...d.push(barrier(1)));
    snap = StateSnapshot.decode(store.snapshot().encode());
    d.stop();
  } else out.push(...d.complete());
  if (d.error !== undefined) throw d.error;
  return { out, rows: rowsOf(out), snap, late, metrics: op.metrics };
}

const cases = fc.record({ els: elements, n: fc.integer({ min: 1, max: 5 }), lateness: fc.constantFrom(0, 0, 5), cut: fc.nat() });

describe('overAggregate', () => {
  it('emits, per record, the aggregate over the last n rows of its key; late records are counted and routed, never rows', () => {
    fc.assert(
      fc.property(cases, ({ els, n, lateness }) => {
        const expected = model(els, n, lateness);
        const r = run(new InMemoryStore(), n, lateness, els, false);
        expect(r.rows).toEqual(expected.rows);
        expect(r.late).toHaveLength(expected.late);
        expect(r.metrics.lateRecords).toBe(expected.late);
        expect(r.metrics.recordsOut).toBe(expected.rows.length);
      }),
      { numRuns: 200 },
    );
  });

  it('never emits a record at or below the watermark it forwarded', () => {
    fc.assert(
      fc.property(cases, ({ els, n, lateness }) => {
        let wm = -Infinity;
        for (const el of run(new InMemoryStore(), n, lateness, els, false).out) {
          if (el.kind === 'watermark') wm = el.timestamp;
          else if (el.kind === 'record') expect(el.timestamp).toBeGreaterThan(wm);
        }
      }),
    );
  });

  it('avg over the last 3 rows, and rows counts the rows covered', () => {
    const store = new InMemoryStore();
    const d = new Driver<Ev, OverResult<number, Ev, number>>(overAggregate({ key: (e: Ev) => e.k, rows: 3, aggregate: avg((e: Ev) => e.v), store }));
    const got = [1, 2, 3, 4, 5].flatMap((v) => d.push(record({ k: 7, v }, v))).flatMap((el) => (el.kind === 'record' ? [[el.value.value, el.value.rows]] : []));
    expect(got).toEqual([
      [1, 1],
      [1.5, 2],
      [2, 3],
      [3, 3],
      [4, 3],
    ]);
    // one entry for the key, one meta entry after a barrier
    d.push(barrier(1));
    expect(store.len()).toBe(2);
  });

  it('snapshot -> restore -> continue gives the rows and counts of an uninterrupted run', () => {
    fc.assert(
      fc.property(cases, fc.boolean(), ({ els, n, lateness, cut }, viaBytes) => {
        const at = cut % (els.length + 1);
        const whole = run(new InMemoryStore(), n, lateness, els, false);
        const first = run(new InMemoryStore(), n, lateness, els.slice(0, at), true);
        const restored = new InMemoryStore();
        restored.restore(viaBytes ? StateSnapshot.decode(first.snap!.encode()) : first.snap!);
        const rest = run(restored, n, lateness, els.slice(at), false);
        expect([...first.rows, ...rest.rows]).toEqual(whole.rows);
        expect(rest.metrics.recordsIn).toBe(whole.metrics.recordsIn);
        expect(rest.metrics.lateRecords).toBe(whole.metrics.lateRecords);
        expect(rest.metrics.recordsOut).toBe(whole.metrics.recordsOut);
      }),
      { numRuns: 150 },
    );
  });

  describe('rescale by key groups', () => {
    const ALL = new KeyGroupRange(0, KEY_GROUPS);
    const HALVES = [new KeyGroupRange(0, 4), new KeyGroupRange(4, 8)];
    const groupOf = (k: number): number => keyGroupOf(new KeyWriter().part(k).finish(), KEY_GROUPS);
    const owned = (range: KeyGroupRange) => (el: StreamElement<Ev>) => el.kind !== 'record' || range.contains(groupOf(el.value.k));
    const sorted = (rows: readonly string[]): string[] => [...rows].sort();

    it('2 -> 1: two workers owning half the key groups each, merged at a barrier, continue like one worker that saw everything', () => {
      fc.assert(
        fc.property(cases, ({ els, n, lateness, cut }) => {
          const at = cut % (els.length + 1);
          const whole = run(new InMemoryStore(), n, lateness, els, false);
          const halves = HALVES.map((range) => run(new InMemoryStore(), n, lateness, els.slice(0, at).filter(owned(range)), true));
          const merged = new InMemoryStore();
          restoreFromSlices(
            merged,
            halves.map((h) => sliceKeyGroups(h.snap!, ALL)),
            { range: ALL, mergeOperatorScope: mergeWindowOperatorScope },
          );
          const rest = run(merged, n, lateness, els.slice(at), false);
          expect(sorted([...halves.flatMap((h) => h.rows), ...rest.rows])).toEqual(sorted(whole.rows));
          expect(rest.metrics.recordsOut).toBe(whole.metrics.recordsOut);
          expect(rest.metrics.lateRecords).toBe(whole.metrics.lateRecords);
        }),
        { numRuns: 100 },
      );
    });

    it('1 -> 2: one worker sliced in two halves at a barrier, each continuing with its keys', () => {
      fc.assert(
        fc.property(cases, ({ els, n, lateness, cut }) => {
          const at = cut % (els.length + 1);
          const whole = run(new InMemoryStore(), n, lateness, els, false);
          const first = run(new InMemoryStore(), n, lateness, els.slice(0, at), true);
          const rest = HALVES.flatMap((range) => {
            const store = new InMemoryStore();
            restoreFromSlices(store, [sliceKeyGroups(first.snap!, range)], { range, mergeOperatorScope: mergeWindowOperatorScope });
            return run(store, n, lateness, els.slice(at).filter(owned(range)), false).rows;
          });
          expect(sorted([...first.rows, ...rest])).toEqual(sorted(whole.rows));
        }),
        { numRuns: 100 },
      );
    });

    it('refuses state written with another number of key groups, naming both', () => {
      const first = run(new InMemoryStore(), 3, 0, [record({ k: 1, v: 1 }, 1)], true);
      const store = new InMemoryStore();
      store.restore(first.snap!);
      const d = new Driver<Ev, Out>(overAggregate({ ...opts(store, 3, 0), keyGroups: 16 }));
      expect(d.error).toBeInstanceOf(WindowError);
      expect((d.error as WindowError).message).toMatch(/overAggregate 'over': the restored state was written with 8 key groups, but the operator is configured with keyGroups 16/);
    });
  });

  describe('options', () => {
    const store = new InMemoryStore();
    it('rejects unknown options, naming the nearest valid one', () => {
      expect(() => overAggregate({ ...opts(store, 3, 0), row: 3 } as never)).toThrow(WindowError);
      expect(() => overAggregate({ ...opts(store, 3, 0), row: 3 } as never)).toThrow(/overAggregate.*row/);
      expect(() => overAggregate({ ...opts(store, 3, 0), emit: 'final' } as never)).toThrow(/emit/);
    });

    it.each([0, -1, 1.5, NaN, '3', 100_001, undefined])('rejects rows %p', (rows) => {
      expect(() => overAggregate({ ...opts(store, 3, 0), rows: rows as number })).toThrow(/overAggregate: option `rows` must be an integer in \[1, 100000\]/);
    });

    it('rejects a key that is not a function, an aggregate that is not one, a store that is not one', () => {
      expect(() => overAggregate({ ...opts(store, 3, 0), key: 1 as never })).toThrow(/overAggregate: option `key` must be a function/);
      expect(() => overAggregate({ ...opts(store, 3, 0), aggregate: {} as never })).toThrow(/option `aggregate` must be an Aggregate/);
      expect(() => overAggregate({ ...opts(store, 3, 0), store: {} as never })).toThrow(/option `store` must be a StateStore/);
    });
  });

  describe('failures', () => {
    it('a throwing key errors the stream with CALLBACK_FAILED naming the operator and the record, cause kept', () => {
      const boom = new Error('no key');
      const d = new Driver<Ev, Out>(
        overAggregate({
          ...opts(new InMemoryStore(), 3, 0),
          key: () => {
            throw boom;
          },
        }),
      );
      d.push(record({ k: 1, v: 2 }, 5));
      expect(d.error).toBeInstanceOf(WindowError);
      const err = d.error as WindowError;
      expect(err.code).toBe('CALLBACK_FAILED');
      expect(err.cause).toBe(boom);
      expect(err.message).toMatch(/overAggregate 'over': `key` threw for the record at 5 .*no key/);
    });

    it('with onInvalid, a bad key, a bad timestamp and a refused value are routed and counted; the key rows stay as they were', () => {
      const invalid: Array<[unknown, string]> = [];
      const store = new InMemoryStore();
      const op = overAggregate({
        ...opts(store, 2, 0),
        key: (e: Ev) => (e.k < 0 ? ({} as never) : e.k),
        onInvalid: (r: { value: unknown }, err: Error) => invalid.push([r.value, (err as WindowError).code]),
      });
      const d = new Driver<Ev, Out>(op);
      const out = [
        ...d.push(record({ k: 1, v: 1 }, 1)),
        ...d.push(record({ k: -1, v: 1 }, 2)),
        ...d.push(record({ k: 1, v: 1 }, 2.5)),
        ...d.push(record({ k: 1, v: 'x' as never }, 3)),
        ...d.push(record({ k: 1, v: 4 }, 4)),
      ];
      expect(d.error).toBeUndefined();
      expect(rowsOf(out)).toEqual(['1:1->1/1@1', '1:4->5/2@4']);
      expect(invalid.map(([, code]) => code)).toEqual(['INVALID_KEY', 'INVALID_TIMESTAMP', 'AGGREGATE_FAILED']);
      expect(op.metrics.invalidRecords).toBe(3);
    });

    it('an aggregate refusing a record errors the stream with AGGREGATE_FAILED naming the aggregate and the value', () => {
      const d = new Driver<Ev, Out>(overAggregate(opts(new InMemoryStore(), 2, 0)));
      d.push(record({ k: 1, v: 'x' as never }, 3));
      const err = d.error as WindowError;
      expect(err.code).toBe('AGGREGATE_FAILED');
      expect(err.cause).toBeInstanceOf(AggregationError);
      expect(err.message).toMatch(/overAggregate 'over': aggregate 'sum' failed for the record at 3 .*expected a finite number, got string "x"/);
    });

    it('a record that cannot be stored as a row is an INVALID_RECORD error', () => {
      const d = new Driver<{ f: () => void }, OverResult<string, { f: () => void }, number>>(overAggregate({ key: () => 'k', rows: 2, aggregate: count(), store: new InMemoryStore() }));
      d.push(record({ f: () => undefined }, 1));
      expect((d.error as WindowError).code).toBe('INVALID_RECORD');
      expect((d.error as WindowError).message).toMatch(/overAggregate 'overAggregate': the record at 1 cannot be kept as a row/);
    });

    it('a throwing onLate errors the stream with CALLBACK_FAILED', () => {
      const d = new Driver<Ev, Out>(
        overAggregate({
          ...opts(new InMemoryStore(), 2, 0),
          onLate: () => {
            throw new Error('full');
          },
        }),
      );
      d.push(watermark(10));
      d.push(record({ k: 1, v: 1 }, 10));
      expect((d.error as WindowError).code).toBe('CALLBACK_FAILED');
      expect((d.error as WindowError).message).toMatch(/`onLate` threw/);
    });

    it('works with a user-defined aggregate (max - min over the last 3 rows)', () => {
      const range = aggregate({
        name: 'range',
        create: () => [Infinity, -Infinity] as [number, number],
        add: (acc: [number, number], e: Ev) => [Math.min(acc[0], e.v), Math.max(acc[1], e.v)] as [number, number],
        merge: (a: [number, number], b: [number, number]) => [Math.min(a[0], b[0]), Math.max(a[1], b[1])] as [number, number],
        result: (acc: [number, number]) => acc[1] - acc[0],
      });
      const d = new Driver<Ev, OverResult<number, Ev, number>>(overAggregate({ key: (e: Ev) => e.k, rows: 3, aggregate: range, store: new InMemoryStore() }));
      const got = [5, 1, 9, 2, 2].flatMap((v, i) => d.push(record({ k: 0, v }, i + 1))).flatMap((el) => (el.kind === 'record' ? [el.value.value] : []));
      expect(got).toEqual([0, 4, 8, 8, 7]);
    });
  });
});
