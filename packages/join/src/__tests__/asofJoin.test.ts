import { Subject } from 'rxjs';
import { InMemoryStore, type StateStore } from '@weir/state';
import { barrier, isRecord, record, watermark, type StreamElement } from '@weir/stream';
import { CheckpointRecorder } from '@weir/stream/testing';
import { JoinError, asofJoin, type AsofDirection, type AsofJoinResult, type AsofJoinType } from '../index';
import { JoinDriver, expectNothingLate, onLeft, onRight, runJoin, type Step } from './joinDriver';

const SEC = 1_000;

interface Trade {
  symbol: string;
  price: number;
}
interface Quote {
  symbol: string;
  bid: number;
}

const watermarks = <T>(out: readonly StreamElement<T>[]) => out.flatMap((el) => (el.kind === 'watermark' ? [el.timestamp] : []));

describe('asofJoin: trades with the latest quote (backward)', () => {
  const withQuote = (tolerance?: number, type: AsofJoinType = 'inner') => (quotes$: Subject<StreamElement<Quote>>) =>
    asofJoin<Trade, Quote, AsofJoinType>(quotes$, { key: (v) => v.symbol, direction: 'backward', type, store: new InMemoryStore(), ...(tolerance === undefined ? {} : { tolerance }) });

  const steps: Step<Trade, Quote>[] = [
    onRight(record({ symbol: 'ACME', bid: 10 }, 1 * SEC)),
    onRight(record({ symbol: 'ACME', bid: 11 }, 3 * SEC)),
    onLeft(record({ symbol: 'ACME', price: 12 }, 4 * SEC)), // quote of 3 s
    onLeft(record({ symbol: 'ACME', price: 10 }, 2 * SEC)), // quote of 1 s (out of order)
    onLeft(record({ symbol: 'INIT', price: 5 }, 2 * SEC)), // no INIT quote at or before 2 s
    onRight(record({ symbol: 'INIT', bid: 4 }, 5 * SEC)),
    onLeft(record({ symbol: 'INIT', price: 6 }, 9 * SEC)), // quote of 5 s, 4 s old
    onLeft(watermark(10 * SEC)),
    onRight(watermark(10 * SEC)),
  ];

  it('joins each trade with the quote in force at its time, stamped with the trade time', () => {
    expect((runJoin(withQuote(), steps)).filter(isRecord)).toEqual([
      record({ left: { symbol: 'ACME', price: 10 }, right: { symbol: 'ACME', bid: 10 } }, 2 * SEC),
      record({ left: { symbol: 'ACME', price: 12 }, right: { symbol: 'ACME', bid: 11 } }, 4 * SEC),
      record({ left: { symbol: 'INIT', price: 6 }, right: { symbol: 'INIT', bid: 4 } }, 9 * SEC),
    ]);
  });

  it('type left also emits the trade without a quote; a tolerance drops stale quotes', () => {
    expect((runJoin(withQuote(undefined, 'left'), steps)).filter(isRecord)).toContainEqual(record({ left: { symbol: 'INIT', price: 5 }, right: undefined }, 2 * SEC));
    const fresh = (runJoin(withQuote(3 * SEC, 'left'), steps)).filter(isRecord);
    expect(fresh).toContainEqual(record({ left: { symbol: 'INIT', price: 6 }, right: undefined }, 9 * SEC)); // 4 s > 3 s
    expect(fresh).toContainEqual(record({ left: { symbol: 'ACME', price: 12 }, right: { symbol: 'ACME', bid: 11 } }, 4 * SEC));
  });

  it('emits a trade only once the watermark reaches its time: a quote may still arrive until then', () => {
    const d = new JoinDriver<Trade, Quote, AsofJoinResult<Trade, Quote, AsofJoinType>>(withQuote());
    d.push(onRight(record({ symbol: 'ACME', bid: 10 }, 1 * SEC)));
    d.push(onLeft(record({ symbol: 'ACME', price: 12 }, 4 * SEC)));
    d.push(onLeft(watermark(3 * SEC)));
    d.push(onRight(watermark(3 * SEC)));
    expect((d.out).filter(isRecord)).toEqual([]);
    d.push(onRight(record({ symbol: 'ACME', bid: 11 }, 4 * SEC))); // same time as the trade: counts
    d.push(onLeft(watermark(4 * SEC)));
    d.push(onRight(watermark(4 * SEC)));
    expect((d.out).filter(isRecord)).toEqual([record({ left: { symbol: 'ACME', price: 12 }, right: { symbol: 'ACME', bid: 11 } }, 4 * SEC)]);
    expect(watermarks(d.out)).toEqual([3 * SEC, 4 * SEC]);
    expectNothingLate(d.out);
  });

  it('of two right records with the same time, the later arrival wins', () => {
    const out = runJoin(withQuote(), [
      onRight(record({ symbol: 'ACME', bid: 10 }, 1 * SEC)),
      onRight(record({ symbol: 'ACME', bid: 12 }, 1 * SEC)), // a correction
      onLeft(record({ symbol: 'ACME', price: 11 }, 2 * SEC)),
    ]);
    expect((out).filter(isRecord)).toEqual([record({ left: { symbol: 'ACME', price: 11 }, right: { symbol: 'ACME', bid: 12 } }, 2 * SEC)]);
  });
});

describe('asofJoin: orders with the exchange rate valid at order time', () => {
  interface Order {
    id: number;
    currency: string;
    amount: number;
  }
  interface Rate {
    currency: string;
    toEur: number;
  }
  const DAY = 86_400_000;

  it('left join on differently named keys: each order with the last rate at or before it, or undefined', () => {
    const out = runJoin(
      (rates$: Subject<StreamElement<Rate>>) =>
        asofJoin<Order, Rate, 'left'>(rates$, { leftKey: (o) => o.currency, rightKey: (r) => r.currency, direction: 'backward', type: 'left', store: new InMemoryStore() }),
      [
        onLeft(record({ id: 1, currency: 'USD', amount: 100 }, 0.5 * DAY)), // arrives before its rate: waits for it
        onRight(record({ currency: 'USD', toEur: 0.9 }, 0)),
        onRight(record({ currency: 'USD', toEur: 0.92 }, 1 * DAY)),
        onLeft(record({ id: 2, currency: 'USD', amount: 50 }, 1 * DAY)), // a rate of the same instant applies
        onLeft(record({ id: 3, currency: 'GBP', amount: 70 }, 1 * DAY)), // no GBP rate at all
        onLeft(record({ id: 4, currency: 'USD', amount: 20 }, -3_600_000)), // before the first USD rate
        onLeft(watermark(2 * DAY)),
        onRight(watermark(2 * DAY)),
      ],
    );
    expect((out).filter(isRecord).map((el) => [el.value.left.id, el.value.right?.toEur, el.timestamp])).toEqual([
      [4, undefined, -3_600_000],
      [1, 0.9, 0.5 * DAY],
      [2, 0.92, 1 * DAY],
      [3, undefined, 1 * DAY],
    ]);
  });
});

describe('asofJoin: forward and nearest', () => {
  interface Ev {
    k: string;
    id: string;
  }
  const make = (direction: AsofDirection, extra: Record<string, unknown> = {}, store: StateStore = new InMemoryStore()) => (right$: Subject<StreamElement<Ev>>) =>
    asofJoin<Ev, Ev, AsofJoinType>(right$, { key: (v) => v.k, direction, store, name: 'aj', ...extra });
  const ids = (out: readonly StreamElement<{ left: Ev; right: Ev | undefined }>[]) => (out).filter(isRecord).map((el) => `${el.value.left.id}|${el.value.right?.id ?? '-'}@${el.timestamp}`);

  it('forward: emits as soon as a right record at or after the left one is below the watermark', () => {
    const d = new JoinDriver(make('forward'));
    d.push(onLeft(record({ k: 'a', id: 'l1' }, 10)));
    d.push(onLeft(watermark(20)));
    d.push(onRight(watermark(20)));
    expect(ids(d.out)).toEqual([]);
    expect(watermarks(d.out)).toEqual([9]); // held just below the pending left row
    d.push(onRight(record({ k: 'a', id: 'r1' }, 25)));
    d.push(onLeft(watermark(24)));
    d.push(onRight(watermark(24)));
    expect(ids(d.out)).toEqual([]); // a right record at 21..24 could still arrive and be nearer
    d.push(onLeft(watermark(25)));
    d.push(onRight(watermark(25)));
    expect(ids(d.out)).toEqual(['l1|r1@10']);
    expect(watermarks(d.out)).toEqual([9, 25]);
  });

  it('forward without a tolerance: a left record nothing follows waits for the end of input, holding the watermark', () => {
    const d = new JoinDriver(make('forward', { type: 'left' }));
    d.push(onLeft(record({ k: 'a', id: 'l1' }, 10)));
    d.push(onLeft(watermark(1_000)));
    d.push(onRight(watermark(1_000)));
    expect(ids(d.out)).toEqual([]);
    expect(watermarks(d.out)).toEqual([9]);
    d.complete();
    expect(ids(d.out)).toEqual(['l1|-@10']);
    expect(watermarks(d.out)).toEqual([9, Infinity]);
  });

  it('forward with a tolerance: emitted at its time + tolerance at the latest', () => {
    const d = new JoinDriver(make('forward', { type: 'left', tolerance: 5 }));
    d.push(onLeft(record({ k: 'a', id: 'l1' }, 10)));
    d.push(onLeft(watermark(15)));
    d.push(onRight(watermark(15)));
    expect(ids(d.out)).toEqual(['l1|-@10']);
    expect(watermarks(d.out)).toEqual([15]);
  });

  it('nearest: the closer one wins, a tie goes to the earlier one', () => {
    const out = runJoin(make('nearest'), [
      onRight(record({ k: 'a', id: 'r8' }, 8)),
      onRight(record({ k: 'a', id: 'r12' }, 12)),
      onRight(record({ k: 'a', id: 'r13' }, 13)),
      onLeft(record({ k: 'a', id: 'l10' }, 10)), // 8 and 12 both 2 away: 8
      onLeft(record({ k: 'a', id: 'l11' }, 11)), // 12 is 1 away
      onLeft(record({ k: 'a', id: 'l20' }, 20)), // 13 is the only one before; nothing after
    ]);
    expect(ids(out)).toEqual(['l10|r8@10', 'l11|r12@11', 'l20|r13@20']);
  });

  it('nearest: final once nothing strictly nearer than the backward candidate can come (ties go to it)', () => {
    const d = new JoinDriver(make('nearest'));
    d.push(onRight(record({ k: 'a', id: 'r7' }, 7)));
    d.push(onLeft(record({ k: 'a', id: 'l10' }, 10)));
    d.push(onLeft(watermark(11)));
    d.push(onRight(watermark(11)));
    expect(ids(d.out)).toEqual([]); // a right record at 12 (2 away) could still beat r7 (3 away)
    expect(watermarks(d.out)).toEqual([9]);
    d.push(onLeft(watermark(12)));
    d.push(onRight(watermark(12)));
    // one at 13 would tie with r7 and lose: final without waiting for a right record after 10
    expect(ids(d.out)).toEqual(['l10|r7@10']);
    expect(watermarks(d.out)).toEqual([9, 12]);
  });

  it('metrics count held rows and late records; state is empty after the end of input', () => {
    const store = new InMemoryStore();
    const right = new Subject<StreamElement<Ev>>();
    const op = make('forward', { onLateLeft: () => undefined }, store)(right);
    const d = new JoinDriver(op);
    d.left.next(record({ k: 'a', id: 'l1' }, 10));
    right.next(record({ k: 'a', id: 'r1' }, 30));
    right.next(record({ k: 'b', id: 'r2' }, 30));
    d.left.next(watermark(20));
    right.next(watermark(20));
    d.left.next(record({ k: 'a', id: 'l2' }, 20)); // late
    right.next(record({ k: 'a', id: 'r3' }, 15)); // late (no onLateRight: counted only)
    expect(op.metrics.snapshot()).toMatchObject({ leftRowsHeld: 1, rightRowsHeld: 2, lateLeft: 1, lateRight: 1, watermark: 20 });
    d.left.complete();
    right.complete();
    expect(d.completed).toBe(true);
    expect(ids(d.out)).toEqual(['l1|r1@10']);
    expect(op.metrics.leftRowsHeld + op.metrics.rightRowsHeld).toBe(0);
    expect(store.len()).toBe(0);
  });
});

describe('asofJoin options and bad input', () => {
  type V = { k: unknown; id: string };
  const make = (extra: Record<string, unknown> = {}) => (right$: Subject<StreamElement<V>>) =>
    asofJoin<V, V>(right$, { key: (v: V) => v.k, direction: 'backward', store: new InMemoryStore(), name: 'aj', ...extra } as never);

  it.each([
    [{ direction: undefined }, /option `direction` must be one of 'backward', 'forward', 'nearest', got undefined/],
    [{ direction: 'latest' }, /direction.*one of.*string "latest"/],
    [{ tolerance: -1 }, /tolerance.*non-negative integer.*number -1/],
    [{ tolerance: 1.5 }, /tolerance.*non-negative integer.*number 1\.5/],
    [{ tolerance: '5s' }, /tolerance.*string "5s"/],
    [{ type: 'full' }, /type.*one of 'inner', 'left'.*string "full"/],
    [{ leftKey: (v: V) => v.k }, /either option `key`.*or options `leftKey` and `rightKey`, not both, got key, leftKey/],
    [{ key: undefined }, /give option `key`.*or options `leftKey` and `rightKey`, got undefined/],
    [{ key: undefined, leftKey: (v: V) => v.k }, /option `rightKey` must be a function.*got undefined/],
    [{ key: 'k' }, /option `key` must be a function.*string "k"/],
    [{ store: {} }, /store.*StateStore/],
    [{ cacheSize: -1 }, /cacheSize/],
    [{ name: '' }, /name.*non-empty/],
  ])('rejects bad options at creation: %p', (bad, message) => {
    const right = new Subject<StreamElement<V>>();
    expect(() => make(bad)(right)).toThrow(JoinError);
    expect(() => make(bad)(right)).toThrow(message);
    expect(() => make(bad)(right)).toThrow(/^asofJoin: /);
  });

  it('accepts tolerance Infinity as unlimited, and leftKey + rightKey instead of key', () => {
    const right = new Subject<StreamElement<V>>();
    expect(() => make({ tolerance: Infinity })(right)).not.toThrow();
    expect(() => make({ key: undefined, leftKey: (v: V) => v.k, rightKey: (v: V) => v.k })(right)).not.toThrow();
  });

  it('rejects a right input that is not an Observable', () => {
    expect(() => asofJoin(42 as never, { key: () => 1, direction: 'forward', store: new InMemoryStore() })).toThrow(/asofJoin.*right input must be an Observable/);
  });

  it('errors the stream on a bad key, naming the operator, the option, the input and the value', () => {
    const d = new JoinDriver(make());
    d.push(onRight(record({ k: 1.5, id: 'a' }, 1)));
    expect(d.error).toBeInstanceOf(JoinError);
    expect((d.error as JoinError).code).toBe('INVALID_KEY');
    expect((d.error as JoinError).side).toBe('right');
    expect((d.error as Error).message).toMatch(/asofJoin 'aj'.*`key`.*number 1\.5.*right record at 1/);
  });

  it('routes bad keys, unstorable values and fractional times to onInvalid with error.side, and goes on', () => {
    const invalid: Array<[string, string, string]> = [];
    const d = new JoinDriver(make({ key: undefined, leftKey: (v: V) => v.k, rightKey: (v: V) => v.k, onInvalid: (r: { value: V }, e: JoinError) => invalid.push([r.value.id, e.code, e.side ?? '']) }));
    d.push(onRight(record({ k: () => 1, id: 'a' }, 1)));
    d.push(onLeft(record({ k: null, id: 'b' }, 1)));
    d.push(onLeft(record({ k: 1, id: 'c', f: () => 0 } as never, 2)));
    d.push(onRight(record({ k: 1, id: 'd', f: () => 0 } as never, 2)));
    d.push(onLeft(record({ k: 1, id: 'e' }, 2.5)));
    d.push(onRight(record({ k: 1, id: 'f' }, 3)));
    d.push(onLeft(record({ k: 1, id: 'g' }, 4)));
    d.complete();
    expect(d.error).toBeUndefined();
    expect(invalid).toEqual([
      ['a', 'INVALID_KEY', 'right'],
      ['b', 'INVALID_KEY', 'left'],
      ['c', 'INVALID_RECORD', 'left'],
      ['d', 'INVALID_RECORD', 'right'],
      ['e', 'INVALID_RECORD', 'left'],
    ]);
    expect((d.out).filter(isRecord).map((el) => [el.value.left.id, el.value.right.id])).toEqual([['g', 'f']]);
    expect(d.out.at(-1)).toEqual(watermark(Infinity));
  });
});

describe('asofJoin state', () => {
  type V = { k: number };

  /** Runs a steady stream and returns the largest store len() of every 250 steps. */
  function steady(direction: AsofDirection, tolerance: number | undefined, keyOf: (i: number) => number, n = 5_000) {
    const store = new InMemoryStore();
    const right = new Subject<StreamElement<V>>();
    // written through (cacheSize 0), so the store's len() is what the operator holds at every step
    const op = asofJoin<V, V, 'left'>(right, { key: (v) => v.k, direction, type: 'left', store, cacheSize: 0, ...(tolerance === undefined ? {} : { tolerance }) });
    const d = new JoinDriver(op);
    const lens: number[] = [];
    let most = 0;
    let emitted = 0;
    for (let i = 0; i < n; i++) {
      d.left.next(record({ k: keyOf(i) }, i));
      right.next(record({ k: keyOf(i + 3) }, i + 1)); // each key: a right row just after each left row
      if (i % 50 === 49) {
        d.left.next(watermark(i - 10));
        right.next(watermark(i - 10));
      }
      most = Math.max(most, store.len());
      if (i % 250 === 249) {
        lens.push(most);
        most = 0;
      }
      emitted += d.out.splice(0).filter((el) => el.kind === 'record').length;
    }
    d.left.complete();
    right.complete();
    emitted += d.out.filter((el) => el.kind === 'record').length;
    expect(d.error).toBeUndefined();
    expect(d.completed).toBe(true);
    expect(emitted).toBe(n);
    expect(store.len()).toBe(0);
    expect(op.metrics.leftRowsHeld + op.metrics.rightRowsHeld).toBe(0);
    return lens;
  }

  it.each(['backward', 'forward', 'nearest'] as const)('%s: len() stays flat under a steady stream over a few keys, and is 0 at the end', (direction) => {
    for (const tolerance of [undefined, 20]) {
      const lens = steady(direction, tolerance, (i) => i % 7);
      // rows of the last ~60 ms (one watermark step plus the 10 ms lag) on each side, plus one
      // right row per key below the watermark
      expect(Math.max(...lens.slice(2))).toBeLessThanOrEqual(2 * 60 + 7);
      expect(Math.max(...lens.slice(4)) - Math.min(...lens.slice(4))).toBeLessThanOrEqual(10);
    }
  });

  it('with a finite tolerance, right rows leave state even when keys never repeat; without one, one per key stays', () => {
    const unique = (i: number) => Math.floor(i / 3); // each key lives for 3 ms
    for (const direction of ['backward', 'nearest'] as const) {
      expect(Math.max(...steady(direction, 20, unique).slice(2))).toBeLessThanOrEqual(2 * 60 + 20);
      expect(steady(direction, undefined, unique).at(-1)!).toBeGreaterThan(5_000 / 3 - 100); // the latest right row of every key seen
    }
    // forward keeps no right row below the watermark; left rows wait at most the tolerance
    expect(Math.max(...steady('forward', 20, unique).slice(2))).toBeLessThanOrEqual(2 * 60 + 20);
  });

  it('writes its rows and watermark to the store by the barrier', () => {
    for (const cacheSize of [0, 100]) {
      const store = new InMemoryStore();
      const recorder = new CheckpointRecorder();
      const right = new Subject<StreamElement<V>>();
      const d = new JoinDriver(asofJoin<V, V>(right, { key: (v) => v.k, direction: 'forward', store, cacheSize, checkpoint: recorder, name: 'j' }));
      d.left.next(record({ k: 1 }, 5));
      right.next(record({ k: 1 }, 6));
      right.next(record({ k: 1 }, 6)); // replaces: one row
      d.left.next(record({ k: 2 }, 5));
      d.left.next(barrier(3));
      right.next(barrier(3));
      expect(recorder.registeredOperators()).toEqual(['j']);
      expect(recorder.snapshotsOf(3).get('j')!.len()).toBe(4); // meta, two left rows, one right row
      expect(d.out.at(-1)).toEqual(barrier(3));
    }
  });
});
