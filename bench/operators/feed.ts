// The driving code of bench/operators.bench.ts: one function per input shape decides the order of
// records, watermarks and checkpoint barriers, and every subject (a weir operator, a hand-written
// operator, a plain loop) receives exactly that sequence. The RxJS drivers push it through
// Subjects as stream elements; the plain loops get the same calls without RxJS.
import { Subject, type Observable, type OperatorFunction } from 'rxjs';
import type { StreamElement } from '@weir/stream';
import { BOUND, type Click, type Ev } from './data';

/** A checkpoint barrier goes in every this many events, as with the coordinator's default interval. */
export const BARRIER_EVERY = 100_000;

/** Called around each event (a record and the watermark it raises), by the latency runs. */
export interface Pace {
  before(i: number): void;
  after(i: number): void;
}

/** What the window scenarios' driving code calls. */
export interface ClickTarget {
  record(c: Click): void;
  watermark(w: number): void;
  barrier(id: number): void;
}

/** What the join scenarios' driving code calls; side 0 is the left input, 1 the right. */
export interface PairTarget {
  record(side: 0 | 1, e: Ev): void;
  watermark(side: 0 | 1, w: number): void;
  barrier(id: number): void;
}

/**
 * Feeds clicks in order: each record, then a watermark (largest timestamp - BOUND - 1) whenever
 * it rises, and a barrier after every {@link BARRIER_EVERY} events.
 */
export function feedClicks(input: readonly Click[], to: ClickTarget, pace?: Pace): void {
  let maxTs = Number.NEGATIVE_INFINITY;
  let id = 0;
  for (let i = 0; i < input.length; i++) {
    pace?.before(i);
    const c = input[i]!;
    to.record(c);
    if (c.ts > maxTs) {
      maxTs = c.ts;
      to.watermark(maxTs - BOUND - 1);
    }
    if ((i + 1) % BARRIER_EVERY === 0) to.barrier(++id);
    pace?.after(i);
  }
}

/**
 * Feeds two inputs: every right event first when `rightFirst` (a table), then left and right
 * alternately; each record followed by its side's watermark when it rises, a barrier into both
 * inputs after every {@link BARRIER_EVERY} events.
 */
export function feedPairs(left: readonly Ev[], right: readonly Ev[], rightFirst: boolean, to: PairTarget, pace?: Pace): void {
  const maxTs = [Number.NEGATIVE_INFINITY, Number.NEGATIVE_INFINITY];
  let events = 0;
  let id = 0;
  const push = (side: 0 | 1, e: Ev): void => {
    pace?.before(events);
    to.record(side, e);
    if (e.ts > maxTs[side]!) {
      maxTs[side] = e.ts;
      to.watermark(side, e.ts - BOUND - 1);
    }
    if (++events % BARRIER_EVERY === 0) to.barrier(++id);
    pace?.after(events - 1);
  };
  if (rightFirst) for (const e of right) push(1, e);
  const n = Math.max(left.length, rightFirst ? 0 : right.length);
  for (let i = 0; i < n; i++) {
    if (i < left.length) push(0, left[i]!);
    if (!rightFirst && i < right.length) push(1, right[i]!);
  }
}

function resultSink<R>(onResult: (value: R) => void, failed: { error?: unknown }) {
  return {
    next: (el: StreamElement<R>) => {
      if (el.kind === 'record') onResult(el.value);
    },
    error: (err: unknown) => {
      failed.error = err;
    },
  };
}

/** Pushes the clicks through `op` as stream elements (one Subject); results go to `onResult`. */
export function driveClicks<R>(input: readonly Click[], op: OperatorFunction<StreamElement<Click>, StreamElement<R>>, onResult: (value: R) => void, pace?: Pace): void {
  const source = new Subject<StreamElement<Click>>();
  const failed: { error?: unknown } = {};
  source.pipe(op).subscribe(resultSink(onResult, failed));
  feedClicks(
    input,
    {
      record: (c) => source.next({ kind: 'record', value: c, timestamp: c.ts }),
      watermark: (w) => source.next({ kind: 'watermark', timestamp: w }),
      barrier: (id) => source.next({ kind: 'barrier', checkpointId: id }),
    },
    pace,
  );
  source.complete();
  if ('error' in failed) throw failed.error;
}

/** A two-input operator as the joins take it: the right input as argument, piped on the left. */
export type JoinOf<O> = (right$: Observable<StreamElement<Ev>>) => OperatorFunction<StreamElement<Ev>, StreamElement<O>>;

/** Pushes both inputs through `op` as stream elements (one Subject per input). */
export function drivePairs<O>(left: readonly Ev[], right: readonly Ev[], rightFirst: boolean, op: JoinOf<O>, onResult: (value: O) => void, pace?: Pace): void {
  const l = new Subject<StreamElement<Ev>>();
  const r = new Subject<StreamElement<Ev>>();
  const sides = [l, r] as const;
  const failed: { error?: unknown } = {};
  l.pipe(op(r)).subscribe(resultSink(onResult, failed));
  feedPairs(
    left,
    right,
    rightFirst,
    {
      record: (side, e) => sides[side].next({ kind: 'record', value: e, timestamp: e.ts }),
      watermark: (side, w) => sides[side].next({ kind: 'watermark', timestamp: w }),
      barrier: (id) => {
        l.next({ kind: 'barrier', checkpointId: id });
        r.next({ kind: 'barrier', checkpointId: id });
      },
    },
    pace,
  );
  l.complete();
  r.complete();
  if ('error' in failed) throw failed.error;
}
