import { filterRecords, mapRecords } from '@weir/stream';
import { isBid, type Bid, type NexmarkEvent } from '../model';
import type { NexmarkQuery } from '../NexmarkQuery';

/** What q2 selects. */
export interface AuctionPrice {
  readonly auction: number;
  readonly price: number;
}

/**
 * Nexmark q2, selection: `SELECT auction, price FROM bid WHERE MOD(auction, 123) = 0`.
 * Stateless; O(1) per event.
 *
 * @example
 * ```ts
 * events$.pipe(q2.build(ctx)); // { auction: 1230, price: 8841 }, ...
 * ```
 */
export const q2: NexmarkQuery<AuctionPrice> = {
  name: 'q2',
  description: 'selection: bids on every 123rd auction',
  deviation: '',
  build: () => (events$) =>
    events$.pipe(
      filterRecords((e: NexmarkEvent): e is Bid => isBid(e) && e.auction % 123 === 0),
      mapRecords((b): AuctionPrice => ({ auction: b.auction, price: b.price })),
    ),
};
