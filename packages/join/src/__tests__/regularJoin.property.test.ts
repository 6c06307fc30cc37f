// regularJoin against a batch model: the changelog it emits, applied, is the batch join of the
// final tables, for every join type and each side a table or a stream; with TTL expiry, rows that
// expired no longer join and their results stay (no retraction).
import fc from 'fast-check';
import type { Subject } from 'rxjs';
import { InMemoryStore } from '@weir/state';
import type { StreamElement } from '@weir/stream';
import { JoinDriver, expectNothingLate, runWithRestore, type Step } from './joinDriver';
import { applied, batchJoin, changesArb, configArb, finalTables, makeJoin, ttlModel, type Out, type Val } from './regularJoinModel';
import type { RegularJoinOperator } from '../index';

describe('regularJoin: the changelog against the batch join of the final tables', () => {
  it.each([Number.POSITIVE_INFINITY, 1_000])('every join type, tables and streams on either side (ttl %p: nothing expires before the end)', (ttl) => {
    fc.assert(
      fc.property(
        configArb.chain((c) => fc.tuple(fc.constant(c), changesArb(c, 0))),
        ([c, steps]) => {
          let op: RegularJoinOperator<Val, Out> | undefined;
          const d = new JoinDriver<Val, Val, Out>((r: Subject<StreamElement<Val>>) => (op = makeJoin(c, ttl)(r, new InMemoryStore())));
          for (const s of steps) d.push(s);
          const { left, right } = finalTables(c, steps);
          // before the end: every row is held, none expired
          expect(op!.metrics.leftRowsHeld).toBe(left.length);
          expect(op!.metrics.rightRowsHeld).toBe(right.length);
          d.complete();
          if (d.error !== undefined) throw d.error;
          expect(applied(d.out)).toEqual(batchJoin(c.type, left, right));
          expectNothingLate(d.out);
          const m = op!.metrics.snapshot();
          // the end of input is the end of event time: with a finite ttl every row expires then
          expect([m.expiredLeft, m.expiredRight]).toEqual(ttl === 1_000 ? [left.length, right.length] : [0, 0]);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('rows past their ttl no longer join, and what they produced stays: J(phase 1) + J(phase 2)', () => {
    // a phase spans at most 50 ms, so nothing expires within one; between them, everything does
    const ttl = 60;
    fc.assert(
      fc.property(
        configArb.chain((c) => fc.tuple(fc.constant(c), changesArb(c, 0, 25), changesArb(c, 200, 25))),
        ([c, first, second]) => {
          let op: RegularJoinOperator<Val, Out> | undefined;
          const d = new JoinDriver<Val, Val, Out>((r: Subject<StreamElement<Val>>) => (op = makeJoin(c, ttl)(r, new InMemoryStore())));
          for (const s of first) d.push(s);
          const t1 = finalTables(c, first);
          // phase 1 ends by 50: at watermark 120 each of its rows is past its ttl
          const wm: Step<Val, Val>[] = [
            { side: 'left', el: { kind: 'watermark', timestamp: 120 } },
            { side: 'right', el: { kind: 'watermark', timestamp: 120 } },
          ];
          const records = (): number => d.out.filter((el) => el.kind === 'record').length;
          const before = records();
          for (const s of wm) d.push(s);
          expect(records()).toBe(before); // expiry emits nothing
          const m = op!.metrics.snapshot();
          expect([m.expiredLeft, m.expiredRight, m.leftRowsHeld, m.rightRowsHeld]).toEqual([t1.left.length, t1.right.length, 0, 0]);
          for (const s of second) d.push(s);
          d.complete();
          if (d.error !== undefined) throw d.error;
          const t2 = finalTables(c, second);
          const expected = [...batchJoin(c.type, t1.left, t1.right), ...batchJoin(c.type, t2.left, t2.right)].sort();
          expect(applied(d.out)).toEqual(expected);
        },
      ),
      { numRuns: 200 },
    );
  });

  it('with rows expiring mid-stream: a consistent changelog whose result is the step-by-step model\'s', () => {
    fc.assert(
      fc.property(
        configArb.chain((c) => fc.tuple(fc.constant(c), changesArb(c, 0, 60))),
        fc.integer({ min: 1, max: 12 }),
        ([c, steps], ttl) => {
          const d = new JoinDriver<Val, Val, Out>((r: Subject<StreamElement<Val>>) => makeJoin(c, ttl)(r, new InMemoryStore()));
          for (const s of steps) d.push(s);
          d.complete();
          if (d.error !== undefined) throw d.error;
          // applied() throws on a retraction of a row not in the result
          expect(applied(d.out)).toEqual(ttlModel(c, ttl, steps));
        },
      ),
      { numRuns: 300 },
    );
  });

  it('a row rewritten within its ttl is kept; one left alone expires exactly at updatedAt + ttl', () => {
    const c = { type: 'full' as const, leftPk: true, rightPk: false };
    let op: RegularJoinOperator<Val, Out> | undefined;
    const d = new JoinDriver<Val, Val, Out>((r: Subject<StreamElement<Val>>) => (op = makeJoin(c, 10)(r, new InMemoryStore())));
    const rec = (side: 'left' | 'right', value: Val, timestamp: number): Step<Val, Val> => ({ side, el: { kind: 'record', value, timestamp } });
    const wm = (timestamp: number): Step<Val, Val>[] => [
      { side: 'left', el: { kind: 'watermark', timestamp } },
      { side: 'right', el: { kind: 'watermark', timestamp } },
    ];
    for (const s of [rec('left', { pk: 1, k: 0, v: 0 }, 0), rec('left', { pk: 2, k: 0, v: 0 }, 0), rec('left', { pk: 1, k: 0, v: 1 }, 8), ...wm(9)]) d.push(s);
    expect(op!.metrics.expiredLeft).toBe(0);
    for (const s of wm(10)) d.push(s); // pk 2: 0 + 10 <= 10
    expect([op!.metrics.expiredLeft, op!.metrics.leftRowsHeld]).toEqual([1, 1]);
    for (const s of wm(17)) d.push(s);
    expect(op!.metrics.expiredLeft).toBe(1);
    d.push(rec('right', { pk: 9, k: 0, v: 0 }, 18)); // joins pk 1 (v 1) only
    for (const s of wm(18)) d.push(s); // pk 1: 8 + 10 <= 18
    expect([op!.metrics.expiredLeft, op!.metrics.leftRowsHeld]).toEqual([2, 0]);
    d.complete();
    expect(applied(d.out)).toEqual(
      [
        { left: { pk: 2, k: 0, v: 0 }, right: null },
        { left: { pk: 1, k: 0, v: 1 }, right: { pk: 9, k: 0, v: 0 } },
      ]
        .map((r) => JSON.stringify(r))
        .sort(),
    );
  });
});

describe('regularJoin: snapshot -> restore -> continue', () => {
  it('gives the output of an uninterrupted run, expiry included', () => {
    fc.assert(
      fc.property(
        configArb.chain((c) => fc.tuple(fc.constant(c), changesArb(c, 0, 50))),
        fc.constantFrom(Number.POSITIVE_INFINITY, 4, 15),
        fc.nat(),
        ([c, steps], ttl, at) => {
          const cut = at % (steps.length + 1);
          const make = makeJoin(c, ttl);
          const whole = runWithRestore(make, steps, steps.length, 'j');
          const resumed = runWithRestore(make, steps, cut, 'j');
          expect(resumed).toEqual(whole);
        },
      ),
      { numRuns: 200 },
    );
  });
});
