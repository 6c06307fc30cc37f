import { filterRecords, flatMapRecords } from '@weir/stream';
import { aggregate, tumblingWindow } from '@weir/window';
import { isBid, type Bid } from '../model';
import type { NexmarkQuery } from '../NexmarkQuery';
import type { BidRow } from './q0';

const SIZE = 10_000;

/** The highest price and the bids that offered it. Accumulator [price, ...bids as rows]. */
interface Highest {
  price: number;
  bids: BidRow[];
}

const highest = aggregate<Bid, Highest, Highest>({
  name: 'highestBid',
  create: () => ({ price: -Infinity, bids: [] }),
  add: (acc, b) => {
    if (b.price < acc.price) return acc;
    if (b.price > acc.price) {
      acc.price = b.price;
      acc.bids = [];
    }
    acc.bids.push({ auction: b.auction, bidder: b.bidder, price: b.price, dateTime: b.dateTime, extra: b.extra });
    return acc;
  },
  merge: (a, b) => (b.price > a.price ? b : b.price === a.price ? { price: a.price, bids: a.bids.concat(b.bids) } : a),
  result: (acc) => acc,
});

/**
 * Nexmark q7, highest bid: the bids with the highest price in each 10 s tumbling window.
 *
 * ```sql
 * SELECT B.auction, B.price, B.bidder, B.dateTime, B.extra FROM bid B
 * JOIN (SELECT MAX(price) AS maxprice, window_end AS dateTime
 *       FROM TABLE(TUMBLE(TABLE bid, DESCRIPTOR(dateTime), INTERVAL '10' SECOND))
 *       GROUP BY window_start, window_end) B1
 * ON B.price = B1.maxprice WHERE B.dateTime BETWEEN B1.dateTime - INTERVAL '10' SECOND AND B1.dateTime
 * ```
 *
 * One {@link tumblingWindow} (a single key) keeps the window's highest price with the bids that
 * offered it, instead of a window aggregate joined back to the bids. O(1) per bid.
 *
 * @example
 * ```ts
 * events$.pipe(q7.build(ctx)); // { auction, price: 99_990_000, bidder, dateTime, extra }, ...
 * ```
 */
export const q7: NexmarkQuery<BidRow> = {
  name: 'q7',
  description: 'highest bid: the bids with the top price in each 10 s tumbling window',
  deviation:
    "The SQL's BETWEEN includes both window ends, so a bid at exactly a window's end that ties the previous window's top price would also be joined to that window; weir's windows are half-open and assign each bid to one window only.",
  build: (ctx) => (events$) =>
    events$.pipe(
      filterRecords(isBid),
      tumblingWindow({
        name: 'q7.highest',
        store: ctx.store('q7.highest'),
        checkpoint: ctx.checkpoint,
        cacheSize: ctx.cacheSize,
        size: SIZE,
        key: () => 0,
        aggregate: highest,
      }),
      flatMapRecords((r) => r.value.bids),
    ),
};
