import { filterRecords, mapRecords } from '@weir/stream';
import { isBid, type Bid } from '../model';
import type { NexmarkQuery } from '../NexmarkQuery';
import { DOL_TO_EUR } from './q1';

/** When in the day a bid was placed (its hour, UTC): q14's `bidTimeType`. */
export type BidTimeType = 'dayTime' | 'nightTime' | 'otherTime';

/** A bid of q14's price range, typed by its hour and with its count of `'c'`s. */
export interface TypedBid {
  readonly auction: number;
  readonly bidder: number;
  /** Euros: `0.908 * price`. */
  readonly price: number;
  readonly bidTimeType: BidTimeType;
  readonly dateTime: number;
  readonly extra: string;
  /** How many `'c'` the bid's `extra` holds (the query's user function `count_char`). */
  readonly cCounts: number;
}

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;
const C = 'c'.charCodeAt(0);

/** `count_char(s, 'c')`: the occurrences of `'c'` in `s` (O(length)). */
function countC(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) if (s.charCodeAt(i) === C) n++;
  return n;
}

/** The SQL's `CASE` on `HOUR(dateTime)`, in UTC. */
function bidTimeType(time: number): BidTimeType {
  const hour = Math.floor((((time % DAY_MS) + DAY_MS) % DAY_MS) / HOUR_MS);
  if (hour >= 8 && hour <= 18) return 'dayTime';
  if (hour <= 6 || hour >= 20) return 'nightTime';
  return 'otherTime';
}

/**
 * Nexmark q14, a stateless computation with a user function: the bids whose price in euros is
 * between 1,000,000 and 50,000,000 (exclusive), typed by the hour they were placed, with the
 * count of `'c'` in their `extra`.
 *
 * ```sql
 * SELECT auction, bidder, 0.908 * price AS price,
 *   CASE WHEN HOUR(dateTime) >= 8 AND HOUR(dateTime) <= 18 THEN 'dayTime'
 *        WHEN HOUR(dateTime) <= 6 OR HOUR(dateTime) >= 20 THEN 'nightTime'
 *        ELSE 'otherTime' END AS bidTimeType,
 *   dateTime, extra, count_char(extra, 'c') AS c_counts
 * FROM bid WHERE 0.908 * price > 1000000 AND 0.908 * price < 50000000
 * ```
 *
 * Hours are UTC (Flink's are the session time zone's). `count_char` counts bytes equal to `'c'`
 * in UTF-8, which is the count of the character `'c'`. Stateless; O(length of extra) per bid.
 *
 * @example
 * ```ts
 * events$.pipe(q14.build(ctx)); // { auction, bidder, price: 1_208_436.6, bidTimeType: 'nightTime', ..., cCounts: 4 }
 * ```
 */
export const q14: NexmarkQuery<TypedBid> = {
  name: 'q14',
  description: 'bids in a price range, typed by hour of day, with a user function counting the c in extra',
  deviation: '',
  build: () => (events$) =>
    events$.pipe(
      filterRecords((e): e is Bid => isBid(e) && DOL_TO_EUR * e.price > 1_000_000 && DOL_TO_EUR * e.price < 50_000_000),
      mapRecords(
        (b): TypedBid => ({
          auction: b.auction,
          bidder: b.bidder,
          price: DOL_TO_EUR * b.price,
          bidTimeType: bidTimeType(b.dateTime),
          dateTime: b.dateTime,
          extra: b.extra,
          cCounts: countC(b.extra),
        }),
      ),
    ),
};
