import { map, type OperatorFunction } from 'rxjs';
import { intervalJoin, type JoinedRecord } from '@weir/join';
import { filterRecords, isRecord, record, type StreamElement } from '@weir/stream';
import { aggregate, tumblingWindow, type Aggregate, type WindowResult } from '@weir/window';
import { fork } from '../fork';
import { isAuction, isBid, type Auction, type Bid, type NexmarkEvent } from '../model';
import { modelSpans } from '../modelSpans';
import type { QueryContext } from '../QueryContext';

/** A bid placed on an auction while it was open: what {@link closingAuctions} folds per auction. */
export type AuctionBid = JoinedRecord<Auction, Bid>;

/**
 * The stage q4, q6 and q9 share (Nexmark's "winning bids"): each auction with the bids placed on it
 * between its `dateTime` and its `expires` (both included), folded by `perAuction` and emitted
 * once, when the auction closes. Internal.
 *
 * Auctions (left) {@link intervalJoin} their bids (right) within `[dateTime, dateTime + longest
 * auction]` and the matches after `expires` are dropped; each match is re-stamped at its
 * auction's `expires` (never earlier than the bid, so never late), so a 1 ms
 * {@link tumblingWindow} per auction fires exactly when the auction closes, with the aggregate
 * of its bids. Auctions without a bid emit nothing (the SQL's inner join). The operators' stores
 * are `<query>.join` and `<query>.closing`. O(log m + k) per event.
 *
 * @param ctx - the query's context (stores, checkpoint hook, cache size, event rate)
 * @param query - the query's name, the prefix of the operators' names
 * @param perAuction - how an auction's bids fold into its result
 *
 * @example
 * ```ts
 * events$.pipe(closingAuctions(ctx, 'q9', winningBid)); // WindowResult<auction id, AuctionBid>
 * ```
 */
export function closingAuctions<A, R>(
  ctx: QueryContext,
  query: string,
  perAuction: Aggregate<AuctionBid, A, R>,
): OperatorFunction<StreamElement<NexmarkEvent>, StreamElement<WindowResult<number, R>>> {
  const spans = modelSpans(ctx.config);
  return (events$) =>
    fork(events$, (shared) =>
      shared.pipe(
        filterRecords(isAuction),
        intervalJoin(shared.pipe(filterRecords((e: NexmarkEvent): e is Bid => isBid(e))), {
          name: `${query}.join`,
          store: ctx.store(`${query}.join`),
          checkpoint: ctx.checkpoint,
          cacheSize: ctx.cacheSize,
          leftKey: (a: Auction) => a.id,
          rightKey: (b: Bid) => b.auction,
          lowerBound: 0,
          upperBound: spans.maxAuctionMs,
        }),
        filterRecords(({ left, right }) => right.dateTime <= left.expires),
        // a match belongs to its auction's close: stamping it there (never earlier than the
        // bid, so never late) makes a 1 ms window per auction fire when the auction closes
        map((el) => (isRecord(el) ? record(el.value, el.value.left.expires) : el)),
        tumblingWindow({
          name: `${query}.closing`,
          store: ctx.store(`${query}.closing`),
          checkpoint: ctx.checkpoint,
          cacheSize: ctx.cacheSize,
          size: 1,
          key: ({ left }: AuctionBid) => left.id,
          aggregate: perAuction,
        }),
      ),
    );
}

/** Whether bid `b` beats bid `a`: a higher price, or the same price placed earlier (q9's `ORDER BY price DESC, dateTime ASC`). */
function beats(b: Bid, a: Bid): boolean {
  return b.price > a.price || (b.price === a.price && b.dateTime < a.dateTime);
}

/**
 * An auction's winning bid: the highest price, the earliest on equal prices, the first to arrive
 * on equal prices and times. The accumulator is the winning match (`null` before the first);
 * stored with msgpack. O(1) per bid. Internal.
 */
export const winningBid: Aggregate<AuctionBid, AuctionBid | null, AuctionBid | null> = aggregate<AuctionBid, AuctionBid | null, AuctionBid | null>({
  name: 'winningBid',
  create: () => null,
  add: (acc, match) => (acc === null || beats(match.right, acc.right) ? { left: match.left, right: match.right } : acc),
  merge: (a, b) => (a === null || (b !== null && beats(b.right, a.right)) ? b : a),
  result: (acc) => acc,
});
