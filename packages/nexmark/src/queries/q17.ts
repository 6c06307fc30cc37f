import { filterRecords, mapRecords } from '@weir/stream';
import { aggregate, tumblingWindow, type Aggregate } from '@weir/window';
import { isBid, type Bid } from '../model';
import type { NexmarkQuery } from '../NexmarkQuery';
import { DAY_MS, dayOf, priceRank } from './q15';

/** One row of q17: an auction's bids of one day. */
export interface AuctionStatistics {
  readonly auction: number;
  /** `yyyy-MM-dd`, UTC. */
  readonly day: string;
  readonly totalBids: number;
  /** Bids under 10,000 cents. */
  readonly rank1Bids: number;
  /** Bids of 10,000 up to 1,000,000 cents (exclusive). */
  readonly rank2Bids: number;
  /** Bids of 1,000,000 cents or more. */
  readonly rank3Bids: number;
  /** Cents. */
  readonly minPrice: number;
  readonly maxPrice: number;
  /** The mean price, cents (exact; the SQL's BIGINT column would truncate it). */
  readonly avgPrice: number;
  readonly sumPrice: number;
}

/** [total, rank1, rank2, rank3, min, max, sum] of one auction's bids in one day. */
type Accumulator = [number, number, number, number, number, number, number];

/**
 * q17's aggregate: counts by price rank, min, max, sum and mean price, in seven numbers (msgpack).
 * Every method O(1).
 */
const auctionStatistics: Aggregate<Bid, Accumulator, Omit<AuctionStatistics, 'auction' | 'day'>> = aggregate({
  name: 'auctionStatistics',
  create: (): Accumulator => [0, 0, 0, 0, Infinity, -Infinity, 0],
  add(acc: Accumulator, bid: Bid): Accumulator {
    acc[0]++;
    acc[priceRank(bid.price)]++;
    if (bid.price < acc[4]) acc[4] = bid.price;
    if (bid.price > acc[5]) acc[5] = bid.price;
    acc[6] += bid.price;
    return acc;
  },
  merge: (a: Accumulator, b: Accumulator): Accumulator => [a[0] + b[0], a[1] + b[1], a[2] + b[2], a[3] + b[3], Math.min(a[4], b[4]), Math.max(a[5], b[5]), a[6] + b[6]],
  result: (acc: Accumulator) => ({
    totalBids: acc[0],
    rank1Bids: acc[1],
    rank2Bids: acc[2],
    rank3Bids: acc[3],
    minPrice: acc[4],
    maxPrice: acc[5],
    avgPrice: acc[6] / acc[0],
    sumPrice: acc[6],
  }),
});

/**
 * Nexmark q17, auction statistics per day: per auction and day, its bids by price rank and the
 * min, max, mean and total price.
 *
 * ```sql
 * SELECT auction, DATE_FORMAT(dateTime, 'yyyy-MM-dd') AS `day`,
 *   count(*) AS total_bids,
 *   count(*) filter (where price < 10000) AS rank1_bids, ... (10000 <= price < 1000000, price >= 1000000)
 *   min(price) AS min_price, max(price) AS max_price, avg(price) AS avg_price, sum(price) AS sum_price
 * FROM bid GROUP BY auction, DATE_FORMAT(dateTime, 'yyyy-MM-dd')
 * ```
 *
 * A one-day {@link tumblingWindow} (UTC days) keyed by auction. O(1) expected per bid; one
 * accumulator per auction with bids that day, held until the day closes.
 *
 * @example
 * ```ts
 * events$.pipe(q17.build(ctx)); // { auction: 1042, day: '2026-01-01', totalBids: 88, minPrice: 1200, ... }
 * ```
 */
export const q17: NexmarkQuery<AuctionStatistics> = {
  name: 'q17',
  description: 'auction statistics per day: bids by price rank, min, max, mean and total price per auction',
  deviation:
    "Flink's unbounded GROUP BY updates each row with every bid; weir emits each auction's row once per day, when the watermark passes the day's end (a one-day tumbling window, UTC). `avgPrice` is the exact mean, where the SQL's BIGINT column truncates it.",
  build: (ctx) => (events$) =>
    events$.pipe(
      filterRecords(isBid),
      tumblingWindow({
        name: 'q17.days',
        store: ctx.store('q17.days'),
        checkpoint: ctx.checkpoint,
        cacheSize: ctx.cacheSize,
        size: DAY_MS,
        key: (b: Bid) => b.auction,
        aggregate: auctionStatistics,
      }),
      mapRecords(({ key, start, value }): AuctionStatistics => ({ auction: key, day: dayOf(start), ...value })),
    ),
};
