import fc from 'fast-check';
import type { Subject } from 'rxjs';
import type { StateStore } from '@weir/state';
import type { CheckpointHook, StreamElement } from '@weir/stream';
import { intervalJoin, type IntervalJoinType, type JoinedRecord } from '../index';
import { expectNothingLate, rowsOf, runJoin, runWithRestore, scriptArb, type Item } from './joinDriver';
import { intervalOracle, type IntervalCase } from './intervalOracle';

/** A cacheSize to test: a number, or 'default' (the option left out: the bounded write-back default). */
type CacheSize = number | 'default';

const TYPES: IntervalJoinType[] = ['inner', 'left', 'right', 'full', 'semi', 'anti'];

const caseArb: fc.Arbitrary<IntervalCase> = fc
  .record({
    lower: fc.integer({ min: -12, max: 6 }),
    span: fc.integer({ min: 0, max: 15 }),
    lateness: fc.constantFrom(0, 0, 4),
    type: fc.constantFrom(...TYPES),
  })
  .map(({ lower, span, lateness, type }) => ({ lower, upper: lower + span, lateness, type }));

type Out = JoinedRecord<Item | undefined, Item | undefined>;

function maker(c: IntervalCase, late?: { left: string[]; right: string[] }, cacheSize: CacheSize = 0) {
  return (right$: Subject<StreamElement<Item>>, store: StateStore, checkpoint?: CheckpointHook) =>
    intervalJoin<Item, Item, IntervalJoinType>(right$, {
      leftKey: (v) => v.k,
      rightKey: (v) => v.k,
      lowerBound: c.lower,
      upperBound: c.upper,
      allowedLateness: c.lateness,
      type: c.type,
      store,
      ...(cacheSize === 'default' ? {} : { cacheSize }),
      name: 'ij',
      ...(checkpoint === undefined ? {} : { checkpoint }),
      ...(late === undefined ? {} : { onLateLeft: (r) => late.left.push(r.value.id), onLateRight: (r) => late.right.push(r.value.id) }),
    }) as never;
}

describe('intervalJoin against a nested-loop oracle', () => {
  it.each([0, 3, 'default'] as const)('emits exactly the oracle rows for every join type (cacheSize %s)', (cacheSize) => {
    fc.assert(
      fc.property(scriptArb(), caseArb, (steps, c) => {
        const late = { left: [] as string[], right: [] as string[] };
        const out = runJoin<Item, Item, Out>(maker(c, late, cacheSize), steps);
        const expected = intervalOracle(steps, c);
        // semi rows carry the time of the match that revealed them: check it separately
        const rows = rowsOf(out).map((r) => {
          if (c.type !== 'semi') return r;
          const [id, ts] = [r.split('|')[0]!, Number(r.split('@')[1])];
          expect(expected.semiTimes.get(id)?.has(ts)).toBe(true);
          return `${id}|-@?`;
        });
        expect(rows.sort()).toEqual(expected.rows);
        expect(late.left).toEqual(expected.lateLeft);
        expect(late.right).toEqual(expected.lateRight);
        expectNothingLate(out);
      }),
      { numRuns: 300 },
    );
  });

  it('emits an unmatched row only once the watermark proves it can no longer match', () => {
    fc.assert(
      fc.property(scriptArb(), caseArb, (steps, c) => {
        const out = runJoin<Item, Item, Out>(maker(c), steps);
        const { byId } = intervalOracle(steps, c);
        for (let i = 0; i < out.length; i++) {
          const el = out[i]!;
          if (el.kind !== 'record' || (el.value.left !== undefined && el.value.right !== undefined) || c.type === 'semi') continue;
          const next = out.slice(i + 1).find((e) => e.kind === 'watermark');
          const inputWm = (next as { timestamp: number }).timestamp + c.lateness; // forwarded = input - lateness
          const row = byId.get((el.value.left ?? el.value.right)!.id)!;
          const expiry = el.value.left !== undefined ? row.ts + c.upper + c.lateness : row.ts - c.lower + c.lateness;
          expect(inputWm).toBeGreaterThanOrEqual(expiry);
        }
      }),
      { numRuns: 200 },
    );
  });

  it('snapshot -> restore -> continue gives the uninterrupted output, element for element', () => {
    fc.assert(
      fc.property(
        scriptArb(),
        caseArb,
        fc.nat(),
        fc.constantFrom<CacheSize>(0, 2, 'default'),
        (steps, c, at, cacheSize) => {
          const cut = steps.length === 0 ? 0 : at % (steps.length + 1);
          const whole = runJoin<Item, Item, Out>(maker(c, undefined, cacheSize), steps);
          const resumed = runWithRestore<Item, Item, Out>(maker(c, undefined, cacheSize), steps, cut, 'ij');
          expect(resumed).toEqual(whole);
        },
      ),
      { numRuns: 300 },
    );
  });
});
