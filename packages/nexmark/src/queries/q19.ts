import type { Change } from '@weir/stream';
import { filterRecords } from '@weir/stream';
import { topN } from '@weir/rank';
import { isBid, type Bid, type NexmarkEvent } from '../model';
import type { NexmarkQuery } from '../NexmarkQuery';

const N = 10;

/**
 * Nexmark q19, auction top-k: the ten highest bids of every auction, kept up to date.
 *
 * ```sql
 * SELECT * FROM (
 *   SELECT *, ROW_NUMBER() OVER (PARTITION BY auction ORDER BY price DESC) AS rank_number FROM bid)
 * WHERE rank_number <= 10
 * ```
 *
 * One continuous {@link topN} per auction, price descending; of equal prices the earlier bid ranks
 * first. The output is a changelog ({@link Change}): a bid that enters a full top ten retracts the
 * bid it pushes out. State: one entry per auction holding its (up to) ten bids; per bid a store
 * read and the decode of the auction's top, O(10).
 *
 * @example
 * ```ts
 * events$.pipe(q19.build(ctx)); // { kind: 'insert', row: bid }, { kind: 'retract', row: pushedOut }, ...
 * ```
 */
export const q19: NexmarkQuery<Change<Bid>> = {
  name: 'q19',
  description: 'top 10 bids of each auction by price, continuously, as a changelog',
  deviation: 'rank_number is not emitted (the top ten as a set, as Flink plans it without the rank column): a bid moving within the top costs no update',
  build: (ctx) => (events$) =>
    events$.pipe(
      filterRecords((e: NexmarkEvent): e is Bid => isBid(e)),
      topN<Bid>({
        name: 'q19.topN',
        store: ctx.store('q19.topN'),
        ...(ctx.checkpoint === undefined ? {} : { checkpoint: ctx.checkpoint }),
        key: (b) => b.auction,
        n: N,
        orderBy: (b) => b.price,
        descending: true,
      }),
    ),
};
