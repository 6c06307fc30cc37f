import { filterRecords, mapRecords } from '@weir/stream';
import { isBid } from '../model';
import type { NexmarkQuery } from '../NexmarkQuery';

/** A bid projected to the columns q0 selects. */
export interface BidRow {
  readonly auction: number;
  readonly bidder: number;
  readonly price: number;
  readonly dateTime: number;
  readonly extra: string;
}

/**
 * Nexmark q0, pass-through: `SELECT auction, bidder, price, dateTime, extra FROM bid`. Measures
 * the cost of the source, the element model and the sink: the floor of every other query.
 * Stateless; O(1) per event.
 *
 * @example
 * ```ts
 * events$.pipe(q0.build(ctx)).subscribe((el) => el.kind === 'record' && console.log(el.value.price));
 * ```
 */
export const q0: NexmarkQuery<BidRow> = {
  name: 'q0',
  description: 'pass-through: every bid, projected',
  deviation: '',
  build: () => (events$) =>
    events$.pipe(
      filterRecords(isBid),
      mapRecords((b): BidRow => ({ auction: b.auction, bidder: b.bidder, price: b.price, dateTime: b.dateTime, extra: b.extra })),
    ),
};
