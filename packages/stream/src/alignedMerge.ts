// Internal: the N-input engine behind mergeEventStreams and mergeIndexedEventStreams.
//
// Per input it tracks the watermark, whether the input is idle, completed or blocked (it has
// delivered the barrier being aligned), and a FIFO of held elements. An element is processed at
// once unless its input is blocked (or still has older elements held); processing a barrier that
// completes an alignment emits it and unblocks every input, and the held elements are then
// released in order (which may block inputs again on their next barrier). Completion is queued
// like an element, so an input that completes behind its barrier is not done before it is released.

import { Observable, Subscription } from 'rxjs';
import type { StreamElement } from './StreamElement';
import { invalidElement } from './StreamElement';
import { StreamError } from './StreamError';
import { describeValue } from '@weir/state';

/** A FIFO whose dequeue is O(1) amortised (Array#shift is O(n) on large arrays). */
class Queue<T> {
  private items: T[] = [];
  private head = 0;

  get size(): number {
    return this.items.length - this.head;
  }

  push(item: T): void {
    this.items.push(item);
  }

  shift(): T {
    const item = this.items[this.head] as T;
    this.head++;
    if (this.head === this.items.length) {
      this.items = [];
      this.head = 0;
    } else if (this.head > 1024 && this.head * 2 > this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
    return item;
  }

  clear(): void {
    this.items = [];
    this.head = 0;
  }
}

/** Marks an input's completion in its queue (completion is in-band after held elements). */
const COMPLETE = null;

/** What an input delivers, in order: elements, then possibly its completion. */
type Item<T> = StreamElement<T> | typeof COMPLETE;

/** How {@link alignedMerge} treats its inputs' watermarks. */
export interface MergeSettings {
  /** Which inputs' watermarks count (all by default). */
  readonly timed?: readonly boolean[];
  /** Each input's watermark at a restored checkpoint: the merge starts from these. */
  readonly initialWatermarks?: readonly number[];
  /** Called when an input's watermark advances, in processing order (after alignment). */
  readonly onInputWatermark?: (input: number, watermark: number) => void;
}

/**
 * Merges N element streams into one whose records are `tag(input, value)`, whose watermark is the
 * minimum over non-idle, non-completed timed inputs (`timed[i]`, all by default; an untimed
 * input's watermarks are ignored), and whose barriers are aligned across inputs.
 */
export function alignedMerge<T, O>(
  sources: readonly Observable<StreamElement<T>>[],
  tag: (input: number, value: T) => O,
  operator: string,
  settings: MergeSettings = {},
): Observable<StreamElement<O>> {
  const timed = settings.timed ?? sources.map(() => true);
  const initial = settings.initialWatermarks;
  if (initial !== undefined && (initial.length !== sources.length || initial.some((w) => typeof w !== 'number' || Number.isNaN(w)))) {
    throw new StreamError('INVALID_ELEMENT', `${operator}: initialWatermarks must hold one watermark (a number, not NaN) per input, got ${describeValue(initial)}`);
  }
  const onInputWatermark = settings.onInputWatermark;
  return new Observable<StreamElement<O>>((subscriber) => {
    const n = sources.length;
    const wm: number[] = initial === undefined ? new Array<number>(n).fill(-Infinity) : [...initial];
    const idle: boolean[] = new Array<boolean>(n).fill(false);
    const done: boolean[] = new Array<boolean>(n).fill(false);
    const blocked: boolean[] = new Array<boolean>(n).fill(false);
    const held = sources.map(() => new Queue<Item<T>>());
    const arrivals = new Queue<readonly [number, Item<T>]>();
    let remaining = n;
    let aligning: number | undefined; // the checkpoint id being aligned
    let lastCheckpoint = -1;
    let outWm = -Infinity;
    if (initial !== undefined) {
      // Restored: the merged watermark is where it was; no need to announce it again.
      let min = Infinity;
      for (let j = 0; j < n; j++) if (timed[j] && wm[j]! < min) min = wm[j]!;
      if (min < Infinity) outWm = min;
    }
    let outIdle = false;
    let pumping = false; // an element is being processed
    let released = false; // an alignment completed: held elements may be processed

    const finish = (): void => {
      if (outWm < Infinity) subscriber.next({ kind: 'watermark', timestamp: Infinity });
      subscriber.complete();
    };

    const updateWatermark = (): void => {
      // Untimed inputs never count; when every timed input has completed, event time is over.
      let min = Infinity;
      let open = false;
      let active = false;
      for (let j = 0; j < n; j++) {
        if (!timed[j] || done[j]) continue;
        open = true;
        if (idle[j]) continue;
        active = true;
        const w = wm[j]!;
        if (w < min) min = w;
      }
      if (!open) active = true;
      if (!active) {
        // Every open input is idle: hold the watermark (nothing promises more) and say so.
        if (!outIdle) {
          outIdle = true;
          subscriber.next({ kind: 'watermark', timestamp: outWm, idle: true });
        }
      } else if (min > outWm) {
        outWm = min;
        outIdle = false;
        subscriber.next({ kind: 'watermark', timestamp: min });
      } else if (outIdle) {
        // Active again without advancing: a plain watermark at the current value ends idleness.
        outIdle = false;
        subscriber.next({ kind: 'watermark', timestamp: outWm });
      }
    };

    const completeAlignment = (): void => {
      if (aligning === undefined) return;
      for (let j = 0; j < n; j++) if (!done[j] && !blocked[j]) return;
      const id = aligning;
      aligning = undefined;
      lastCheckpoint = id;
      blocked.fill(false);
      released = true;
      subscriber.next({ kind: 'barrier', checkpointId: id });
    };

    const process = (i: number, el: Item<T>): void => {
      if (el === COMPLETE) {
        done[i] = true;
        remaining--;
        completeAlignment();
        if (remaining === 0) finish();
        else updateWatermark();
        return;
      }
      switch (el.kind) {
        case 'record':
          if (typeof el.timestamp !== 'number' || !Number.isFinite(el.timestamp)) {
            throw new StreamError(
              'INVALID_TIMESTAMP',
              `${operator}: record on input ${i} has timestamp ${describeValue(el.timestamp)}; ` +
                'an event time must be a finite number (epoch ms)',
            );
          }
          if (timed[i]) {
            idle[i] = false;
            outIdle = false;
          }
          subscriber.next({ kind: 'record', value: tag(i, el.value), timestamp: el.timestamp });
          return;
        case 'watermark': {
          const ts = el.timestamp;
          if (typeof ts !== 'number' || Number.isNaN(ts)) throw invalidElement(`${operator} (input ${i})`, el);
          if (!timed[i]) return;
          if (ts > wm[i]!) {
            wm[i] = ts;
            onInputWatermark?.(i, ts);
          }
          idle[i] = el.idle === true;
          updateWatermark();
          return;
        }
        case 'barrier': {
          const id = el.checkpointId;
          if (!Number.isSafeInteger(id) || id < 0) throw invalidElement(`${operator} (input ${i})`, el);
          if (aligning === undefined ? id <= lastCheckpoint : id !== aligning) {
            throw new StreamError(
              'BARRIER_MISALIGNED',
              `${operator}: barrier ${id} arrived on input ${i} while ` +
                (aligning === undefined
                  ? `checkpoint ${lastCheckpoint} was the last one aligned (ids must increase)`
                  : `barrier ${aligning} is being aligned`),
            );
          }
          aligning = id;
          blocked[i] = true;
          completeAlignment();
          return;
        }
        default:
          throw invalidElement(`${operator} (input ${i})`, el);
      }
    };

    // An element that is next in its input's order: held while the input is blocked (or still
    // has older elements held), processed otherwise.
    const accept = (i: number, el: Item<T>): void => {
      const h = held[i]!;
      if (blocked[i] || h.size > 0) h.push(el);
      else process(i, el);
    };

    // After an alignment completed, replays the held elements of the unblocked inputs in order,
    // until each queue is empty or its input blocks again on its next barrier (which may complete
    // the next alignment: hence the loop).
    const release = (): void => {
      while (released && !subscriber.closed) {
        released = false;
        for (let i = 0; i < n; i++) {
          const h = held[i]!;
          while (!blocked[i] && h.size > 0 && !subscriber.closed) process(i, h.shift());
        }
      }
    };

    // Elements pushed while an element is being processed (an emission that feeds an input)
    // wait in `arrivals` and are taken in arrival order once the current one is done.
    const push = (i: number, el: Item<T>): void => {
      if (pumping) {
        arrivals.push([i, el]);
        return;
      }
      pumping = true;
      try {
        accept(i, el);
        for (;;) {
          release();
          if (arrivals.size === 0 || subscriber.closed) break;
          const [j, next] = arrivals.shift();
          accept(j, next);
        }
      } catch (err) {
        subscriber.error(err);
      } finally {
        pumping = false;
      }
    };

    if (n === 0) {
      finish();
      return undefined;
    }

    const subscriptions = new Subscription();
    subscriptions.add(() => {
      for (const h of held) h.clear();
      arrivals.clear();
    });
    for (let i = 0; i < n && !subscriber.closed; i++) {
      subscriptions.add(
        sources[i]!.subscribe({
          next: (el) => push(i, el),
          error: (err: unknown) => subscriber.error(err),
          complete: () => push(i, COMPLETE),
        }),
      );
    }
    return subscriptions;
  });
}
