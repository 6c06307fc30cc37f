import { Subject } from 'rxjs';
import { InMemoryStore, type StateStore } from '@weir/state';
import { isRecord, record, watermark, type StreamElement } from '@weir/stream';
import { JoinError, lookupJoin, type LookupJoinOptions, type LookupJoinType } from '../index';
import { JoinDriver, onLeft, onRight, runJoin, type Step } from './joinDriver';

interface Order {
  orderId: number;
  customerId: string;
}
interface Customer {
  id: string;
  name: string;
  deleted?: boolean;
}

function enriched(type: LookupJoinType, store: StateStore = new InMemoryStore(), extra: Partial<LookupJoinOptions<Order, Customer, LookupJoinType>> = {}) {
  return (customers$: Subject<StreamElement<Customer>>) =>
    lookupJoin<Order, Customer, LookupJoinType>(customers$, {
      key: (o) => o.customerId,
      tableKey: (c) => c.id,
      isDelete: (c) => c.deleted === true,
      type,
      store,
      ...extra,
    });
}


describe('lookupJoin: orders enriched with the customer known when the order is processed', () => {
  const ada = { id: 'c1', name: 'Ada' };
  const adaRenamed = { id: 'c1', name: 'Ada L.' };
  const steps: Step<Order, Customer>[] = [
    onLeft(record({ orderId: 1, customerId: 'c1' }, 100)), // before the customer exists
    onRight(record(ada, 50)),
    onLeft(record({ orderId: 2, customerId: 'c1' }, 200)),
    onRight(record(adaRenamed, 10)), // an update applies on arrival, whatever its time
    onLeft(record({ orderId: 3, customerId: 'c1' }, 150)),
    onLeft(record({ orderId: 4, customerId: 'c2' }, 300)),
    onRight(record({ id: 'c1', name: '', deleted: true }, 60)), // tombstone
    onLeft(record({ orderId: 5, customerId: 'c1' }, 400)),
  ];

  it('inner: each order with the customer row current at its arrival; misses are dropped', () => {
    const out = runJoin(enriched('inner'), steps);
    expect((out).filter(isRecord)).toEqual([
      record({ left: { orderId: 2, customerId: 'c1' }, right: ada }, 200),
      record({ left: { orderId: 3, customerId: 'c1' }, right: adaRenamed }, 150),
    ]);
  });

  it('left: every order once, with right undefined for a missing or deleted customer', () => {
    const out = runJoin(enriched('left'), steps);
    expect((out).filter(isRecord)).toEqual([
      record({ left: { orderId: 1, customerId: 'c1' }, right: undefined }, 100),
      record({ left: { orderId: 2, customerId: 'c1' }, right: ada }, 200),
      record({ left: { orderId: 3, customerId: 'c1' }, right: adaRenamed }, 150),
      record({ left: { orderId: 4, customerId: 'c2' }, right: undefined }, 300),
      record({ left: { orderId: 5, customerId: 'c1' }, right: undefined }, 400),
    ]);
  });

  it('a tombstone deletes the row from the store; a tombstone for an unknown key is a no-op', () => {
    const store = new InMemoryStore();
    // written through, so the store shows every change at once
    const d = new JoinDriver<Order, Customer, unknown>(enriched('left', store, { cacheSize: 0 }));
    d.push(onRight(record(ada, 0)));
    d.push(onRight(record({ id: 'c9', name: '', deleted: true }, 0)));
    expect(store.len()).toBe(1); // the one table row (no meta entry before the first barrier)
    d.push(onRight(record({ id: 'c1', name: '', deleted: true }, 0)));
    expect(store.len()).toBe(0);
    d.complete();
    expect(d.error).toBeUndefined();
  });

  it('forwards only the left input watermark; the table carries no event-time promise', () => {
    const d = new JoinDriver<Order, Customer, unknown>(enriched('inner'));
    d.push(onRight(watermark(1_000)));
    d.push(onLeft(watermark(100)));
    d.push(onRight(watermark(2_000)));
    d.push(onLeft(watermark(300)));
    d.push(onRight(record(ada, 5))); // far below every watermark: still applied, never late
    d.push(onLeft(record({ orderId: 9, customerId: 'c1' }, 310)));
    expect(d.out).toEqual([watermark(100), watermark(300), record({ left: { orderId: 9, customerId: 'c1' }, right: ada }, 310)]);
  });

  it('a left record at or below the watermark minus allowedLateness is late (onLateLeft); within the lateness it joins at once; table rows are never late', () => {
    const lateLeft: unknown[] = [];
    const lateRight: unknown[] = [];
    const op = enriched('left', new InMemoryStore(), { allowedLateness: 500, onLateLeft: (r) => lateLeft.push(r), onLateRight: (r) => lateRight.push(r) });
    const d = new JoinDriver<Order, Customer, unknown>(op);
    d.push(onLeft(watermark(1_000)));
    d.push(onRight(record(ada, 0))); // the table has no event time: applied whatever its time
    d.push(onLeft(record({ orderId: 7, customerId: 'c1' }, 10))); // 10 <= 1000 - 500: late
    d.push(onLeft(record({ orderId: 8, customerId: 'c1' }, 600))); // within the lateness
    // the watermark is forwarded minus the lateness, so the output at 600 is not late downstream
    expect(d.out).toEqual([watermark(500), record({ left: { orderId: 8, customerId: 'c1' }, right: ada }, 600)]);
    expect(lateLeft).toEqual([record({ orderId: 7, customerId: 'c1' }, 10)]);
    expect(lateRight).toEqual([]);
  });

  it('counts the table in rightRowsHeld and holds no left row', () => {
    const customers$ = new Subject<StreamElement<Customer>>();
    const op = lookupJoin<Order, Customer>(customers$, { key: (o) => o.customerId, tableKey: (c) => c.id, store: new InMemoryStore() });
    const orders$ = new Subject<StreamElement<Order>>();
    const sub = orders$.pipe(op).subscribe();
    customers$.next(record(ada, 0));
    customers$.next(record({ id: 'c2', name: 'Bob' }, 0));
    customers$.next(record(adaRenamed, 0));
    orders$.next(record({ orderId: 1, customerId: 'c1' }, 5));
    expect(op.metrics.snapshot()).toMatchObject({ rightRowsHeld: 2, leftRowsHeld: 0, matchesEmitted: 1, leftRecordsIn: 1, rightRecordsIn: 3 });
    sub.unsubscribe();
  });
});

describe('lookupJoin: bad options and bad records', () => {
  const table$ = new Subject<StreamElement<Customer>>();
  const base = { key: (o: Order) => o.customerId, tableKey: (c: Customer) => c.id, store: new InMemoryStore() };
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
    ['key', { ...base, key: undefined }, /lookupJoin: option `key` must be a function.*got undefined/],
    ['tableKey', { ...base, tableKey: 'id' }, /lookupJoin: option `tableKey` must be a function.*got string "id"/],
    ['type', { ...base, type: 'outer' }, /lookupJoin: option `type` must be one of 'inner', 'left', got string "outer"/],
    ['isDelete', { ...base, isDelete: true }, /lookupJoin: option `isDelete` must be a function.*got boolean true/],
    ['store', { ...base, store: {} }, /lookupJoin: option `store` must be a StateStore/],
    ['cacheSize', { ...base, cacheSize: -1 }, /lookupJoin: option `cacheSize`.*got number -1/],
    ['right input', null, /lookupJoin: the right input must be an Observable/],
  ])('rejects a bad %s with a JoinError naming the operator and the value', (_what, options, message) => {
    const err = errorOf(() => (options === null ? lookupJoin({} as never, base) : lookupJoin(table$, options as never)));
    expect(err.code).toBe('INVALID_ARGUMENT');
    expect(err.message).toMatch(message);
  });

  it('routes a record whose key is rejected to onInvalid, with the side', () => {
    const invalid: [unknown, JoinError][] = [];
    const op = enriched('left', new InMemoryStore(), { onInvalid: (r, e) => invalid.push([r.value, e]), name: 'enrich' });
    const out = runJoin(op, [
      onRight(record({ id: { nested: 1 } as never, name: 'x' }, 0)),
      onLeft(record({ orderId: 1, customerId: 1.5 as never }, 0)),
      onLeft(record({ orderId: 2, customerId: 'c1' }, 0)),
    ]);
    expect((out).filter(isRecord)).toEqual([record({ left: { orderId: 2, customerId: 'c1' }, right: undefined }, 0)]);
    expect(invalid.map(([, e]) => [e.code, e.side])).toEqual([
      ['INVALID_KEY', 'right'],
      ['INVALID_KEY', 'left'],
    ]);
    expect(invalid[0]![1].message).toMatch(/lookupJoin 'enrich': `tableKey` must return .*got \{"nested":1\}/);
    expect(invalid[1]![1].message).toMatch(/lookupJoin 'enrich': `key` must return .*got number 1\.5/);
  });

  it('routes a table value that cannot be stored, and one whose isDelete throws, to onInvalid', () => {
    const invalid: JoinError[] = [];
    const op = enriched('left', new InMemoryStore(), {
      onInvalid: (_r, e) => invalid.push(e),
      isDelete: (c) => {
        if (c.name === 'boom') throw new Error('cannot tell');
        return false;
      },
    });
    const out = runJoin(op, [
      onRight(record({ id: 'c1', name: 'Ada', f: () => 1 } as Customer, 0)),
      onRight(record({ id: 'c2', name: 'boom' }, 0)),
      onLeft(record({ orderId: 1, customerId: 'c1' }, 0)),
      onLeft(record({ orderId: 2, customerId: 'c2' }, 0)),
    ]);
    expect((out).filter(isRecord).map((r) => r.value.right)).toEqual([undefined, undefined]);
    expect(invalid.map((e) => [e.code, e.side])).toEqual([
      ['INVALID_RECORD', 'right'],
      ['CALLBACK_FAILED', 'right'],
    ]);
    expect(invalid[0]!.message).toMatch(/lookupJoin 'lookupJoin': the right record at 0 cannot be stored/);
    expect(invalid[1]!.message).toMatch(/lookupJoin 'lookupJoin': `isDelete` threw for the right record at 0 \(\{"id":"c2","name":"boom"\}\): cannot tell/);
    expect((invalid[1]!.cause as Error).message).toBe('cannot tell');
  });

  it('errors the stream with the JoinError when there is no onInvalid', () => {
    const d = new JoinDriver<Order, Customer, unknown>(enriched('inner'));
    d.push(onLeft(record({ orderId: 1, customerId: null as never }, 0)));
    expect(d.error).toBeInstanceOf(JoinError);
    expect((d.error as JoinError).side).toBe('left');
    expect((d.error as JoinError).message).toMatch(/lookupJoin 'lookupJoin': `key` must return .*got null/);
  });
});
