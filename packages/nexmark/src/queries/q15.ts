import { filterRecords, mapRecords } from '@weir/stream';
import { StateError, decodeValue, describeValue, encodeValue } from '@weir/state';
import { aggregate, countDistinct, tumblingWindow, type AccumulatorCodec, type Aggregate, type CountDistinctAccumulator } from '@weir/window';
import { isBid, type Bid } from '../model';
import type { NexmarkQuery } from '../NexmarkQuery';

/** One day of bids: q15's row (q16's without the channel and minute). */
export interface BidStatistics {
  /** `yyyy-MM-dd`, UTC. */
  readonly day: string;
  readonly totalBids: number;
  /** Bids under 10,000 cents. */
  readonly rank1Bids: number;
  /** Bids of 10,000 up to 1,000,000 cents (exclusive). */
  readonly rank2Bids: number;
  /** Bids of 1,000,000 cents or more. */
  readonly rank3Bids: number;
  readonly totalBidders: number;
  readonly rank1Bidders: number;
  readonly rank2Bidders: number;
  readonly rank3Bidders: number;
  readonly totalAuctions: number;
  readonly rank1Auctions: number;
  readonly rank2Auctions: number;
  readonly rank3Auctions: number;
}

/** One UTC day, ms: q15, q16 and q17 group by `DATE_FORMAT(dateTime, 'yyyy-MM-dd')`. */
export const DAY_MS = 86_400_000;

/** The price rank of a bid (1: under 10,000 cents; 2: under 1,000,000; 3: the rest), as the SQL's filters. */
export function priceRank(price: number): 1 | 2 | 3 {
  return price < 10_000 ? 1 : price < 1_000_000 ? 2 : 3;
}

/** `yyyy-MM-dd` of an epoch-ms time, UTC (`DATE_FORMAT(t, 'yyyy-MM-dd')`). */
export const dayOf = (t: number): string => new Date(t).toISOString().slice(0, 10);

/** `HH:mm` of an epoch-ms time, UTC (`DATE_FORMAT(t, 'HH:mm')`). */
export const minuteOf = (t: number): string => new Date(t).toISOString().slice(11, 16);

/**
 * The accumulator of {@link bidStatistics}: the counts (total, then by rank), the distinct
 * bidders and auctions (total, then by rank), and the latest bid time (for q16's minute).
 */
export interface BidStatisticsAccumulator {
  readonly bids: [number, number, number, number];
  readonly bidders: CountDistinctAccumulator[];
  readonly auctions: CountDistinctAccumulator[];
  latest: number;
}

/** The latest bid time and the 12 counts of a group, before the day is formatted. */
export interface BidStatisticsResult extends Omit<BidStatistics, 'day'> {
  /** The latest bid's time, epoch ms. */
  readonly latest: number;
}

const rankFilter = (rank: number) => (b: Bid) => priceRank(b.price) === rank;
const distinctOf = (selector: (b: Bid) => number): Aggregate<Bid, CountDistinctAccumulator, number>[] => [
  countDistinct(selector),
  ...[1, 2, 3].map((rank) => countDistinct(selector, { filter: rankFilter(rank) })),
];

const isCountArray = (x: unknown): x is [number, number, number, number] => Array.isArray(x) && x.length === 4 && x.every((n) => typeof n === 'number');
const isBytesArray = (x: unknown): x is Uint8Array[] => Array.isArray(x) && x.length === 4 && x.every((b) => b instanceof Uint8Array);

/**
 * The codec of {@link bidStatistics}: `[bids, latest, bidders, auctions]` in msgpack, each set as
 * the bytes of its own {@link countDistinct} codec (its members' text, not a msgpack map: the
 * day's sets are written at every barrier). O(distinct bidders + auctions) both ways.
 */
function bidStatisticsCodec(bidders: Aggregate<Bid, CountDistinctAccumulator, number>[], auctions: Aggregate<Bid, CountDistinctAccumulator, number>[]): AccumulatorCodec<BidStatisticsAccumulator> {
  const where = 'bidStatistics: codec';
  return {
    encode: (acc) =>
      encodeValue([acc.bids, acc.latest, acc.bidders.map((a, i) => bidders[i]!.codec.encode(a)), acc.auctions.map((a, i) => auctions[i]!.codec.encode(a))], `${where}.encode`),
    decode(bytes) {
      const v = decodeValue<unknown>(bytes, `${where}.decode`);
      if (!Array.isArray(v) || v.length !== 4 || !isCountArray(v[0]) || typeof v[1] !== 'number' || !isBytesArray(v[2]) || !isBytesArray(v[3])) {
        throw new StateError('DESERIALIZATION', `${where}.decode: decoded ${describeValue(v)} is not a bidStatistics accumulator`);
      }
      return { bids: v[0], latest: v[1], bidders: v[2].map((b, i) => bidders[i]!.codec.decode(b)), auctions: v[3].map((b, i) => auctions[i]!.codec.decode(b)) };
    },
  };
}

/**
 * q15's and q16's aggregate: `count(*)` and `count(distinct bidder)`, `count(distinct auction)`,
 * each total and `filter (where <price rank>)`, in one accumulator of eight {@link countDistinct}
 * sets and four counts. O(1) expected per bid; O(distinct bidders + auctions) memory and
 * encoding per group (at every store write and barrier).
 *
 * @example
 * ```ts
 * tumblingWindow({ size: DAY_MS, key: () => 0, aggregate: bidStatistics(), store });
 * ```
 */
export function bidStatistics(): Aggregate<Bid, BidStatisticsAccumulator, BidStatisticsResult> {
  const bidders = distinctOf((b) => b.bidder);
  const auctions = distinctOf((b) => b.auction);
  return aggregate<Bid, BidStatisticsAccumulator, BidStatisticsResult>({
    name: 'bidStatistics',
    create: () => ({ bids: [0, 0, 0, 0], bidders: bidders.map((a) => a.create()), auctions: auctions.map((a) => a.create()), latest: -Infinity }),
    add(acc, bid, t) {
      acc.bids[0]++;
      acc.bids[priceRank(bid.price)]++;
      for (let i = 0; i < 4; i++) {
        acc.bidders[i] = bidders[i]!.add(acc.bidders[i]!, bid, t);
        acc.auctions[i] = auctions[i]!.add(acc.auctions[i]!, bid, t);
      }
      if (bid.dateTime > acc.latest) acc.latest = bid.dateTime;
      return acc;
    },
    merge(a, b) {
      for (let i = 0; i < 4; i++) {
        a.bids[i] = a.bids[i]! + b.bids[i]!;
        a.bidders[i] = bidders[i]!.merge(a.bidders[i]!, b.bidders[i]!);
        a.auctions[i] = auctions[i]!.merge(a.auctions[i]!, b.auctions[i]!);
      }
      a.latest = Math.max(a.latest, b.latest);
      return a;
    },
    codec: bidStatisticsCodec(bidders, auctions),
    result: (acc) => ({
      totalBids: acc.bids[0],
      rank1Bids: acc.bids[1],
      rank2Bids: acc.bids[2],
      rank3Bids: acc.bids[3],
      totalBidders: acc.bidders[0]!.n,
      rank1Bidders: acc.bidders[1]!.n,
      rank2Bidders: acc.bidders[2]!.n,
      rank3Bidders: acc.bidders[3]!.n,
      totalAuctions: acc.auctions[0]!.n,
      rank1Auctions: acc.auctions[1]!.n,
      rank2Auctions: acc.auctions[2]!.n,
      rank3Auctions: acc.auctions[3]!.n,
      latest: acc.latest,
    }),
  });
}

/**
 * Nexmark q15, bidding statistics per day: bids, distinct bidders and distinct auctions, in
 * total and per price rank.
 *
 * ```sql
 * SELECT DATE_FORMAT(dateTime, 'yyyy-MM-dd') AS `day`,
 *   count(*) AS total_bids,
 *   count(*) filter (where price < 10000) AS rank1_bids, ... (10000 <= price < 1000000, price >= 1000000)
 *   count(distinct bidder) AS total_bidders,
 *   count(distinct bidder) filter (where price < 10000) AS rank1_bidders, ...
 *   count(distinct auction) AS total_auctions,
 *   count(distinct auction) filter (where price < 10000) AS rank1_auctions, ...
 * FROM bid GROUP BY DATE_FORMAT(dateTime, 'yyyy-MM-dd')
 * ```
 *
 * A one-day {@link tumblingWindow} (UTC days) over every bid with {@link bidStatistics}: its
 * distinct counts are {@link countDistinct} sets. O(1) expected per bid; the day's distinct
 * bidders and auctions are held until the day closes.
 *
 * @example
 * ```ts
 * events$.pipe(q15.build(ctx)); // { day: '2026-01-01', totalBids: 36812, rank1Bidders: 412, ... }
 * ```
 */
export const q15: NexmarkQuery<BidStatistics> = {
  name: 'q15',
  description: 'bidding statistics per day: bids, distinct bidders and distinct auctions, total and per price rank',
  deviation:
    "Flink's unbounded GROUP BY updates each day's row with every bid; weir emits each day's row once, when the watermark passes the day's end (a one-day tumbling window, UTC). The final rows are the same.",
  build: (ctx) => (events$) =>
    events$.pipe(
      filterRecords(isBid),
      tumblingWindow({
        name: 'q15.days',
        store: ctx.store('q15.days'),
        checkpoint: ctx.checkpoint,
        cacheSize: ctx.cacheSize,
        size: DAY_MS,
        key: () => 0,
        aggregate: bidStatistics(),
      }),
      mapRecords(({ start, value }): BidStatistics => {
        const { latest, ...counts } = value;
        void latest;
        return { day: dayOf(start), ...counts };
      }),
    ),
};
