import {
  barrier,
  idleWatermark,
  mapRecords,
  mergeEventStreams,
  record,
  watermark,
} from '@weir/stream';
import type { StreamElement, TaggedValue } from '@weir/stream';
import { Subject, lastValueFrom, of, toArray } from 'rxjs';
import type { Observable } from 'rxjs';
import { checkMergeProperty } from './mergeProperty';
import { newTestScheduler } from './testScheduler';

type E = StreamElement<string>;
const left = (value: string, ts: number): StreamElement<TaggedValue<string, string>> => record({ side: 'left', value }, ts);
const right = (value: string, ts: number): StreamElement<TaggedValue<string, string>> => record({ side: 'right', value }, ts);

describe('mergeEventStreams', () => {
  it('tags records by side and emits the minimum watermark only when it advances', () => {
    newTestScheduler().run(({ cold, expectObservable }) => {
      const l = cold<E>('wr--x---|', { w: watermark(10), r: record('L1', 3), x: watermark(20) });
      const r = cold<E>('--y---z---|', { y: watermark(5), z: watermark(15) });
      expectObservable(mergeEventStreams(l, r)).toBe('-ra---b---(F|)', {
        r: left('L1', 3),
        a: watermark(5),
        b: watermark(15),
        F: watermark(Infinity),
      });
    });
  });

  it('excludes an idle input from the minimum until it is active again', () => {
    newTestScheduler().run(({ cold, expectObservable }) => {
      const l = cold<E>('w-i-----r-v--|', { w: watermark(10), i: idleWatermark(10), r: record('late', 1), v: watermark(12) });
      const r = cold<E>('-a---b------------|', { a: watermark(30), b: watermark(40) });
      expectObservable(mergeEventStreams(l, r)).toBe('- a b 2ms c 2ms r 9ms (F|)', {
        a: watermark(10),
        b: watermark(30), // left idle: only right counts
        c: watermark(40),
        r: left('late', 1), // left is active again; the merged watermark does not go back
        F: watermark(Infinity),
      });
    });
  });

  it('holds the watermark and emits one idle marker when every open input is idle', () => {
    newTestScheduler().run(({ cold, expectObservable }) => {
      const l = cold<E>('w-i------v|', { w: watermark(10), i: idleWatermark(10), v: watermark(10) });
      const r = cold<E>('-a--j----------|', { a: watermark(20), j: idleWatermark(20) });
      expectObservable(mergeEventStreams(l, r)).toBe('- a b - c 4ms d e 4ms (F|)', {
        a: watermark(10),
        b: watermark(20),
        c: idleWatermark(20), // both idle
        d: watermark(20), // left active again (plain watermark): say so without advancing
        e: idleWatermark(20), // left completed; the only open input is idle
        F: watermark(Infinity),
      });
    });
  });

  it('counts a completed input as +Infinity and emits +Infinity once when both complete', () => {
    newTestScheduler().run(({ cold, expectObservable }) => {
      const l = cold<E>('|');
      const r = cold<E>('a-|', { a: watermark(50) });
      expectObservable(mergeEventStreams(l, r)).toBe('a-(F|)', { a: watermark(50), F: watermark(Infinity) });
    });
    newTestScheduler().run(({ cold, expectObservable }) => {
      const l = cold<E>('(x|)', { x: watermark(Infinity) });
      const r = cold<E>('-(y|)', { y: watermark(Infinity) });
      expectObservable(mergeEventStreams(l, r)).toBe('-(F|)', { F: watermark(Infinity) });
    });
  });

  it('aligns barriers: holds the elements of the input that delivered barrier n first', () => {
    newTestScheduler().run(({ cold, expectObservable }) => {
      const l = cold<E>('a-n-b-c 17ms |', { a: record('L1', 1), n: barrier(1), b: record('L2', 2), c: watermark(100) });
      const r = cold<E>('--d---e---n 9ms f 3ms |', { d: record('R1', 1), e: record('R2', 2), n: barrier(1), f: record('R3', 3) });
      expectObservable(mergeEventStreams(l, r)).toBe('a 1ms d 3ms e 3ms (nb) 6ms f 3ms (F|)', {
        a: left('L1', 1),
        d: right('R1', 1),
        e: right('R2', 2), // L2 (at 4ms) and the watermark are held behind left's barrier
        n: barrier(1),
        b: left('L2', 2),
        f: right('R3', 3),
        F: watermark(Infinity),
      });
    });
  });

  it('stops waiting for an input that completes during alignment', () => {
    newTestScheduler().run(({ cold, expectObservable }) => {
      const l = cold<E>('n-a------|', { n: barrier(7), a: record('held', 1) });
      const r = cold<E>('--b-|', { b: record('free', 1) });
      expectObservable(mergeEventStreams(l, r)).toBe('--b-(na) 1ms (F|)', {
        b: right('free', 1),
        n: barrier(7),
        a: left('held', 1),
        F: watermark(Infinity),
      });
    });
  });

  it('errors with BARRIER_MISALIGNED on mismatched or non-increasing barrier ids', () => {
    newTestScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const l = cold<E>('n---', { n: barrier(1) });
      const r = cold<E>('--m-', { m: barrier(2) });
      expectObservable(mergeEventStreams(l, r, { name: 'orderJoin' })).toBe(
        '--#',
        {},
        expect.objectContaining({
          code: 'BARRIER_MISALIGNED',
          message: 'orderJoin: barrier 2 arrived on input 1 while barrier 1 is being aligned',
        }),
      );
      expectSubscriptions(l.subscriptions).toBe('^-!');
      expectSubscriptions(r.subscriptions).toBe('^-!');
    });
    newTestScheduler().run(({ cold, expectObservable }) => {
      const l = cold<E>('n-n', { n: barrier(1) });
      const r = cold<E>('-n-', { n: barrier(1) });
      expectObservable(mergeEventStreams(l, r)).toBe(
        '-n#',
        { n: barrier(1) },
        expect.objectContaining({ code: 'BARRIER_MISALIGNED', message: expect.stringContaining('ids must increase') }),
      );
    });
  });

  it('errors with INVALID_ELEMENT on a non-element', () => {
    newTestScheduler().run(({ cold, expectObservable }) => {
      const l = cold<E>('-x', { x: { kind: 'punctuation' } as unknown as E });
      const r = cold<E>('--');
      expectObservable(mergeEventStreams(l, r)).toBe(
        '-#',
        {},
        expect.objectContaining({ code: 'INVALID_ELEMENT', message: expect.stringContaining('mergeEventStreams (input 0)') }),
      );
    });
  });

  it('errors with INVALID_TIMESTAMP on a record whose timestamp is not finite', () => {
    newTestScheduler().run(({ cold, expectObservable }) => {
      const l = cold<E>('--');
      const r = cold<E>('-x', { x: { kind: 'record', value: 'v', timestamp: NaN } });
      expectObservable(mergeEventStreams(l, r, { name: 'join' })).toBe(
        '-#',
        {},
        expect.objectContaining({ code: 'INVALID_TIMESTAMP', message: expect.stringMatching(/^join: record on input 1 has timestamp number NaN/) }),
      );
    });
  });

  it('propagates an input error at once and unsubscribes both inputs', () => {
    newTestScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const l = cold<E>('a-#', { a: barrier(1) }); // the held right input is dropped on error
      const r = cold<E>('------');
      expectObservable(mergeEventStreams(l, r)).toBe('--#');
      expectSubscriptions(l.subscriptions).toBe('^-!');
      expectSubscriptions(r.subscriptions).toBe('^-!');
    });
  });

  it('unsubscribes both inputs when the result is unsubscribed', () => {
    newTestScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const l = cold<E>('a-----', { a: record('x', 1) });
      const r = cold<E>('--b---', { b: record('y', 2) });
      expectObservable(mergeEventStreams(l, r), '^--!').toBe('a-b', { a: left('x', 1), b: right('y', 2) });
      expectSubscriptions(l.subscriptions).toBe('^--!');
      expectSubscriptions(r.subscriptions).toBe('^--!');
    });
  });

  it('aligns synchronous inputs: the first input is held behind its barrier until the second delivers it', async () => {
    const l = of<E[]>(record('a', 1), barrier(1), record('b', 2), watermark(5));
    const r = of<E[]>(record('c', 1), watermark(3), barrier(1), record('d', 2));
    const out = await lastValueFrom(mergeEventStreams(l, r).pipe(toArray()));
    expect(out).toEqual([
      left('a', 1),
      right('c', 1),
      barrier(1),
      left('b', 2),
      watermark(3), // left's watermark 5 is released after the barrier; right's 3 is the minimum
      right('d', 2),
      watermark(Infinity),
    ]);
  });

  it('handles re-entrant pushes (an output that feeds an input) in order', () => {
    const l = new Subject<E>();
    const r = new Subject<E>();
    const out: StreamElement<TaggedValue<string, string>>[] = [];
    mergeEventStreams(l, r).subscribe((el) => {
      out.push(el);
      if (el.kind === 'record' && el.value.value === 'ping') {
        r.next(record('pong', 2));
        l.next(watermark(10));
      }
    });
    r.next(watermark(20));
    l.next(record('ping', 1));
    expect(out).toEqual([left('ping', 1), right('pong', 2), watermark(10)]);
  });

  it('keeps state per subscription', async () => {
    const merged = mergeEventStreams(of<E[]>(watermark(1)), of<E[]>(watermark(2)));
    const first = await lastValueFrom(merged.pipe(toArray()));
    const second = await lastValueFrom(merged.pipe(toArray()));
    // of() is synchronous: the left input has completed (+Infinity) before the right one starts
    expect(first).toEqual([watermark(2), watermark(Infinity)]);
    expect(second).toEqual(first);
  });

  it('property: monotonic watermark bounded by active inputs, records once, barriers aligned', () => {
    checkMergeProperty(2, (sources) => {
      const [l, r] = sources as [Observable<StreamElement<{ input: number; seq: number }>>, Observable<StreamElement<{ input: number; seq: number }>>];
      return mergeEventStreams(l, r).pipe(
        mapRecords((v) => ({ input: v.side === 'left' ? 0 : 1, value: v.value })),
      );
    });
  });
});

describe("mergeEventStreams watermarkFrom: 'left'", () => {
  function run(feed: (l: Subject<StreamElement<string>>, r: Subject<StreamElement<string>>) => void): StreamElement<TaggedValue<string, string>>[] {
    const l = new Subject<StreamElement<string>>();
    const r = new Subject<StreamElement<string>>();
    const out: StreamElement<TaggedValue<string, string>>[] = [];
    mergeEventStreams(l, r, { watermarkFrom: 'left' }).subscribe((el) => out.push(el));
    feed(l, r);
    return out;
  }

  it('follows the left watermark alone, ignoring the right input', () => {
    const out = run((l, r) => {
      r.next(watermark(5));
      l.next(watermark(10));
      r.next(record('t', 3));
      r.next(idleWatermark(5));
      l.next(watermark(20));
    });
    expect(out).toEqual([watermark(10), right('t', 3), watermark(20)]);
  });

  it('ends event time when the left input completes, though the right stays open', () => {
    const out = run((l, r) => {
      l.next(record('a', 1));
      l.complete();
      r.next(record('t', 2));
    });
    expect(out).toEqual([left('a', 1), watermark(Infinity), right('t', 2)]);
  });

  it('still aligns barriers across both inputs', () => {
    const out = run((l, r) => {
      l.next(barrier(1));
      l.next(record('a', 1));
      r.next(record('t', 0));
      r.next(barrier(1));
    });
    expect(out).toEqual([right('t', 0), barrier(1), left('a', 1)]);
  });
});

describe('mergeEventStreams initialWatermarks / onInputWatermark', () => {
  it('reports each input watermark as it advances, and resumes from restored ones', () => {
    const seen: [number, number][] = [];
    const l = new Subject<StreamElement<string>>();
    const r = new Subject<StreamElement<string>>();
    const out: StreamElement<TaggedValue<string, string>>[] = [];
    mergeEventStreams(l, r, { initialWatermarks: [10, 30], onInputWatermark: (i, w) => seen.push([i, w]) }).subscribe((el) => out.push(el));
    l.next(watermark(5)); // below the restored 10: ignored
    r.next(watermark(40));
    l.next(watermark(20));
    expect(seen).toEqual([
      [1, 40],
      [0, 20],
    ]);
    expect(out).toEqual([watermark(20)]);
  });

  it('rejects initial watermarks that do not fit the inputs', () => {
    const l = new Subject<StreamElement<string>>();
    expect(() => mergeEventStreams(l, l, { initialWatermarks: [1] }).subscribe()).toThrow(/initialWatermarks/);
  });
});
