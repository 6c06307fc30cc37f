import fc from 'fast-check';
import type { Subject } from 'rxjs';
import { InMemoryStore, type StateStore } from '@weir/state';
import type { CheckpointHook, StreamElement } from '@weir/stream';
import { asofJoin, type AsofDirection, type AsofJoinType, type JoinedRecord } from '../index';
import { JoinDriver, expectNothingLate, rowsOf, runJoin, runWithRestore, scriptArb, type Item } from './joinDriver';
import { asofOracle, classify, isFinal, type AsofCase, type Rec } from './asofOracle';

/** A cacheSize to test: a number, or 'default' (the option left out: the bounded write-back default). */
type CacheSize = number | 'default';

const DIRECTIONS: AsofDirection[] = ['backward', 'forward', 'nearest'];
const TYPES: AsofJoinType[] = ['inner', 'left'];
const GRID = DIRECTIONS.flatMap((direction) => TYPES.map((type) => [direction, type] as const));
const toleranceArb = fc.constantFrom(undefined, undefined, 0, 2, 6);

type Out = JoinedRecord<Item, Item | undefined>;

function maker(c: AsofCase, late?: { left: string[]; right: string[] }, cacheSize: CacheSize = 0) {
  return (right$: Subject<StreamElement<Item>>, store: StateStore, checkpoint?: CheckpointHook) =>
    asofJoin<Item, Item, AsofJoinType>(right$, {
      key: (v) => v.k,
      direction: c.direction,
      ...(c.tolerance === undefined ? {} : { tolerance: c.tolerance }),
      type: c.type,
      store,
      ...(cacheSize === 'default' ? {} : { cacheSize }),
      name: 'aj',
      ...(checkpoint === undefined ? {} : { checkpoint }),
      ...(late === undefined ? {} : { onLateLeft: (r) => late.left.push(r.value.id), onLateRight: (r) => late.right.push(r.value.id) }),
    }) as never;
}

describe('asofJoin against a batch oracle', () => {
  describe.each(GRID)('%s %s', (direction, type) => {
    it.each([0, 3, 'default'] as const)('emits exactly the oracle rows, routes the late records, never a late row (cacheSize %s)', (cacheSize) => {
      fc.assert(
        fc.property(scriptArb({ keys: 2, maxTs: 40 }), toleranceArb, (steps, tolerance) => {
          const c: AsofCase = { direction, type, tolerance };
          const late = { left: [] as string[], right: [] as string[] };
          const store = new InMemoryStore();
          const out = runJoin<Item, Item, Out>(maker(c, late, cacheSize), steps, store);
          const expected = asofOracle(steps, c);
          expect(rowsOf(out)).toEqual(expected.rows);
          expect(late.left).toEqual(expected.lateLeft);
          expect(late.right).toEqual(expected.lateRight);
          expectNothingLate(out);
          expect(out.at(-1)).toEqual({ kind: 'watermark', timestamp: Infinity });
          expect(store.len()).toBe(0); // nothing pending, no right row kept after the end of input
        }),
        { numRuns: 150 },
      );
    });

    it('emits each row at the first watermark that makes it final, and holds the watermark just below the pending rows', () => {
      fc.assert(
        fc.property(scriptArb({ keys: 2, maxTs: 40 }), toleranceArb, (steps, tolerance) => {
          // type 'left': every left record is emitted exactly once, so timing is visible for all
          const c: AsofCase = { direction, type: 'left', tolerance };
          const { lefts, rights } = classify(steps);
          const d = new JoinDriver<Item, Item, Out>((r: Subject<StreamElement<Item>>) => maker(c)(r, new InMemoryStore()));
          const wm = { left: -Infinity, right: -Infinity };
          const emitted = new Set<string>();
          const final = new Set<string>();
          let forwarded = -Infinity;
          const check = (i: number, w: number): void => {
            for (const el of d.out.splice(0)) {
              if (el.kind === 'record') emitted.add(el.value.left.id);
              else if (el.kind === 'watermark') forwarded = el.timestamp;
            }
            const arrived = (r: Rec): boolean => r.step <= i;
            const sofar = rights.filter(arrived);
            const pending: Rec[] = [];
            for (const l of lefts.filter(arrived)) {
              if (!final.has(l.id) && isFinal(l, sofar, w, c)) final.add(l.id);
              if (!final.has(l.id)) pending.push(l);
            }
            expect([...emitted].sort()).toEqual([...final].sort());
            const held = Math.min(w, ...pending.map((l) => l.ts - 1));
            expect(forwarded).toBe(held);
          };
          steps.forEach((s, i) => {
            d.push(s);
            if (s.el.kind === 'watermark') wm[s.side] = Math.max(wm[s.side], s.el.timestamp);
            check(i, Math.min(wm.left, wm.right));
          });
          d.complete();
          check(steps.length, Infinity);
          expect(emitted.size).toBe(lefts.length);
          expect(d.error).toBeUndefined();
        }),
        { numRuns: 100 },
      );
    });

    it.each([0, 2, 'default'] as const)('snapshot -> restore -> continue gives the uninterrupted output, element for element (cacheSize %s)', (cacheSize) => {
      fc.assert(
        fc.property(scriptArb({ keys: 2, maxTs: 40 }), toleranceArb, fc.nat(), (steps, tolerance, at) => {
          const c: AsofCase = { direction, type, tolerance };
          const cut = steps.length === 0 ? 0 : at % (steps.length + 1);
          const whole = runJoin<Item, Item, Out>(maker(c, undefined, cacheSize), steps);
          const resumed = runWithRestore<Item, Item, Out>(maker(c, undefined, cacheSize), steps, cut, 'aj');
          expect(resumed).toEqual(whole);
        }),
        { numRuns: 150 },
      );
    });
  });
});
