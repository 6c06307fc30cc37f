// topN against its batch model (docs/architecture.md §4.5): after every prefix of a random script,
// the changelog emitted so far, applied, is exactly the batch top-n per key (ties broken by
// arrival: the earlier row ranks first); and snapshot -> restore -> continue at any point.
import fc from 'fast-check';
import { InMemoryStore, type StateStore } from '@weir/state';
import type { Change } from '@weir/stream';
import { topN, type RankOperator } from '../index';
import { isRecord, materialized, run, scriptArb, shown, topNModel, topNOutputModel, type Item } from './rankScript';

interface Config {
  readonly n: number;
  readonly lateness: number;
  /** Ranking: by p descending (orderBy) or ascending (compare). */
  readonly by: 'orderByDesc' | 'compareAsc';
  readonly ttl?: number | undefined;
}

const configArb: fc.Arbitrary<Config> = fc.record({
  n: fc.constantFrom(1, 2, 3, 5),
  lateness: fc.constantFrom(0, 0, 6),
  by: fc.constantFrom<Config['by']>('orderByDesc', 'compareAsc'),
});

const compareOf = (c: Config) => (c.by === 'compareAsc' ? (a: Item, b: Item) => a.p - b.p : (a: Item, b: Item) => b.p - a.p);

const make =
  (c: Config) =>
  (store: StateStore): RankOperator<Item, Change<Item>> =>
    topN<Item>({
      store,
      name: 't',
      keyGroups: 8,
      key: (v) => v.k,
      n: c.n,
      allowedLateness: c.lateness,
      ...(c.by === 'compareAsc' ? { compare: compareOf(c) } : { orderBy: (v: Item) => v.p, descending: true }),
      ...(c.ttl === undefined ? {} : { ttl: c.ttl }),
    });

const ttlConfigArb: fc.Arbitrary<Config> = fc.record({
  n: fc.constantFrom(1, 2, 3),
  lateness: fc.constantFrom(0, 0, 6),
  by: fc.constantFrom<Config['by']>('orderByDesc', 'compareAsc'),
  ttl: fc.constantFrom(undefined, 0, 5, 20),
});

describe('topN', () => {
  it('after each input prefix, the changelog applied is exactly the batch top-n per key', () => {
    fc.assert(
      fc.property(scriptArb(), configArb, (steps, c) => {
        for (let i = 0; i <= steps.length; i++) {
          const prefix = steps.slice(0, i);
          const r = run(make(c), new InMemoryStore(), prefix, true);
          expect(r.error).toBeUndefined();
          const changes = r.out.filter(isRecord).map((x) => x.value);
          expect(materialized(changes)).toEqual(topNModel(prefix, c.n, compareOf(c), c.lateness));
        }
      }),
      { numRuns: 60 },
    );
  });

  it('an update is a retraction then an insert at the entering record\'s time; a record outside the top emits nothing', () => {
    fc.assert(
      fc.property(scriptArb(), configArb, (steps, c) => {
        const r = run(make(c), new InMemoryStore(), steps, false);
        const recs = r.out.filter(isRecord);
        for (let i = 0; i < recs.length; i++) {
          const x = recs[i]!;
          if (x.value.kind === 'retract') {
            const next = recs[i + 1];
            expect(next?.value.kind).toBe('insert');
            expect(next?.timestamp).toBe(x.timestamp);
            expect(next?.value.row.k).toBe(x.value.row.k);
          }
        }
        const inserts = recs.filter((x) => x.value.kind === 'insert').length;
        const retractions = recs.length - inserts;
        expect(r.out.length).toBeGreaterThanOrEqual(recs.length);
        expect(inserts - retractions).toBe(topNModel(steps, c.n, compareOf(c), c.lateness).length);
      }),
      { numRuns: 200 },
    );
  });

  it('with or without ttl, emits exactly what the incremental model does (expired keys start a new top, silently)', () => {
    fc.assert(
      fc.property(scriptArb(), ttlConfigArb, (steps, c) => {
        const r = run(make(c), new InMemoryStore(), steps, false);
        expect(r.error).toBeUndefined();
        expect(shown(r.out)).toEqual(topNOutputModel(steps, c.n, compareOf(c), c.ttl, c.lateness));
      }),
      { numRuns: 300 },
    );
  });

  it('continues exactly after snapshot -> restore at a barrier, expiry included', () => {
    fc.assert(
      fc.property(scriptArb(), ttlConfigArb, fc.nat(), (steps, c, at) => {
        const cut = at % (steps.length + 1);
        const whole = run(make(c), new InMemoryStore(), steps, false);
        const first = run(make(c), new InMemoryStore(), steps.slice(0, cut), true);
        const restored = new InMemoryStore();
        restored.restore(first.snap!);
        const rest = run(make(c), restored, steps.slice(cut), false);
        expect([...shown(first.out), ...shown(rest.out)]).toEqual(shown(whole.out));
      }),
      { numRuns: 200 },
    );
  });

  it('counts inserts, retractions and unchanged records, continuing across a restore', () => {
    const c: Config = { n: 2, lateness: 0, by: 'orderByDesc' };
    const rec = (id: string, p: number, ts: number) => ({ el: { kind: 'record' as const, value: { id, k: 1, p }, timestamp: ts } });
    const store = new InMemoryStore();
    const first = run(make(c), store, [rec('a', 3, 1), rec('b', 1, 2), rec('c', 3, 3)], true);
    // c ties with a: it ranks after a (arrival), before b, and pushes b out
    expect(shown(first.out)).toEqual([
      '{"kind":"insert","row":{"id":"a","k":1,"p":3}}@1',
      '{"kind":"insert","row":{"id":"b","k":1,"p":1}}@2',
      '{"kind":"retract","row":{"id":"b","k":1,"p":1}}@3',
      '{"kind":"insert","row":{"id":"c","k":1,"p":3}}@3',
    ]);
    const restored = new InMemoryStore();
    restored.restore(first.snap!);
    const op = make(c)(restored);
    // d ties with c, the last of a full top: it does not enter
    const second = run(() => op, restored, [rec('d', 3, 4), rec('e', 4, 5)], false);
    expect(shown(second.out)).toEqual(['{"kind":"retract","row":{"id":"c","k":1,"p":3}}@5', '{"kind":"insert","row":{"id":"e","k":1,"p":4}}@5']);
    expect(op.metrics.snapshot()).toMatchObject({ recordsIn: 5, recordsOut: 6, inserts: 4, retractions: 2, unchanged: 1 });
  });
});
