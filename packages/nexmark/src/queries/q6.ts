import { Observable, map, type OperatorFunction } from 'rxjs';
import { intervalJoin } from '@weir/join';
import { filterRecords, isRecord, mapRecords, record, type StreamElement, type StreamRecord } from '@weir/stream';
import { aggregate, avg, overAggregate, tumblingWindow } from '@weir/window';
import { fork } from '../fork';
import { isAuction, isBid, type Auction, type Bid, type NexmarkEvent } from '../model';
import type { NexmarkQuery } from '../NexmarkQuery';
import { modelSpans } from '../modelSpans';
import { pairCodec } from '../pairCodec';

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
const sellingPrice = aggregate<{ readonly left: Auction; readonly right: Bid }, [number, number], [number, number]>({
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
 * The winning bid per auction as q4 computes it: auctions {@link intervalJoin} their bids, each
 * match re-stamped at its auction's `expires`, and a 1 ms {@link tumblingWindow} per auction
 * takes the max price when the auction closes; auctions closing in the same millisecond are
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
  build: (ctx) => {
    const spans = modelSpans(ctx.config);
    return (events$) =>
      fork(events$, (shared) =>
        shared.pipe(
          filterRecords(isAuction),
          intervalJoin(shared.pipe(filterRecords((e: NexmarkEvent): e is Bid => isBid(e))), {
            name: 'q6.join',
            store: ctx.store('q6.join'),
            checkpoint: ctx.checkpoint,
            cacheSize: ctx.cacheSize,
            leftKey: (a: Auction) => a.id,
            rightKey: (b: Bid) => b.auction,
            lowerBound: 0,
            upperBound: spans.maxAuctionMs,
          }),
          filterRecords(({ left, right }) => right.dateTime <= left.expires),
          // stamped at the auction's close (never earlier than the bid, so never late): a 1 ms
          // window per auction fires when the auction closes (as in q4)
          map((el) => (isRecord(el) ? record(el.value, el.value.left.expires) : el)),
          tumblingWindow({
            name: 'q6.closing',
            store: ctx.store('q6.closing'),
            checkpoint: ctx.checkpoint,
            cacheSize: ctx.cacheSize,
            size: 1,
            key: ({ left }) => left.id,
            aggregate: sellingPrice,
          }),
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
      );
  },
};
