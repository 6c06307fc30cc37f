import { Observable, type OperatorFunction } from 'rxjs';
import { mapRecords, type StreamElement, type StreamRecord } from '@weir/stream';
import { aggregate, avg, overAggregate } from '@weir/window';
import type { NexmarkQuery } from '../NexmarkQuery';
import { pairCodec } from '../pairCodec';
import { closingAuctions, type AuctionBid } from './winningBids';

/** One row of q6's result: a seller's average selling price over their last closed auctions. */
export interface SellerAverage {
  readonly seller: number;
  /** The auction whose close produced this row. */
  readonly auction: number;
  /** Its selling price (the winning bid), cents. */
  readonly price: number;
  /** The mean selling price of the seller's last {@link Q6_ROWS} closed auctions (fewer at first), cents. */
  readonly average: number;
  /** How many auctions `average` covers: {@link Q6_ROWS}, or fewer while the seller has not closed that many. */
  readonly auctions: number;
}

/** How many of a seller's closed auctions q6 averages: the last 10, as the query's description says. */
export const Q6_ROWS = 10;

/** An auction's winning price and seller (what the first stage emits when it closes). */
interface Sale {
  readonly auction: number;
  readonly seller: number;
  readonly price: number;
}

/** Max bid price per auction, remembering the seller: accumulator [seller, max price]. */
const sellingPrice = aggregate<AuctionBid, [number, number], [number, number]>({
  name: 'sellingPrice',
  create: () => [0, -Infinity],
  add: (acc, { left, right }) => {
    acc[0] = left.seller;
    if (right.price > acc[1]) acc[1] = right.price;
    return acc;
  },
  merge: (a, b) => [b[0] || a[0], Math.max(a[1], b[1])],
  result: (acc) => [acc[0], acc[1]],
  codec: pairCodec('sellingPrice'),
});

/**
 * Puts the records between two other elements (watermarks, barriers, the end) in order of
 * timestamp, then auction id: the auctions that close in the same millisecond leave the 1 ms
 * window in one firing, in the order their first bids came, and the SQL orders such ties by
 * auction id here. A firing's records all arrive while the window handles one watermark, so a
 * barrier never falls among them and nothing is held at a checkpoint (docs/architecture.md §3).
 * O(k log k) per firing of k records.
 */
function closingOrder(): OperatorFunction<StreamElement<Sale>, StreamElement<Sale>> {
  return (source) =>
    new Observable((subscriber) => {
      let held: StreamRecord<Sale>[] = [];
      const release = (): void => {
        if (held.length === 0) return;
        const out = held.sort((a, b) => a.timestamp - b.timestamp || a.value.auction - b.value.auction);
        held = [];
        for (const el of out) subscriber.next(el);
      };
      return source.subscribe({
        next(el) {
          if (el.kind === 'record') held.push(el);
          else {
            release();
            subscriber.next(el);
          }
        },
        error: (err: unknown) => subscriber.error(err),
        complete() {
          release();
          subscriber.complete();
        },
      });
    });
}

/**
 * Nexmark q6, average selling price per seller over their last 10 closed auctions.
 *
 * ```sql
 * SELECT Q.seller, AVG(Q.price) OVER
 *   (PARTITION BY Q.seller ORDER BY Q.dateTime ROWS BETWEEN 10 PRECEDING AND CURRENT ROW)
 * FROM (SELECT *, ROW_NUMBER() OVER (PARTITION BY A.id, A.seller ORDER BY B.price DESC) AS rownum
 *   FROM (SELECT A.id, A.seller, B.price, B.dateTime FROM auction A, bid B
 *     WHERE A.id = B.auction AND B.dateTime BETWEEN A.dateTime AND A.expires)
 *   WHERE rownum <= 1) Q
 * ```
 *
 * The winning bid per auction by the stage q4 and q9 share ({@link closingAuctions}: auctions
 * interval-joined with their bids, a 1 ms tumbling window per auction firing at its close),
 * folded to the max price and the seller; auctions closing in the same millisecond are
 * put in order of id. Then {@link overAggregate} keyed by seller emits,
 * per closed auction, the {@link avg} of the seller's last {@link Q6_ROWS} selling prices.
 * O(log m + k) per event, O(10) per closed auction; the last 10 prices of every seller stay in
 * the store.
 *
 * @example
 * ```ts
 * events$.pipe(q6.build(ctx)); // { seller: 1003, auction: 1042, price: 8120, average: 5311.5, auctions: 4 }, ...
 * ```
 */
export const q6: NexmarkQuery<SellerAverage> = {
  name: 'q6',
  description: 'average selling price per seller over their last 10 closed auctions (winning bid per auction, then an OVER window of 10 rows)',
  deviation:
    'The SQL frame `10 PRECEDING AND CURRENT ROW` is 11 rows; weir averages the last 10, as the query\'s description says. Rows are ordered by the auctions\' close (`expires`, then auction id), not by the winning bid\'s time, and each auction\'s price is taken once, when it closes (Flink cannot run q6: its OVER window does not accept the retractions of the top-1).',
  build: (ctx) => (events$) =>
    events$.pipe(
      closingAuctions(ctx, 'q6', sellingPrice),
      mapRecords((r): Sale => ({ auction: r.key, seller: r.value[0], price: r.value[1] })),
      closingOrder(),
      overAggregate({
        name: 'q6.average',
        store: ctx.store('q6.average'),
        checkpoint: ctx.checkpoint,
        rows: Q6_ROWS,
        key: (s: Sale) => s.seller,
        aggregate: avg((s: Sale) => s.price),
      }),
      mapRecords((r): SellerAverage => ({ seller: r.key, auction: r.record.auction, price: r.record.price, average: r.value, auctions: r.rows })),
    ),
};
