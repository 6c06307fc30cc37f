import { InMemoryStore, StateSnapshot, decodeValue, encodeValue } from '@weir/state';
import type { StateStore } from '@weir/state';
import {
  barrier,
  handleBarrier,
  mergeEventStreams,
  record,
  registerOperator,
  watermark,
} from '@weir/stream';
import type { CheckpointHook, CheckpointOptions, OperatorSnapshot, StreamElement, TaggedValue } from '@weir/stream';
import { CheckpointRecorder } from '@weir/stream/testing';
import { Observable, Subject } from 'rxjs';
import type { OperatorFunction } from 'rxjs';

const KEY = Uint8Array.of(1);

describe('handleBarrier', () => {
  it('flushes, snapshots, reports, then forwards the barrier, in that order', () => {
    const store = new InMemoryStore();
    const log: string[] = [];
    let cached = 0;
    const reports: OperatorSnapshot[] = [];
    const hook: CheckpointHook = {
      snapshotTaken: (report) => {
        log.push(`report ${report.checkpointId}`);
        reports.push(report);
      },
    };
    cached = 42;
    const forwarded: StreamElement<never>[] = [];
    const result = handleBarrier(
      barrier(3),
      { next: (el) => (log.push(`forward ${el.checkpointId}`), forwarded.push(el)) },
      {
        operator: 'counter',
        store,
        flush: () => {
          log.push('flush');
          store.put(KEY, encodeValue(cached));
        },
        checkpoint: hook,
      },
    );
    expect(log).toEqual(['flush', 'report 3', 'forward 3']);
    expect(forwarded).toEqual([barrier(3)]);
    expect(result).toBe(reports[0]);
    expect(reports[0]).toMatchObject({ checkpointId: 3, operator: 'counter' });
    // The snapshot holds the flushed cache and is isolated from later writes.
    store.put(KEY, encodeValue(99));
    const restored = new InMemoryStore();
    restored.restore(reports[0]!.snapshot);
    expect(decodeValue<number>(restored.get(KEY)!)).toBe(42);
  });

  it('without a hook flushes and forwards but takes no snapshot', () => {
    const store = new InMemoryStore();
    const snapshot = jest.spyOn(store, 'snapshot');
    const flush = jest.fn();
    const forwarded: unknown[] = [];
    const result = handleBarrier(barrier(1), { next: (el) => forwarded.push(el) }, { operator: 'op', store, flush });
    expect(result).toBeUndefined();
    expect(flush).toHaveBeenCalledTimes(1);
    expect(snapshot).not.toHaveBeenCalled();
    expect(forwarded).toEqual([barrier(1)]);
  });

  it('lets a failing flush or hook propagate without forwarding the barrier', () => {
    const store = new InMemoryStore();
    const forwarded: unknown[] = [];
    const next = (el: unknown): number => forwarded.push(el);
    expect(() =>
      handleBarrier(barrier(1), { next }, { operator: 'op', store, flush: () => { throw new Error('flush failed'); } }),
    ).toThrow('flush failed');
    const hook: CheckpointHook = { snapshotTaken: () => { throw new Error('hook failed'); } };
    expect(() => handleBarrier(barrier(1), { next }, { operator: 'op', store, checkpoint: hook })).toThrow('hook failed');
    expect(forwarded).toEqual([]);
  });
});

describe('registerOperator', () => {
  it('registers with the hook and returns its unregister function', () => {
    const events: string[] = [];
    const hook: CheckpointHook = {
      register: (name) => {
        events.push(`+${name}`);
        return () => events.push(`-${name}`);
      },
      snapshotTaken: () => undefined,
    };
    const unregister = registerOperator(hook, 'join');
    expect(events).toEqual(['+join']);
    unregister();
    expect(events).toEqual(['+join', '-join']);
  });

  it('returns a no-op without a hook or without register', () => {
    expect(() => registerOperator(undefined, 'x')()).not.toThrow();
    expect(() => registerOperator({ snapshotTaken: () => undefined }, 'x')()).not.toThrow();
  });
});

// An end-to-end sketch of the protocol as a join would use it: a two-input operator that counts
// records per side in its store (with a write-back cache), merges its inputs with
// mergeEventStreams (barriers aligned), and calls handleBarrier on each barrier.
interface CountOptions extends CheckpointOptions {
  readonly store: StateStore;
  readonly name: string;
}
function countSides<L, R>(options: CountOptions): OperatorFunction<StreamElement<TaggedValue<L, R>>, StreamElement<string>> {
  return (source) =>
    new Observable<StreamElement<string>>((subscriber) => {
      const { store, name, checkpoint } = options;
      const counts = decodeValue<{ left: number; right: number }>(store.get(KEY) ?? encodeValue({ left: 0, right: 0 }));
      const flush = (): void => store.put(KEY, encodeValue(counts));
      subscriber.add(registerOperator(checkpoint, name));
      subscriber.add(
        source.subscribe({
          next: (el) => {
            try {
              if (el.kind === 'record') {
                counts[el.value.side]++;
                subscriber.next(record(`${counts.left}/${counts.right}`, el.timestamp));
              } else if (el.kind === 'barrier') {
                handleBarrier(el, subscriber, { operator: name, store, flush, checkpoint });
              } else {
                subscriber.next(el);
              }
            } catch (err) {
              subscriber.error(err);
            }
          },
          error: (err: unknown) => subscriber.error(err),
          complete: () => subscriber.complete(),
        }),
      );
    });
}

describe('barrier protocol end to end (with CheckpointRecorder)', () => {
  it('snapshots aligned state at barrier n; a restored operator continues from it', () => {
    const recorder = new CheckpointRecorder();
    const store = new InMemoryStore();
    const l = new Subject<StreamElement<string>>();
    const r = new Subject<StreamElement<string>>();
    const out: StreamElement<string>[] = [];
    const sub = mergeEventStreams(l, r).pipe(countSides({ store, name: 'count', checkpoint: recorder })).subscribe((el) => out.push(el));
    expect(recorder.registeredOperators()).toEqual(['count']);

    l.next(record('a', 1));
    l.next(barrier(1));
    l.next(record('b', 2)); // held: belongs after checkpoint 1
    r.next(record('c', 1));
    expect(recorder.isComplete(1)).toBe(false);
    r.next(barrier(1)); // aligned: snapshot with left=1, right=1, then b is released
    expect(recorder.isComplete(1)).toBe(true);
    r.next(watermark(5));
    expect(out).toEqual([record('1/0', 1), record('1/1', 1), barrier(1), record('2/1', 2)]);
    sub.unsubscribe();
    expect(recorder.registeredOperators()).toEqual([]);

    // Recovery: restore checkpoint 1 into a fresh store and replay what came after the barriers.
    const fresh = new InMemoryStore();
    fresh.restore(recorder.snapshotsOf(1).get('count') as StateSnapshot);
    const out2: StreamElement<string>[] = [];
    const l2 = new Subject<StreamElement<string>>();
    const r2 = new Subject<StreamElement<string>>();
    mergeEventStreams(l2, r2).pipe(countSides({ store: fresh, name: 'count' })).subscribe((el) => out2.push(el));
    l2.next(record('b', 2));
    expect(out2).toEqual([record('2/1', 2)]);
  });
});
