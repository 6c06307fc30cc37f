import { filterRecords, mapRecords } from '@weir/stream';
import { count, tumblingWindow } from '@weir/window';
import { isBid, type Bid } from '../model';
import type { NexmarkQuery } from '../NexmarkQuery';
import type { BidderCount } from './q11';

/**
 * Nexmark q12, bids per bidder in 10 s tumbling windows of event time.
 *
 * ```sql
 * SELECT B.bidder, count(*) AS bid_count, window_start AS starttime, window_end AS endtime
 * FROM TABLE(TUMBLE(TABLE bid, DESCRIPTOR(p_time), INTERVAL '10' SECOND))
 * GROUP BY B.bidder, window_start, window_end
 * ```
 *
 * The published query windows by processing time (`p_time = PROCTIME()`). weir's operators are
 * event-time only, so this variant windows by the bid's `dateTime`: deterministic, and
 * checkable against a batch computation. O(1) per bid.
 *
 * @example
 * ```ts
 * events$.pipe(q12.build(ctx)); // { bidder: 1001, bidCount: 31, starttime, endtime }, ...
 * ```
 */
export const q12: NexmarkQuery<BidderCount> = {
  name: 'q12',
  description: 'bids per bidder in 10 s tumbling windows (event time)',
  deviation: 'The published query windows by processing time; weir has no processing-time windows, so q12 windows by event time (dateTime).',
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
