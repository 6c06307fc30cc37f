import { mapRecords } from '@weir/stream';
import { MAX_WINDOW_SIZE, aggregate, avg, tumblingWindow } from '@weir/window';
import type { NexmarkQuery } from '../NexmarkQuery';
import { pairCodec } from '../pairCodec';
import { closingAuctions, type AuctionBid } from './winningBids';

/** One change of q4's result: the average closing price of a category (changelog rows). */
export interface CategoryAverage {
  readonly category: number;
  /** Cents. */
  readonly average: number;
  /** `'insert'` a new value; `'retract'` withdraws the category's previous value. */
  readonly kind: 'insert' | 'retract';
}

/** An auction's closing price and category (what the first stage emits when it closes). */
interface Closing {
  readonly category: number;
  readonly price: number;
}

/** Max bid price per auction, remembering the category: accumulator [category, max price]. */
const closingPrice = aggregate<AuctionBid, [number, number], Closing>({
  name: 'closingPrice',
  create: () => [0, -Infinity],
  add: (acc, { left, right }) => {
    acc[0] = left.category;
    if (right.price > acc[1]) acc[1] = right.price;
    return acc;
  },
  merge: (a, b) => [b[0] || a[0], Math.max(a[1], b[1])],
  result: (acc) => ({ category: acc[0], price: acc[1] }),
  codec: pairCodec('closingPrice'),
});

/**
 * Nexmark q4, average closing price per category.
 *
 * ```sql
 * SELECT Q.category, AVG(Q.final) FROM (
 *   SELECT MAX(B.price) AS final, A.category FROM auction A, bid B
 *   WHERE A.id = B.auction AND B.dateTime BETWEEN A.dateTime AND A.expires
 *   GROUP BY A.id, A.category) Q
 * GROUP BY Q.category
 * ```
 *
 * The winning-bids stage it shares with q9 (`closingAuctions`: auctions interval-joined with
 * their bids up to `expires`, a 1 ms {@link tumblingWindow} per auction firing when it closes)
 * gives each auction's closing price (the max bid). A window spanning all time averages them per
 * category and emits a changelog (`retract` + `insert` per change), as Flink's updating result
 * does.
 * O(log m + k) per event.
 *
 * @example
 * ```ts
 * events$.pipe(q4.build(ctx)); // { category: 12, average: 48210.5, kind: 'insert' }, ...
 * ```
 */
export const q4: NexmarkQuery<CategoryAverage> = {
  name: 'q4',
  description: 'average closing price per category: join auctions with bids, max per auction at close, average per category',
  deviation:
    'Flink updates each auction\'s max (and the average) with every bid; weir takes each auction\'s max once, when it closes (its `expires`), so the average changes once per closed auction. The final averages are the same.',
  build: (ctx) => (events$) =>
    events$.pipe(
      closingAuctions(ctx, 'q4', closingPrice),
      tumblingWindow({
        name: 'q4.average',
        store: ctx.store('q4.average'),
        checkpoint: ctx.checkpoint,
        cacheSize: ctx.cacheSize,
        size: MAX_WINDOW_SIZE,
        key: (r) => r.value.category,
        aggregate: avg((r: { readonly value: Closing }) => r.value.price),
        emit: 'changelog',
      }),
      mapRecords((r): CategoryAverage => ({ category: r.key, average: r.value, kind: r.kind === 'retract' ? 'retract' : 'insert' })),
    ),
};
