// Marble tests: when interval join rows come out relative to the records and watermarks of both
// inputs. Each input is a cold observable of StreamElements; the join works synchronously, so a
// row appears in the frame of the element that produced it, before the watermark that released it.
import { TestScheduler } from 'rxjs/testing';
import { InMemoryStore } from '@weir/state';
import { record, watermark, type StreamElement } from '@weir/stream';
import { intervalJoin, type IntervalJoinType } from '../index';

type V = { readonly id: string };
const ev = (id: string, ts: number): StreamElement<V> => record({ id }, ts);
const row = (l: string | undefined, r: string | undefined, ts: number): StreamElement<unknown> => ({
  kind: 'record',
  value: { left: l === undefined ? undefined : { id: l }, right: r === undefined ? undefined : { id: r } },
  timestamp: ts,
});
const W = (t: number): StreamElement<unknown> => watermark(t);
const scheduler = (): TestScheduler => new TestScheduler((actual, expected) => expect(actual).toEqual(expected));
const join = (right$: import('rxjs').Observable<StreamElement<V>>, type: IntervalJoinType) =>
  intervalJoin<V, V, IntervalJoinType>(right$, { leftKey: () => 1, rightKey: () => 1, lowerBound: -2, upperBound: 3, type, store: new InMemoryStore() });

describe('intervalJoin timing (marbles), bounds [-2, 3]', () => {
  // left a@10; right b@12 (matches), c@20 (matches nothing); watermarks on both sides
  const left = 'a 4ms v 4ms w 4ms |';
  const right = '2ms b 4ms v 2ms c 1ms w 4ms |';
  const values = { a: ev('a', 10), b: ev('b', 12), c: ev('c', 20), v: watermark(12), w: watermark(13) };

  it('inner: a match comes out in the frame of its second row', () => {
    scheduler().run(({ cold, expectObservable }) => {
      expectObservable(cold(left, values).pipe(join(cold(right, values), 'inner'))).toBe('2ms M 4ms v 4ms w 4ms (I|)', { M: row('a', 'b', 12), v: W(12), w: W(13), I: W(Infinity) });
    });
  });

  it('full: a@10 is matched; c@20 comes out unmatched only at the end, when nothing can match it any more', () => {
    scheduler().run(({ cold, expectObservable }) => {
      expectObservable(cold(left, values).pipe(join(cold(right, values), 'full'))).toBe('2ms M 4ms v 4ms w 4ms (CI|)', { M: row('a', 'b', 12), C: row(undefined, 'c', 22), v: W(12), w: W(13), I: W(Infinity) });
    });
  });

  it('anti: a@10 is dropped at its match; semi: emitted there once', () => {
    scheduler().run(({ cold, expectObservable }) => {
      expectObservable(cold(left, values).pipe(join(cold(right, values), 'semi'))).toBe('2ms S 4ms v 4ms w 4ms (I|)', { S: row('a', undefined, 12), v: W(12), w: W(13), I: W(Infinity) });
      expectObservable(cold(left, values).pipe(join(cold(right, values), 'anti'))).toBe('7ms v 4ms w 4ms (I|)', { v: W(12), w: W(13), I: W(Infinity) });
    });
  });

  it('left: an unmatched left row comes out in the frame of the watermark that passes t + upperBound', () => {
    const lonely = { ...values, a: ev('a', 5) }; // [3, 8]: b@12 does not match; expires at watermark 8
    scheduler().run(({ cold, expectObservable }) => {
      expectObservable(cold(left, lonely).pipe(join(cold(right, lonely), 'left'))).toBe('7ms (Lv) 1ms w 4ms (I|)', { L: row('a', undefined, 8), v: W(12), w: W(13), I: W(Infinity) });
    });
  });
});
