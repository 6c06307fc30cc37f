// countDistinct: the aggregate laws against a Set, and the aggregate inside tumbling, hopping and
// session windows against a batch computation of the same windows.
import fc from 'fast-check';
import { lastValueFrom, from, toArray, type OperatorFunction } from 'rxjs';
import { InMemoryStore, encodeValue } from '@weir/state';
import { values, withEventTime, type StreamElement } from '@weir/stream';
import { AggregationError, WindowError, countDistinct, hoppingWindow, sessionWindow, tumblingWindow } from '@weir/window';
import { describeAggregateLaws, fold, records, type Rec } from './aggregates/laws';

const member = (): fc.Arbitrary<unknown> =>
  fc.oneof(fc.integer({ min: -5, max: 5 }), fc.constantFrom('a', 'b', '1', '__proto__', 'constructor', ''), fc.constantFrom(0, -0, 1.5, NaN, Infinity), fc.bigInt({ min: -2n, max: 2n }), fc.boolean(), fc.constantFrom(null, undefined));

/** What a Set says: the distinct values, skipping null and undefined. */
const setOracle = (recs: readonly Rec<unknown>[]): number => new Set(recs.map(([v]) => v).filter((v) => v !== null && v !== undefined)).size;

describe('countDistinct', () => {
  describeAggregateLaws('countDistinct', { make: () => countDistinct(), records: records(member()), oracle: setOracle });
  describeAggregateLaws('countDistinct(selector, { filter })', {
    make: () => countDistinct((r: { u: number; p: number }) => r.u, { filter: (r) => r.p < 5 }),
    records: records(fc.record({ u: fc.integer({ min: 0, max: 8 }), p: fc.integer({ min: 0, max: 9 }) })),
    oracle: (recs) => new Set(recs.filter(([r]) => r.p < 5).map(([r]) => r.u)).size,
  });

  it('counts each value once, as a Set does: 0 and -0 are one value, 1 and 1n and "1" three', () => {
    const agg = countDistinct();
    expect(agg.result(fold(agg, [[0, 1], [-0, 2], [1, 3], [1n, 4], ['1', 5], [true, 6], [true, 7], [null, 8], [undefined, 9]]))).toBe(5);
  });

  it('merge folds b into a and never mutates b (a pane accumulator is merged into several windows)', () => {
    const agg = countDistinct<number>();
    const small = fold(agg, [[1, 0]]);
    const large = fold(agg, [[2, 0], [3, 0], [1, 0]]);
    const before = JSON.stringify(large);
    const merged = agg.merge(small, large);
    expect(merged).toBe(small);
    expect(agg.result(merged)).toBe(3);
    expect(JSON.stringify(large)).toBe(before);
    expect(agg.merge(agg.create(), large)).toBe(large);
  });

  it('refuses values it cannot compare, and a throwing filter, with an AggregationError naming the value', () => {
    const agg = countDistinct();
    for (const bad of [{ a: 1 }, [1], () => 1, Symbol('s')]) {
      expect(() => agg.add(agg.create(), bad, 0)).toThrow(AggregationError);
    }
    expect(() => agg.add(agg.create(), { a: 1 }, 0)).toThrow(/countDistinct: expected a string, number, bigint or boolean .*got/);
    const boom = new Error('boom');
    const filtered = countDistinct<number>(undefined, {
      filter: () => {
        throw boom;
      },
    });
    try {
      filtered.add(filtered.create(), 7, 0);
      throw new Error('unreachable');
    } catch (err) {
      expect(err).toBeInstanceOf(AggregationError);
      expect((err as AggregationError).cause).toBe(boom);
      expect((err as AggregationError).message).toMatch(/countDistinct: `filter` threw for number 7: boom/);
    }
  });

  it('rejects unknown options and options of the wrong type', () => {
    expect(() => countDistinct((x: number) => x, { filtr: () => true } as never)).toThrow(WindowError);
    expect(() => countDistinct((x: number) => x, { filtr: () => true } as never)).toThrow(/filtr/);
    expect(() => countDistinct((x: number) => x, { filter: 3 } as never)).toThrow(/option `filter` must be a function/);
    expect(() => countDistinct(3 as never)).toThrow(/countDistinct: selector must be a function/);
  });

  it('stores a set of more than 65,535 distinct values (regression: a day of Nexmark q15 at 10M events)', () => {
    const agg = countDistinct<number>();
    let acc = agg.create();
    for (let i = 0; i < 70_000; i++) acc = agg.add(acc, i, i);
    const back = agg.codec.decode(agg.codec.encode(acc));
    expect(agg.result(back)).toBe(70_000);
    expect(agg.result(agg.add(back, 70_000, 0))).toBe(70_001);
  });

  it('decoding bytes that are not its accumulator is a DESERIALIZATION error', () => {
    const agg = countDistinct();
    const good = agg.codec.encode(fold(agg, [['a', 0], [1, 0], [1n, 0], [true, 0]]));
    const bad: Uint8Array[] = [
      encodeValue({ n: 2, seen: { sa: 1 } }), // the old msgpack layout
      good.subarray(0, good.length - 1), // cut short
      Uint8Array.of(...good, 0), // a byte too many
      Uint8Array.of(0xc1, 0, 0, 0, 1, 1, 0x78), // member "x": no tag
      Uint8Array.of(0xc1, 0, 0, 0, 2, 1, 0x54, 1, 0x54), // "T" twice
    ];
    for (const bytes of bad) expect(() => agg.codec.decode(bytes)).toThrow(/is not a countDistinct accumulator/);
    // what it writes comes back the same set (0 and -0 one value, NaN kept, strings of any text)
    const acc = fold(agg, [[1, 0], [1n, 0], ['1', 0], [true, 0], [false, 0], [NaN, 0], [-0, 0], [0, 0], ['', 0], ['é\u0000x', 0], ['y'.repeat(300), 0]]);
    const back = agg.codec.decode(agg.codec.encode(acc));
    expect(back).toEqual(acc);
    expect(agg.result(back)).toBe(10);
  });
});

describe('countDistinct in window operators equals a batch count of distinct values per window', () => {
  interface Ev {
    readonly k: string;
    readonly u: number;
    readonly t: number;
  }
  const events = fc.array(fc.record({ k: fc.constantFrom('x', 'y'), u: fc.integer({ min: 0, max: 6 }), t: fc.integer({ min: 0, max: 60 }) }), { maxLength: 60 });
  type Op = (store: InMemoryStore) => OperatorFunction<StreamElement<Ev>, StreamElement<Row>>;
  const run = async (evs: readonly Ev[], op: Op): Promise<Row[]> =>
    lastValueFrom(from(evs).pipe(withEventTime((e: Ev) => e.t, { maxOutOfOrderness: 100 }), op(new InMemoryStore()), values(), toArray()));
  type Row = { key: string; start: number; end: number; value: number };
  const rows = (rs: readonly Row[]): string[] => rs.map((r) => `${r.key}[${r.start},${r.end})=${r.value}`).sort();
  const distinct = (evs: readonly Ev[]): number => new Set(evs.map((e) => e.u)).size;

  it('tumbling windows of 10 ms', async () => {
    await fc.assert(
      fc.asyncProperty(events, async (evs) => {
        const out = await run(evs, (store) => tumblingWindow({ size: 10, key: (e: Ev) => e.k, aggregate: countDistinct((e: Ev) => e.u), store }));
        const expected: Row[] = [];
        for (const k of ['x', 'y']) {
          for (let s = 0; s <= 60; s += 10) {
            const inside = evs.filter((e) => e.k === k && e.t >= s && e.t < s + 10);
            if (inside.length > 0) expected.push({ key: k, start: s, end: s + 10, value: distinct(inside) });
          }
        }
        expect(rows(out)).toEqual(rows(expected));
      }),
      { numRuns: 60 },
    );
  });

  it('hopping windows of 20 ms every 5 ms (panes merged)', async () => {
    await fc.assert(
      fc.asyncProperty(events, async (evs) => {
        const out = await run(evs, (store) => hoppingWindow({ size: 20, slide: 5, key: (e: Ev) => e.k, aggregate: countDistinct((e: Ev) => e.u), store }));
        const expected: Row[] = [];
        for (const k of ['x', 'y']) {
          for (let s = -15; s <= 60; s += 5) {
            const inside = evs.filter((e) => e.k === k && e.t >= s && e.t < s + 20);
            if (inside.length > 0) expected.push({ key: k, start: s, end: s + 20, value: distinct(inside) });
          }
        }
        expect(rows(out)).toEqual(rows(expected));
      }),
      { numRuns: 60 },
    );
  });

  it('session windows with a 4 ms gap (sessions merged)', async () => {
    await fc.assert(
      fc.asyncProperty(events, async (evs) => {
        const out = await run(evs, (store) => sessionWindow({ gap: 4, key: (e: Ev) => e.k, aggregate: countDistinct((e: Ev) => e.u), store }));
        const expected: Row[] = [];
        for (const k of ['x', 'y']) {
          const mine = evs.filter((e) => e.k === k).sort((a, b) => a.t - b.t);
          let session: Ev[] = [];
          const close = (): void => {
            if (session.length > 0) expected.push({ key: k, start: session[0]!.t, end: session[session.length - 1]!.t + 4, value: distinct(session) });
            session = [];
          };
          for (const e of mine) {
            if (session.length > 0 && e.t >= session[session.length - 1]!.t + 4) close();
            session.push(e);
          }
          close();
        }
        expect(rows(out)).toEqual(rows(expected));
      }),
      { numRuns: 60 },
    );
  });
});
