import { Observable, VirtualTimeScheduler, defer, type OperatorFunction, type SchedulerLike } from 'rxjs';
import { filterRecords, mapRecords, type StreamElement } from '@weir/stream';
import { count, processingTimeTumblingWindow, tumblingWindow } from '@weir/window';
import { isBid, type Bid, type NexmarkEvent } from '../model';
import type { NexmarkQuery } from '../NexmarkQuery';
import type { BidderCount } from './q11';

/** Options of {@link q12ProcessingTime}. */
export interface Q12Options {
  /**
   * The processing-time clock. Default: the source's pace (see {@link q12ProcessingTime}). Pass
   * `asyncScheduler` for the wall clock (results then depend on how fast the job runs), or a
   * virtual scheduler the caller advances.
   */
  readonly scheduler?: SchedulerLike;
}

/**
 * A virtual clock that reaches each event's time as the event passes: the processing time of a
 * source emitting the generator's events at their scheduled instants. Never goes back.
 */
function pacedBy(clock: VirtualTimeScheduler): OperatorFunction<StreamElement<NexmarkEvent>, StreamElement<NexmarkEvent>> {
  return (source) =>
    new Observable((subscriber) =>
      source.subscribe({
        next(el) {
          if (el.kind === 'record' && el.timestamp > clock.frame) {
            try {
              clock.maxFrames = el.timestamp;
              clock.flush(); // fires the windows due by then (their errors reach the window's subscriber)
              clock.frame = el.timestamp;
            } catch (err) {
              subscriber.error(err);
              return;
            }
          }
          subscriber.next(el);
        },
        error: (err: unknown) => subscriber.error(err),
        complete: () => subscriber.complete(),
      }),
    );
}

/**
 * Nexmark q12 as published: bids per bidder in 10 s tumbling windows of processing time.
 *
 * ```sql
 * SELECT B.bidder, count(*) AS bid_count, window_start AS starttime, window_end AS endtime
 * FROM (SELECT *, PROCTIME() AS p_time FROM bid) B
 * GROUP BY B.bidder, TUMBLE(B.p_time, INTERVAL '10' SECOND)
 * ```
 *
 * A bid counts in the window holding the clock's time when it reaches the window operator
 * (`processingTimeTumblingWindow`); windows fire on the clock's timers, and the end of the input
 * fires the last one. The clock is `options.scheduler`; by default it is the source's pace: a
 * virtual clock that reaches each event's `dateTime` as the event passes. Nexmark's generator
 * stamps each event with the instant it is due to be emitted at the configured rate, so that is
 * the processing time of a source emitting in real time, and it makes q12 deterministic: checked
 * against a batch computation, crashed and resumed exactly once, and benchmarked at full speed
 * with the same rows. O(1) per bid.
 *
 * @example
 * ```ts
 * events$.pipe(q12.build(ctx));                                            // the source's pace
 * events$.pipe(q12ProcessingTime({ scheduler: asyncScheduler }).build(ctx)); // the wall clock
 * ```
 */
export function q12ProcessingTime(options: Q12Options = {}): NexmarkQuery<BidderCount> {
  return {
    name: 'q12',
    description: 'bids per bidder in 10 s tumbling windows (processing time)',
    deviation:
      options.scheduler === undefined
        ? "None in the rows: processing time, on a clock paced by the generator's emission times (each event's dateTime), so the run is deterministic."
        : 'None: processing time on the given scheduler (rows depend on when bids arrive).',
    build: (ctx) => (events$) =>
      defer(() => {
        const clock = options.scheduler === undefined ? new VirtualTimeScheduler() : undefined;
        const window = processingTimeTumblingWindow({
          name: 'q12.window',
          store: ctx.store('q12.window'),
          checkpoint: ctx.checkpoint,
          scheduler: options.scheduler ?? clock!,
          size: 10_000,
          key: (b: Bid) => b.bidder,
          aggregate: count(),
        });
        return (clock === undefined ? events$ : events$.pipe(pacedBy(clock))).pipe(
          filterRecords(isBid),
          window,
          mapRecords((r): BidderCount => ({ bidder: r.key, bidCount: r.value, starttime: r.start, endtime: r.end })),
        );
      }),
  };
}

/** Nexmark q12 as published (processing time), on the source's pace: see {@link q12ProcessingTime}. */
export const q12: NexmarkQuery<BidderCount> = q12ProcessingTime();

/**
 * The event-time variant of q12 (weir's q12 before processing-time windows): bids per bidder in
 * 10 s tumbling windows of the bid's `dateTime`, fired by the watermark. O(1) per bid.
 *
 * @example
 * ```ts
 * events$.pipe(q12EventTime.build(ctx)); // { bidder: 1001, bidCount: 31, starttime, endtime }, ...
 * ```
 */
export const q12EventTime: NexmarkQuery<BidderCount> = {
  name: 'q12-event-time',
  description: 'bids per bidder in 10 s tumbling windows (event time)',
  deviation: 'Windows by event time (dateTime) where the published query uses processing time.',
  build: (ctx) => (events$) =>
    events$.pipe(
      filterRecords(isBid),
      tumblingWindow({
        name: 'q12.window',
        store: ctx.store('q12.window'),
        checkpoint: ctx.checkpoint,
        cacheSize: ctx.cacheSize,
        size: 10_000,
        key: (b: Bid) => b.bidder,
        aggregate: count(),
      }),
      mapRecords((r): BidderCount => ({ bidder: r.key, bidCount: r.value, starttime: r.start, endtime: r.end })),
    ),
};
