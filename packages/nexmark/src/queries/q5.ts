import { filterRecords, flatMapRecords } from '@weir/stream';
import { aggregate, count, hoppingWindow, tumblingWindow, type WindowResult } from '@weir/window';
import { isBid, type Bid } from '../model';
import type { NexmarkQuery } from '../NexmarkQuery';

/** One of a window's hottest auctions (q5's rows). */
export interface HotItem {
  readonly auction: number;
  /** Bids on it in the window. */
  readonly num: number;
  readonly windowStart: number;
  readonly windowEnd: number;
}

const SIZE = 10_000;
const SLIDE = 2_000;

/** Per window: the highest bid count and the auctions that have it. Accumulator [max, ...auctions]. */
const hottest = aggregate<WindowResult<number, number>, number[], number[]>({
  name: 'hottest',
  create: () => [0],
  add: (acc, r) => {
    if (r.value > acc[0]!) {
      acc.length = 1;
      acc[0] = r.value;
    }
    if (r.value === acc[0]) acc.push(r.key);
    return acc;
  },
  merge: (a, b) => (b[0]! > a[0]! ? b : b[0] === a[0] ? a.concat(b.slice(1)) : a),
  result: (acc) => acc,
});

/**
 * Nexmark q5, hot items: the auctions with the most bids in each 10 s window sliding by 2 s.
 *
 * ```sql
 * SELECT AuctionBids.auction, AuctionBids.num FROM (
 *   SELECT auction, count(*) AS num, window_start AS starttime, window_end AS endtime
 *   FROM TABLE(HOP(TABLE bid, DESCRIPTOR(dateTime), INTERVAL '2' SECOND, INTERVAL '10' SECOND))
 *   GROUP BY auction, window_start, window_end) AS AuctionBids
 * JOIN (SELECT max(CountBids.num) AS maxn, CountBids.starttime, CountBids.endtime FROM (...same...) AS CountBids
 *   GROUP BY CountBids.starttime, CountBids.endtime) AS MaxBids
 * ON AuctionBids.starttime = MaxBids.starttime AND AuctionBids.endtime = MaxBids.endtime AND AuctionBids.num >= MaxBids.maxn
 * ```
 *
 * A {@link hoppingWindow} counts bids per auction; each window's counts come out stamped at its
 * last millisecond, so a 2 s {@link tumblingWindow} over them gathers exactly one hopping
 * window's counts and keeps the largest and the auctions that reach it. O(1) per bid (one pane
 * update), O(auctions) per slide.
 *
 * @example
 * ```ts
 * events$.pipe(q5.build(ctx)); // { auction: 1180, num: 811, windowStart, windowEnd }, ...
 * ```
 */
export const q5: NexmarkQuery<HotItem> = {
  name: 'q5',
  description: 'hot items: the most-bid auctions per 10 s window sliding by 2 s',
  deviation: '',
  build: (ctx) => (events$) =>
    events$.pipe(
      filterRecords(isBid),
      hoppingWindow({
        name: 'q5.counts',
        store: ctx.store('q5.counts'),
        checkpoint: ctx.checkpoint,
        cacheSize: ctx.cacheSize,
        size: SIZE,
        slide: SLIDE,
        key: (b: Bid) => b.auction,
        aggregate: count(),
      }),
      tumblingWindow({
        name: 'q5.hottest',
        store: ctx.store('q5.hottest'),
        checkpoint: ctx.checkpoint,
        cacheSize: ctx.cacheSize,
        size: SLIDE,
        key: () => 0,
        aggregate: hottest,
      }),
      flatMapRecords((r) => {
        const [num, ...auctions] = r.value;
        return auctions.map((auction): HotItem => ({ auction, num: num!, windowStart: r.end - SIZE, windowEnd: r.end }));
      }),
    ),
};
