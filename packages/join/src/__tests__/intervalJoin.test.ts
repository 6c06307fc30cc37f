import { Subject } from 'rxjs';
import { InMemoryStore, type StateStore } from '@weir/state';
import { barrier, record, watermark, type StreamElement } from '@weir/stream';
import { CheckpointRecorder } from '@weir/stream/testing';
import { JoinError, intervalJoin, type IntervalJoinType } from '../index';
import { JoinDriver, onLeft, onRight, runJoin, type Step } from './joinDriver';

interface Order {
  orderId: number;
  amount: number;
}
interface Payment {
  orderId: number;
  paid: number;
}

const MIN = 60_000;

function paidOrders(type: IntervalJoinType, store: StateStore = new InMemoryStore()) {
  return (payments$: Subject<StreamElement<Payment>>) =>
    intervalJoin<Order, Payment, IntervalJoinType>(payments$, {
      leftKey: (o) => o.orderId,
      rightKey: (p) => p.orderId,
      lowerBound: 0,
      upperBound: 15 * MIN,
      type,
      store,
    });
}

describe('intervalJoin: orders paid within 15 minutes', () => {
  const steps: Step<Order, Payment>[] = [
    onLeft(record({ orderId: 1, amount: 30 }, 0)),
    onLeft(record({ orderId: 2, amount: 12 }, 1 * MIN)),
    onRight(record({ orderId: 1, paid: 30 }, 5 * MIN)),
    onLeft(watermark(10 * MIN)),
    onRight(watermark(10 * MIN)),
    onRight(record({ orderId: 2, paid: 12 }, 20 * MIN)), // too late to count as paying order 2
    onLeft(watermark(17 * MIN)),
    onRight(watermark(17 * MIN)),
  ];

  it('inner: emits each payment with its order at once, stamped with the later time', () => {
    const out = runJoin(paidOrders('inner'), steps);
    expect(out.filter((el) => el.kind === 'record')).toEqual([
      record({ left: { orderId: 1, amount: 30 }, right: { orderId: 1, paid: 30 } }, 5 * MIN),
    ]);
  });

  it('left: reports the unpaid order only when it can no longer be paid, once', () => {
    const out = runJoin(paidOrders('left'), steps);
    const unpaid = out.findIndex((el) => el.kind === 'record' && el.value.right === undefined);
    expect(out[unpaid]).toEqual(record({ left: { orderId: 2, amount: 12 }, right: undefined }, 16 * MIN));
    // after watermark 10 min (too early: it could still be paid until 16 min), before the one at 17 min
    expect(out.slice(0, unpaid)).toContainEqual(watermark(10 * MIN));
    expect(out[unpaid + 1]).toEqual(watermark(17 * MIN));
    expect(out.filter((el) => el.kind === 'record' && el.value.right === undefined)).toHaveLength(1);
  });

  it('right / full: the stray payment comes out unmatched at the end of input', () => {
    const right = runJoin(paidOrders('right'), steps).filter((el) => el.kind === 'record');
    expect(right).toContainEqual(record({ left: undefined, right: { orderId: 2, paid: 12 } }, 20 * MIN));
    const full = runJoin(paidOrders('full'), steps).filter((el) => el.kind === 'record');
    expect(full).toHaveLength(3);
  });

  it('semi / anti: paid orders once, unpaid orders once', () => {
    expect(runJoin(paidOrders('semi'), steps).filter((el) => el.kind === 'record')).toEqual([record({ left: { orderId: 1, amount: 30 }, right: undefined }, 5 * MIN)]);
    expect(runJoin(paidOrders('anti'), steps).filter((el) => el.kind === 'record')).toEqual([record({ left: { orderId: 2, amount: 12 }, right: undefined }, 16 * MIN)]);
  });

  it('forwards the minimum watermark of its inputs and completes with +Infinity', () => {
    const out = runJoin(paidOrders('inner'), steps);
    expect(out.filter((el) => el.kind === 'watermark')).toEqual([watermark(10 * MIN), watermark(17 * MIN), watermark(Infinity)]);
  });
});

describe('intervalJoin lateness and bad input', () => {
  const make = (extra: Record<string, unknown> = {}) => (right$: Subject<StreamElement<{ k: unknown; id: string }>>) =>
    intervalJoin<{ k: unknown; id: string }, { k: unknown; id: string }>(right$, {
      leftKey: (v) => v.k,
      rightKey: (v) => v.k,
      lowerBound: -5,
      upperBound: 5,
      store: new InMemoryStore(),
      name: 'lj',
      ...extra,
    });

  it('routes late records of each input to its own side output and counts them', () => {
    const lateLeft: string[] = [];
    const lateRight: string[] = [];
    const op = make({ onLateLeft: (r: { value: { id: string } }) => lateLeft.push(r.value.id), onLateRight: (r: { value: { id: string } }) => lateRight.push(r.value.id) });
    const d = new JoinDriver(op);
    d.push(onLeft(watermark(100)));
    d.push(onRight(watermark(100)));
    d.push(onLeft(record({ k: 1, id: 'a' }, 100)));
    d.push(onRight(record({ k: 1, id: 'b' }, 99)));
    d.push(onLeft(record({ k: 1, id: 'c' }, 101)));
    expect(lateLeft).toEqual(['a']);
    expect(lateRight).toEqual(['b']);
  });

  it('counts late records in its metrics', () => {
    const right = new Subject<StreamElement<{ k: unknown; id: string }>>();
    const op = make()(right);
    const d = new JoinDriver(op);
    d.left.next(watermark(100));
    right.next(watermark(100));
    d.left.next(record({ k: 1, id: 'a' }, 50));
    right.next(record({ k: 1, id: 'b' }, 100));
    right.next(record({ k: 1, id: 'c' }, 101));
    expect(op.metrics.snapshot()).toMatchObject({ leftRecordsIn: 1, rightRecordsIn: 2, lateLeft: 1, lateRight: 1, rightRowsHeld: 1, watermark: 100 });
  });

  it('errors the stream on a bad key, naming the operator, the input and the value', () => {
    const d = new JoinDriver(make());
    d.push(onLeft(record({ k: 1.5, id: 'a' }, 1)));
    expect(d.error).toBeInstanceOf(JoinError);
    expect((d.error as JoinError).code).toBe('INVALID_KEY');
    expect((d.error as JoinError).side).toBe('left');
    expect((d.error as Error).message).toMatch(/intervalJoin 'lj'.*leftKey.*number 1\.5/);
  });

  it('routes bad keys, unstorable values and fractional times to onInvalid and goes on', () => {
    const invalid: Array<[string, string]> = [];
    const d = new JoinDriver(make({ onInvalid: (_r: unknown, e: JoinError) => invalid.push([e.code, e.side ?? '']) }));
    d.push(onRight(record({ k: () => 1, id: 'a' }, 1)));
    d.push(onLeft(record({ k: 1, id: 'b', f: () => 0 } as never, 1)));
    d.push(onLeft(record({ k: 1, id: 'c' }, 1.5)));
    d.push(onLeft(record({ k: 1, id: 'd' }, 2)));
    d.push(onRight(record({ k: 1, id: 'e' }, 3)));
    expect(d.error).toBeUndefined();
    expect(invalid).toEqual([
      ['INVALID_KEY', 'right'],
      ['INVALID_RECORD', 'left'],
      ['INVALID_RECORD', 'left'],
    ]);
    expect(d.out.filter((el) => el.kind === 'record')).toHaveLength(1);
  });

  it.each([
    [{ lowerBound: 1.5 }, /lowerBound.*integer.*number 1\.5/],
    [{ lowerBound: 6 }, /lowerBound.*must not exceed.*upperBound/],
    [{ type: 'outer' }, /type.*one of 'inner', 'left'.*string "outer"/],
    [{ leftKey: 'k' }, /leftKey.*function/],
    [{ store: {} }, /store.*StateStore/],
    [{ allowedLateness: -1 }, /allowedLateness.*non-negative/],
    [{ cacheSize: 0.5 }, /cacheSize/],
    [{ name: '' }, /name.*non-empty/],
  ])('rejects bad options at creation: %p', (bad, message) => {
    const right = new Subject<StreamElement<{ k: unknown; id: string }>>();
    expect(() => make(bad)(right)).toThrow(JoinError);
    expect(() => make(bad)(right)).toThrow(message);
    expect(() => make(bad)(right)).toThrow(/^intervalJoin: /);
  });

  it('rejects a right input that is not an Observable', () => {
    expect(() => intervalJoin(42 as never, { leftKey: () => 1, rightKey: () => 1, lowerBound: 0, upperBound: 0, store: new InMemoryStore() })).toThrow(/right input must be an Observable/);
  });
});

describe('intervalJoin state', () => {
  it("keeps the store's len() flat under a steady stream and empties it at the end", () => {
    const store = new InMemoryStore();
    const right = new Subject<StreamElement<{ k: number }>>();
    const op = intervalJoin<{ k: number }, { k: number }, 'full'>(right, { leftKey: (v) => v.k, rightKey: (v) => v.k, lowerBound: -50, upperBound: 50, type: 'full', store });
    const d = new JoinDriver(op);
    const lens: number[] = [];
    for (let i = 0; i < 20_000; i++) {
      d.left.next(record({ k: i % 37 }, i));
      right.next(record({ k: (i * 7) % 37 }, i));
      if (i % 100 === 99) {
        d.left.next(watermark(i - 10));
        right.next(watermark(i - 10));
      }
      if (i % 1000 === 999) lens.push(store.len());
    }
    // rows of the last ~160 ms on each side, plus the meta entry written at barriers (none here)
    expect(Math.max(...lens.slice(1))).toBeLessThanOrEqual(2 * 170);
    expect(Math.max(...lens.slice(10)) - Math.min(...lens.slice(1, 10))).toBeLessThanOrEqual(20);
    d.left.complete();
    right.complete();
    expect(d.error).toBeUndefined();
    expect(d.completed).toBe(true);
    expect(store.len()).toBe(0);
    expect(op.metrics.leftRowsHeld + op.metrics.rightRowsHeld).toBe(0);
  });

  it('writes its rows, matched flags and watermark to the store by the barrier, and reports the snapshot', () => {
    for (const cacheSize of [0, 100]) {
      const store = new InMemoryStore();
      const recorder = new CheckpointRecorder();
      const right = new Subject<StreamElement<{ k: number }>>();
      const d = new JoinDriver(intervalJoin<{ k: number }, { k: number }, 'full'>(right, { leftKey: (v) => v.k, rightKey: (v) => v.k, lowerBound: 0, upperBound: 10, type: 'full', store, cacheSize, checkpoint: recorder, name: 'j' }));
      d.left.next(record({ k: 1 }, 5));
      right.next(record({ k: 1 }, 6));
      d.left.next(record({ k: 2 }, 5));
      d.left.next(barrier(3));
      right.next(barrier(3));
      expect(recorder.registeredOperators()).toEqual(['j']);
      const snap = recorder.snapshotsOf(3).get('j')!;
      expect(snap.len()).toBe(4); // meta, two left rows, one right row
      expect(d.out.at(-1)).toEqual(barrier(3));
    }
  });

  it('two joins sharing a store keep apart by name', () => {
    const store = new InMemoryStore();
    const mk = (name: string) => (right$: Subject<StreamElement<{ k: number }>>) => intervalJoin<{ k: number }, { k: number }>(right$, { leftKey: (v) => v.k, rightKey: (v) => v.k, lowerBound: 0, upperBound: 0, store, name, cacheSize: 0 });
    const a = new JoinDriver(mk('a'));
    const b = new JoinDriver(mk('b'));
    a.left.next(record({ k: 1 }, 1));
    b.right.next(record({ k: 1 }, 1));
    expect(a.out.concat(b.out).filter((el) => el.kind === 'record')).toHaveLength(0);
    expect(store.len()).toBe(2);
  });
});
