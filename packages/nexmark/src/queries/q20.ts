import { regularJoin } from '@weir/join';
import { filterRecords, mapRecords } from '@weir/stream';
import { fork } from '../fork';
import { isAuction, isBid, type Auction, type Bid, type NexmarkEvent } from '../model';
import type { NexmarkQuery } from '../NexmarkQuery';
import { modelSpans } from '../modelSpans';

/** What q20 selects: a bid with the auction it is for (the auction's `dateTime` and `extra` renamed). */
export interface AuctionBid {
  readonly auction: number;
  readonly bidder: number;
  readonly price: number;
  readonly channel: string;
  readonly url: string;
  /** The bid's time. */
  readonly dateTime: number;
  /** The bid's extra. */
  readonly extra: string;
  readonly itemName: string;
  readonly description: string;
  readonly initialBid: number;
  readonly reserve: number;
  /** The auction's time (`A.dateTime`). */
  readonly auctionDateTime: number;
  readonly expires: number;
  readonly seller: number;
  readonly category: number;
  /** The auction's extra (`A.extra`). */
  readonly auctionExtra: string;
}

/**
 * Nexmark q20, expand bid with auction: each bid with the auction it is for, for auctions in
 * category 10.
 *
 * ```sql
 * SELECT auction, bidder, price, channel, url, B.dateTime, B.extra,
 *        itemName, description, initialBid, reserve, A.dateTime, expires, seller, category, A.extra
 * FROM bid AS B INNER JOIN auction AS A ON B.auction = A.id
 * WHERE A.category = 10
 * ```
 *
 * A {@link regularJoin} as in the SQL (Flink's q20 is a regular join): bids (an append stream)
 * inner-joined with the category-10 auctions (a table by id: each auction is written once) on
 * `auction = id`. Both inputs only insert and the join is inner, so the changelog holds inserts
 * only: q20 emits its rows plainly. State is bounded by the join's TTL in event time, the span in
 * which the generator can still name an auction in a bid (one of the last 100 auctions, or up to
 * 10 ahead): no row expires while a later event could join it, so on Nexmark data the rows are the
 * unbounded join's (a test checks this against the batch join at two rates). O(log n + k) per
 * event for k matches.
 *
 * @example
 * ```ts
 * events$.pipe(q20.build({ store: () => new InMemoryStore() })); // AuctionBid rows
 * ```
 */
export const q20: NexmarkQuery<AuctionBid> = {
  name: 'q20',
  description: 'expand bid with auction: bids joined with their category-10 auction',
  deviation:
    'none in the rows: a regular join as in the SQL, with a state TTL (the span in which the generator can still name an auction in a bid) so state stays bounded; A.dateTime and A.extra are named auctionDateTime and auctionExtra.',
  build: (ctx) => {
    const spans = modelSpans(ctx.config);
    return (events$) =>
      fork(events$, (shared) =>
        shared.pipe(
          filterRecords((e: NexmarkEvent): e is Bid => isBid(e)),
          regularJoin(shared.pipe(filterRecords((e: NexmarkEvent): e is Auction => isAuction(e) && e.category === 10)), {
            name: 'q20.join',
            store: ctx.store('q20.join'),
            checkpoint: ctx.checkpoint,
            cacheSize: ctx.cacheSize,
            left: { key: (b: Bid) => b.auction },
            right: { key: (a: Auction) => a.id, primaryKey: (a: Auction) => a.id },
            // a bid names one of the last NUM_IN_FLIGHT_AUCTIONS auctions (or its hot batch's
            // first) or up to AUCTION_ID_LEAD ahead: both within these spans
            ttl: Math.max(spans.maxAuctionMs, spans.personLeadMs),
          }),
          mapRecords(
            ({ row: { left: b, right: a } }): AuctionBid => ({
              auction: b.auction,
              bidder: b.bidder,
              price: b.price,
              channel: b.channel,
              url: b.url,
              dateTime: b.dateTime,
              extra: b.extra,
              itemName: a.itemName,
              description: a.description,
              initialBid: a.initialBid,
              reserve: a.reserve,
              auctionDateTime: a.dateTime,
              expires: a.expires,
              seller: a.seller,
              category: a.category,
              auctionExtra: a.extra,
            }),
          ),
        ),
      );
  },
};
