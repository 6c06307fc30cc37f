import { filterRecords, mapRecords } from '@weir/stream';
import { count, sessionWindow } from '@weir/window';
import { isBid, type Bid } from '../model';
import type { NexmarkQuery } from '../NexmarkQuery';

/** Bids of one bidder in one window (q11's and q12's rows). */
export interface BidderCount {
  readonly bidder: number;
  readonly bidCount: number;
  readonly starttime: number;
  readonly endtime: number;
}

/**
 * Nexmark q11, user sessions: bids per bidder per session, a session ending after 10 s without
 * a bid.
 *
 * ```sql
 * SELECT B.bidder, count(*) AS bid_count, SESSION_START(B.dateTime, INTERVAL '10' SECOND) AS starttime,
 *   SESSION_END(B.dateTime, INTERVAL '10' SECOND) AS endtime
 * FROM bid B GROUP BY B.bidder, SESSION(B.dateTime, INTERVAL '10' SECOND)
 * ```
 *
 * A {@link sessionWindow} with a 10 s gap counting bids per bidder; `endtime` is the last bid
 * plus the gap, as `SESSION_END`. O(log s) per bid, s the bidder's open sessions.
 *
 * @example
 * ```ts
 * events$.pipe(q11.build(ctx)); // { bidder: 1001, bidCount: 57, starttime, endtime }, ...
 * ```
 */
export const q11: NexmarkQuery<BidderCount> = {
  name: 'q11',
  description: 'user sessions: bids per bidder per session (10 s gap)',
  deviation: '',
  build: (ctx) => (events$) =>
    events$.pipe(
      filterRecords(isBid),
      sessionWindow({
        name: 'q11.sessions',
        store: ctx.store('q11.sessions'),
        checkpoint: ctx.checkpoint,
        cacheSize: ctx.cacheSize,
        gap: 10_000,
        key: (b: Bid) => b.bidder,
        aggregate: count(),
      }),
      mapRecords((r): BidderCount => ({ bidder: r.key, bidCount: r.value, starttime: r.start, endtime: r.end })),
    ),
};
