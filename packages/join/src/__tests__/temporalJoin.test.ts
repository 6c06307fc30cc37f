import { Subject } from 'rxjs';
import { InMemoryStore, type StateStore } from '@weir/state';
import { isRecord, record, watermark, type StreamElement } from '@weir/stream';
import { JoinError, temporalJoin, type TemporalJoinOptions, type TemporalJoinType } from '../index';
import { JoinKeys, LEFT, RIGHT } from '../joinState';
import { JoinDriver, onLeft, onRight, runJoin, type Step } from './joinDriver';

interface Order {
  orderId: number;
  currency: string;
  amount: number;
}
interface Rate {
  currency: string;
  rate: number;
  deleted?: boolean;
}

function converted(type: TemporalJoinType, store: StateStore = new InMemoryStore(), extra: Partial<TemporalJoinOptions<Order, Rate, TemporalJoinType>> = {}) {
  return (rates$: Subject<StreamElement<Rate>>) =>
    temporalJoin<Order, Rate, TemporalJoinType>(rates$, {
      key: (o) => o.currency,
      tableKey: (r) => r.currency,
      isDelete: (r) => r.deleted === true,
      type,
      store,
      ...extra,
    });
}

const order = (orderId: number, currency: string, t: number): Step<Order, Rate> => onLeft(record({ orderId, currency, amount: 100 }, t));
const rate = (currency: string, value: number, t: number): Step<Order, Rate> => onRight(record({ currency, rate: value }, t));
const both = (t: number): Step<Order, Rate>[] => [onLeft(watermark(t)), onRight(watermark(t))];
/** `orderId@t:rate` per output record (`-` for no rate). */
const summary = (out: readonly StreamElement<{ left: Order; right: Rate | undefined }>[]): string[] =>
  (out).filter(isRecord).map((r) => `${r.value.left.orderId}@${r.timestamp}:${r.value.right?.rate ?? '-'}`);
const pendingLeftRows = (store: StateStore, name: string): number => [...new JoinKeys(name).scanRows(store, LEFT)].length;
const versionRows = (store: StateStore, name: string): number => [...new JoinKeys(name).scanRows(store, RIGHT)].length;

describe('temporalJoin: orders converted with the exchange rate valid at order time', () => {
  const steps: Step<Order, Rate>[] = [
    rate('EUR', 1.1, 0),
    order(1, 'EUR', 5),
    rate('EUR', 1.2, 10),
    order(2, 'EUR', 15),
    order(3, 'EUR', 10), // exactly at a version's time: that version is valid
    order(4, 'USD', 12), // no USD rate
    rate('EUR', 1.3, 20),
    rate('EUR', 1.05, 3), // out of order: valid from 3 to 10, so order 1 (at 5) uses it
    ...both(30),
  ];

  it('inner: each order waits for the watermark, then takes the version valid at its time', () => {
    const out = runJoin(converted('inner'), steps);
    expect(summary(out)).toEqual(['1@5:1.05', '3@10:1.2', '2@15:1.2']);
    // nothing before the watermark reached the orders' times; then in time order, before watermark 30
    expect(out.slice(0, 3).every((el) => el.kind === 'record')).toBe(true);
    expect(out[3]).toEqual(watermark(30));
  });

  it('left: an order without a rate comes out with right undefined, in its time order', () => {
    const out = runJoin(converted('left'), steps);
    expect(summary(out)).toEqual(['1@5:1.05', '3@10:1.2', '4@12:-', '2@15:1.2']);
  });

  it('emits a waiting order as soon as the watermark of both inputs reaches its time', () => {
    const d = new JoinDriver<Order, Rate, { left: Order; right: Rate | undefined }>(converted('inner'));
    for (const s of [rate('EUR', 1.1, 0), order(1, 'EUR', 5), order(2, 'EUR', 8), onLeft<Order, Rate>(watermark(6))]) d.push(s);
    expect(summary(d.out)).toEqual([]); // the rates' watermark still holds it back
    d.push(onRight(watermark(5)));
    expect(d.out).toEqual([record({ left: { orderId: 1, currency: 'EUR', amount: 100 }, right: { currency: 'EUR', rate: 1.1 } }, 5), watermark(5)]);
  });

  it('tombstones: no row from the tombstone until the next version', () => {
    const tombstoned: Step<Order, Rate>[] = [
      rate('EUR', 1.1, 0),
      onRight(record({ currency: 'EUR', rate: 0, deleted: true }, 10)),
      rate('EUR', 1.3, 20),
      order(1, 'EUR', 5),
      order(2, 'EUR', 10),
      order(3, 'EUR', 15),
      order(4, 'EUR', 20),
      order(5, 'EUR', 25),
      ...both(30),
    ];
    expect(summary(runJoin(converted('left'), tombstoned))).toEqual(['1@5:1.1', '2@10:-', '3@15:-', '4@20:1.3', '5@25:1.3']);
    expect(summary(runJoin(converted('inner'), tombstoned))).toEqual(['1@5:1.1', '4@20:1.3', '5@25:1.3']);
  });

  it('two versions at the same time: the later arrival replaces the earlier (a tombstone too)', () => {
    const out = runJoin(converted('left'), [
      rate('EUR', 1.1, 10),
      rate('EUR', 1.2, 10),
      rate('USD', 0.9, 10),
      onRight(record({ currency: 'USD', rate: 0, deleted: true }, 10)),
      rate('GBP', 0, 10),
      onRight(record({ currency: 'GBP', rate: 0, deleted: true }, 10)),
      rate('GBP', 0.8, 10),
      order(1, 'EUR', 12),
      order(2, 'USD', 12),
      order(3, 'GBP', 12),
      ...both(20),
    ]);
    expect(summary(out)).toEqual(['1@12:1.2', '2@12:-', '3@12:0.8']);
  });

  it('retention: records within it are accepted (left ones joined at once), older ones are late', () => {
    const lateLeft: number[] = [];
    const lateRight: number[] = [];
    const d = new JoinDriver<Order, Rate, { left: Order; right: Rate | undefined }>(
      converted('left', new InMemoryStore(), { retention: 10, onLateLeft: (r) => lateLeft.push(r.timestamp), onLateRight: (r) => lateRight.push(r.timestamp) }),
    );
    for (const s of [rate('EUR', 1.1, 80), ...both(100)]) d.push(s);
    expect(d.out).toEqual([watermark(90)]); // forwarded: W - retention
    d.push(rate('EUR', 1.2, 91)); // within retention: a version
    d.push(rate('EUR', 1.5, 90)); // at W - retention: late
    d.push(order(1, 'EUR', 95)); // W - retention < 95 <= W: joined at once
    d.push(order(2, 'EUR', 90)); // late
    d.push(order(3, 'EUR', 105)); // ahead of the watermark: waits
    expect(summary(d.out)).toEqual(['1@95:1.2']);
    expect(lateLeft).toEqual([90]);
    expect(lateRight).toEqual([90]);
    d.complete();
    expect(summary(d.out)).toEqual(['1@95:1.2', '3@105:1.2']);
  });

  it('holds waiting orders in the store, and none once the input completes', () => {
    const store = new InMemoryStore();
    const d = new JoinDriver<Order, Rate, unknown>(converted('left', store, { name: 'fx', cacheSize: 0 }));
    for (const s of [rate('EUR', 1.1, 0), order(1, 'EUR', 5), order(2, 'EUR', 6), order(3, 'USD', 7)]) d.push(s);
    expect(pendingLeftRows(store, 'fx')).toBe(3);
    d.complete();
    expect(d.completed).toBe(true);
    expect(pendingLeftRows(store, 'fx')).toBe(0);
    expect(versionRows(store, 'fx')).toBe(1); // the latest EUR version
  });
});

describe('temporalJoin: state stays bounded', () => {
  // written through (cacheSize 0): the store's content is what the operator holds at every step
  it('under a steady stream of versions, the store holds the recent versions and the waiting orders only', () => {
    const store = new InMemoryStore();
    const d = new JoinDriver<Order, Rate, { left: Order; right: Rate | undefined }>(converted('left', store, { retention: 10, name: 'fx', cacheSize: 0 }));
    const currencies = ['EUR', 'USD', 'GBP'];
    let maxLen = 0;
    let maxHeld = 0;
    for (let i = 0; i < 5_000; i++) {
      const currency = currencies[i % 3]!;
      d.push(onRight(record({ currency, rate: i, deleted: i % 7 === 0 }, i)));
      d.push(order(i, currencies[(i + 1) % 3]!, i));
      d.push(onLeft(watermark(i - 5)));
      d.push(onRight(watermark(i - 5)));
      if (i > 100) maxLen = Math.max(maxLen, store.len());
      maxHeld = Math.max(maxHeld, [...new JoinKeys('fx').scanRows(store, LEFT)].length);
    }
    expect(d.error).toBeUndefined();
    // versions later than W - retention (15 ms of them), one older per key, 5 ms of waiting orders
    expect(maxLen).toBeLessThanOrEqual(25);
    expect(maxHeld).toBeLessThanOrEqual(6);
    expect((d.out).filter(isRecord)).toHaveLength(4_995); // every order up to the last watermark (4,994)
    d.complete();
    expect(pendingLeftRows(store, 'fx')).toBe(0);
    expect(versionRows(store, 'fx')).toBeLessThanOrEqual(3);
  });

  it('a deleted key leaves no trace once its tombstone is older than W - retention', () => {
    const store = new InMemoryStore();
    const d = new JoinDriver<Order, Rate, unknown>(converted('inner', store, { retention: 2, name: 'fx', cacheSize: 0 }));
    for (let i = 0; i < 2_000; i++) {
      d.push(onRight(record({ currency: `c${i}`, rate: 1 }, i)));
      d.push(onRight(record({ currency: `c${i - 3}`, rate: 0, deleted: true }, i)));
      d.push(onLeft(watermark(i)));
      d.push(onRight(watermark(i)));
      if (i > 10) expect(store.len()).toBeLessThanOrEqual(10);
    }
    d.complete();
    expect(versionRows(store, 'fx')).toBe(3); // the three keys never deleted
  });
});

describe('temporalJoin: bad options and bad records', () => {
  const rates$ = new Subject<StreamElement<Rate>>();
  const base = { key: (o: Order) => o.currency, tableKey: (r: Rate) => r.currency, store: new InMemoryStore() };
  const errorOf = (fn: () => unknown): JoinError => {
    try {
      fn();
    } catch (err) {
      expect(err).toBeInstanceOf(JoinError);
      return err as JoinError;
    }
    throw new Error('expected a JoinError');
  };

  it.each([
    ['retention', { ...base, retention: -1 }, /temporalJoin: option `retention` must be a non-negative integer number of milliseconds, got number -1/],
    ['retention', { ...base, retention: 1.5 }, /temporalJoin: option `retention` must be .*got number 1\.5/],
    ['retention', { ...base, retention: '10' }, /temporalJoin: option `retention` must be .*got string "10"/],
    ['type', { ...base, type: 'full' }, /temporalJoin: option `type` must be one of 'inner', 'left', got string "full"/],
    ['key', { ...base, key: 3 }, /temporalJoin: option `key` must be a function.*got number 3/],
    ['tableKey', { ...base, tableKey: null }, /temporalJoin: option `tableKey` must be a function.*got null/],
    ['isDelete', { ...base, isDelete: 'deleted' }, /temporalJoin: option `isDelete` must be a function.*got string "deleted"/],
    ['name', { ...base, name: '' }, /temporalJoin: option `name` must be a non-empty string, got string ""/],
  ])('rejects a bad %s with a JoinError naming the operator and the value', (_what, options, message) => {
    const err = errorOf(() => temporalJoin(rates$, options as never));
    expect(err.code).toBe('INVALID_ARGUMENT');
    expect(err.message).toMatch(message);
  });

  it('routes a record whose key is rejected to onInvalid, with the side', () => {
    const invalid: JoinError[] = [];
    const out = runJoin(converted('left', new InMemoryStore(), { name: 'fx', onInvalid: (_r, e) => invalid.push(e) }), [
      onRight(record({ currency: undefined as never, rate: 1 }, 0)),
      order(1, 2 ** 60 as never, 1),
      onLeft(record({ orderId: 2, currency: 'EUR', amount: 1 }, 2)),
      onRight(record({ currency: 'EUR', rate: 1, f: Symbol('x') } as never, 3)),
    ]);
    expect(summary(out as never)).toEqual(['2@2:-']);
    expect(invalid.map((e) => [e.code, e.side])).toEqual([
      ['INVALID_KEY', 'right'],
      ['INVALID_KEY', 'left'],
      ['INVALID_RECORD', 'right'],
    ]);
    expect(invalid[0]!.message).toMatch(/temporalJoin 'fx': `tableKey` must return .*got undefined for the right record at 0/);
    expect(invalid[1]!.message).toMatch(/temporalJoin 'fx': `key` must return .*got number 1152921504606847000 for the left record at 1/);
    expect(invalid[2]!.message).toMatch(/temporalJoin 'fx': the right record at 3 cannot be stored/);
  });

  it('stores a tombstone without its value (so any tombstone value will do)', () => {
    const out = runJoin(converted('left', new InMemoryStore(), { isDelete: (r) => r.rate < 0 }), [
      rate('EUR', 1.1, 0),
      onRight(record({ currency: 'EUR', rate: -1, junk: () => 0 } as never, 5)),
      order(1, 'EUR', 7),
    ]);
    expect(summary(out as never)).toEqual(['1@7:-']);
  });
});
