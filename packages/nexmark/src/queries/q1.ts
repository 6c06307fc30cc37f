import { filterRecords, mapRecords } from '@weir/stream';
import { isBid } from '../model';
import type { NexmarkQuery } from '../NexmarkQuery';
import type { BidRow } from './q0';

/** The dollar-to-euro rate q1 applies. */
export const DOL_TO_EUR = 0.908;

/**
 * Nexmark q1, currency conversion: `SELECT auction, bidder, 0.908 * price AS price, dateTime,
 * extra FROM bid`. Stateless; O(1) per event.
 *
 * @example
 * ```ts
 * events$.pipe(q1.build(ctx)); // bids with prices in euro
 * ```
 */
export const q1: NexmarkQuery<BidRow> = {
  name: 'q1',
  description: 'currency conversion: bid prices from dollars to euros',
  deviation: '',
  build: () => (events$) =>
    events$.pipe(
      filterRecords(isBid),
      mapRecords((b): BidRow => ({ auction: b.auction, bidder: b.bidder, price: DOL_TO_EUR * b.price, dateTime: b.dateTime, extra: b.extra })),
    ),
};
