// deduplicate against its batch model (docs/architecture.md §4.5): the exact output of random
// scripts (out-of-order records, watermarks, late records, key expiry), the final result of keep
// 'last' materialized with applyChanges, and snapshot -> restore -> continue at any point.
import fc from 'fast-check';
import { InMemoryStore, type StateStore } from '@weir/state';
import { applyChanges, type Change } from '@weir/stream';
import { deduplicate, type RankOperator } from '../index';
import { dedupModel, isRecord, run, scriptArb, shown, type Item } from './rankScript';

interface Config {
  readonly keep: 'first' | 'last';
  readonly ttl: number | undefined;
  readonly lateness: number;
}

const configArb: fc.Arbitrary<Config> = fc.record({
  keep: fc.constantFrom<'first' | 'last'>('first', 'last'),
  ttl: fc.constantFrom(undefined, 0, 5, 20),
  lateness: fc.constantFrom(0, 0, 6),
});

const make =
  (c: Config) =>
  (store: StateStore): RankOperator<Item, unknown> =>
    deduplicate<Item>({ store, name: 'd', keyGroups: 8, key: (v) => v.k, keep: c.keep as 'last', allowedLateness: c.lateness, ...(c.ttl === undefined ? {} : { ttl: c.ttl }) });

describe('deduplicate', () => {
  it('emits exactly what the batch model does (first row, or the changelog of the last row by time)', () => {
    fc.assert(
      fc.property(scriptArb(), configArb, (steps, c) => {
        const r = run(make(c), new InMemoryStore(), steps, false);
        expect(r.error).toBeUndefined();
        expect(shown(r.out)).toEqual(dedupModel(steps, c.keep, c.ttl, c.lateness, true));
      }),
      { numRuns: 300 },
    );
  });

  it("keep 'last' without ttl: applying the changelog gives the latest row per key (ties: the later arrival)", () => {
    fc.assert(
      fc.property(scriptArb(), (steps) => {
        const r = run(make({ keep: 'last', ttl: undefined, lateness: 0 }), new InMemoryStore(), steps, false);
        const changes = r.out.filter(isRecord).map((x) => x.value as Change<Item>);
        const final = [...applyChanges(changes, (row) => row.id).values()].map((e) => e.row.id).sort();
        // the batch answer: per key, the admitted record with the greatest time, the later of equals
        const best = new Map<number, { id: string; ts: number }>();
        let wm = Number.NEGATIVE_INFINITY;
        for (const { el } of steps) {
          if (el.kind === 'watermark') wm = Math.max(wm, el.timestamp);
          else if (el.kind === 'record' && el.timestamp > wm) {
            const b = best.get(el.value.k);
            if (b === undefined || el.timestamp >= b.ts) best.set(el.value.k, { id: el.value.id, ts: el.timestamp });
          }
        }
        expect(final).toEqual([...best.values()].map((b) => b.id).sort());
      }),
      { numRuns: 200 },
    );
  });

  it('continues exactly after snapshot -> restore at a barrier, expiry included', () => {
    fc.assert(
      fc.property(scriptArb(), configArb, fc.nat(), (steps, c, at) => {
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

  it('counts what it did, and expired keys, across a restore', () => {
    const store = new InMemoryStore();
    const c: Config = { keep: 'last', ttl: 10, lateness: 0 };
    const steps = [
      { el: { kind: 'record' as const, value: { id: 'a', k: 1, p: 0 }, timestamp: 5 } },
      { el: { kind: 'record' as const, value: { id: 'b', k: 1, p: 0 }, timestamp: 3 } },
      { el: { kind: 'record' as const, value: { id: 'c', k: 1, p: 0 }, timestamp: 7 } },
      { el: { kind: 'record' as const, value: { id: 'd', k: 2, p: 0 }, timestamp: 20 } },
    ];
    const first = run(make(c), store, steps, true);
    expect(shown(first.out)).toEqual([
      '{"kind":"insert","row":{"id":"a","k":1,"p":0}}@5',
      '{"kind":"retract","row":{"id":"a","k":1,"p":0}}@7',
      '{"kind":"insert","row":{"id":"c","k":1,"p":0}}@7',
      '{"kind":"insert","row":{"id":"d","k":2,"p":0}}@20',
    ]);
    const restored = new InMemoryStore();
    restored.restore(first.snap!);
    const op = make(c)(restored);
    const second = run(() => op, restored, [{ el: { kind: 'watermark', timestamp: 17 } }], false);
    expect(second.error).toBeUndefined();
    // key 1 (kept row at 7) expired at watermark 17, key 2 at the end of input
    expect(op.metrics.snapshot()).toMatchObject({ recordsIn: 4, recordsOut: 4, inserts: 3, retractions: 1, unchanged: 1, expiredKeys: 2 });
    expect(restored.len()).toBe(1); // only the meta entry is left
  });
});
