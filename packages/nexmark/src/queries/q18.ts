import type { Change } from '@weir/stream';
import { filterRecords } from '@weir/stream';
import { deduplicate } from '@weir/rank';
import { isBid, type Bid, type NexmarkEvent } from '../model';
import type { NexmarkQuery } from '../NexmarkQuery';

/**
 * Nexmark q18, find last bid: the latest bid of each bidder on each auction, kept up to date.
 *
 * ```sql
 * SELECT auction, bidder, price, channel, url, dateTime, extra
 * FROM (SELECT *, ROW_NUMBER() OVER (PARTITION BY bidder, auction ORDER BY dateTime DESC) AS rank_number
 *       FROM bid)
 * WHERE rank_number <= 1
 * ```
 *
 * One {@link deduplicate} keeping the last row per (bidder, auction), by event time (a tie goes to
 * the later arrival). The output is a changelog ({@link Change}): a bidder's new bid on an auction
 * retracts their previous one. State: one entry per (bidder, auction) pair, never expired (the
 * SQL keeps them all); O(log n) and a msgpack encode and decode per bid.
 *
 * @example
 * ```ts
 * events$.pipe(q18.build(ctx)); // { kind: 'insert', row: bid }, { kind: 'retract', row: older }, ...
 * ```
 */
export const q18: NexmarkQuery<Change<Bid>> = {
  name: 'q18',
  description: 'last bid of each bidder on each auction (dedup keeping the last row), as a changelog',
  deviation: '',
  build: (ctx) => (events$) =>
    events$.pipe(
      filterRecords((e: NexmarkEvent): e is Bid => isBid(e)),
      deduplicate<Bid>({
        name: 'q18.dedup',
        store: ctx.store('q18.dedup'),
        ...(ctx.checkpoint === undefined ? {} : { checkpoint: ctx.checkpoint }),
        key: (b) => `${b.bidder}:${b.auction}`,
        keep: 'last',
      }),
    ),
};
