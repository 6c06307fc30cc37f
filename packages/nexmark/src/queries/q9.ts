import { filterRecords, mapRecords } from '@weir/stream';
import type { NexmarkQuery } from '../NexmarkQuery';
import { closingAuctions, winningBid } from './winningBids';

/** An auction with its winning bid: q9's row (the auction's columns, then the bid's). */
export interface WinningBid {
  readonly id: number;
  readonly itemName: string;
  readonly description: string;
  readonly initialBid: number;
  readonly reserve: number;
  /** When the auction opened, epoch ms. */
  readonly dateTime: number;
  /** When it closed, epoch ms: the row's event time. */
  readonly expires: number;
  readonly seller: number;
  readonly category: number;
  readonly extra: string;
  /** The winning bid's auction (the auction's `id`). */
  readonly auction: number;
  readonly bidder: number;
  /** The winning price, cents. */
  readonly price: number;
  /** When the winning bid was placed, epoch ms. */
  readonly bidDateTime: number;
  readonly bidExtra: string;
}

/**
 * Nexmark q9, winning bids: each auction with its highest bid placed while it was open, the
 * earliest on equal prices.
 *
 * ```sql
 * SELECT id, itemName, ..., auction, bidder, price, bid_dateTime, bid_extra FROM (
 *   SELECT A.*, B.auction, B.bidder, B.price, B.dateTime AS bid_dateTime, B.extra AS bid_extra,
 *     ROW_NUMBER() OVER (PARTITION BY A.id ORDER BY B.price DESC, B.dateTime ASC) AS rownum
 *   FROM auction A, bid B
 *   WHERE A.id = B.auction AND B.dateTime BETWEEN A.dateTime AND A.expires)
 * WHERE rownum <= 1
 * ```
 *
 * The winning-bids stage it shares with q4 (an interval join of auctions and their bids up to
 * `expires`, a 1 ms window per auction firing when it closes) folds each auction's bids into the
 * winner; one row per auction with a bid, stamped at its `expires`. Insert-only: the SQL's
 * top-1 retracts and re-emits its row whenever a better bid arrives, and ends at these rows.
 * State: the open auctions and their bids (join), one winner per open auction (window).
 * O(log m + k) per event.
 *
 * @example
 * ```ts
 * events$.pipe(q9.build(ctx)); // { id: 1042, ..., price: 98_250, bidDateTime: ..., ... }
 * ```
 */
export const q9: NexmarkQuery<WinningBid> = {
  name: 'q9',
  description: 'winning bids: each auction with its highest bid placed while it was open (earliest on ties)',
  deviation:
    'the SQL\'s ROW_NUMBER top-1 updates each auction\'s row with every better bid (a changelog); weir emits each auction\'s winner once, when it closes (its `expires`). The final rows are the same.',
  build: (ctx) => (events$) =>
    events$.pipe(
      closingAuctions(ctx, 'q9', winningBid),
      filterRecords((r) => r.value !== null),
      mapRecords(({ value }): WinningBid => {
        const { left: a, right: b } = value!;
        return {
          id: a.id,
          itemName: a.itemName,
          description: a.description,
          initialBid: a.initialBid,
          reserve: a.reserve,
          dateTime: a.dateTime,
          expires: a.expires,
          seller: a.seller,
          category: a.category,
          extra: a.extra,
          auction: b.auction,
          bidder: b.bidder,
          price: b.price,
          bidDateTime: b.dateTime,
          bidExtra: b.extra,
        };
      }),
    ),
};
