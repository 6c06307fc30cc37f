import { Subject, concat, defer, finalize, from, map } from 'rxjs';
import { lookupJoin } from '@weir/join';
import { filterRecords, mapRecords, record } from '@weir/stream';
import { isBid, type Bid } from '../model';
import type { NexmarkQuery } from '../NexmarkQuery';

/** A row of q13's side input: `key` 0..9,999 and its `value` (the key as a string). */
export interface SideInputRow {
  readonly key: number;
  readonly value: string;
}

/** A bid with the side input's value for `auction mod 10000`: q13's row. */
export interface SideInputBid {
  readonly auction: number;
  readonly bidder: number;
  readonly price: number;
  readonly dateTime: number;
  readonly value: string;
}

/** The side input's size (Nexmark's `side_input_gen.sh` writes 10,000 rows). */
export const SIDE_INPUT_ROWS = 10_000;

/** Nexmark's side input (`SideInputGenerator`): rows `i, "i"` for i in 0 .. 9,999. O(n). */
export function sideInputRows(): SideInputRow[] {
  return Array.from({ length: SIDE_INPUT_ROWS }, (_, i) => ({ key: i, value: String(i) }));
}

/**
 * Nexmark q13, a bounded side input join: each bid joined with the row of a static table whose
 * key is its auction modulo 10,000.
 *
 * ```sql
 * SELECT B.auction, B.bidder, B.price, B.dateTime, S.value
 * FROM (SELECT *, PROCTIME() AS p_time FROM bid) B
 * JOIN side_input FOR SYSTEM_TIME AS OF B.p_time AS S ON mod(B.auction, 10000) = S.key
 * ```
 *
 * Flink reads the table from a file the benchmark generates ({@link sideInputRows}); weir
 * generates the same rows and feeds them to a {@link lookupJoin} as its table. The bids are
 * subscribed to only once the table has been read, so every bid sees the whole table, as the
 * SQL's lookup of a complete file does. State: the table, 10,000 rows in the store `q13.side`
 * (checkpointed once; a resumed job reloads the same rows over it). O(1) per bid.
 *
 * @example
 * ```ts
 * events$.pipe(q13.build(ctx)); // { auction: 11042, bidder, price, dateTime, value: '1042' }
 * ```
 */
export const q13: NexmarkQuery<SideInputBid> = {
  name: 'q13',
  description: 'bounded side input join: bids joined with a static table on auction mod 10000',
  deviation: '',
  build: (ctx) => (events$) =>
    defer(() => {
      // completes when the table has been read (after the join has seen the table's end): the
      // bids, subscribed to after it, never meet a partial table
      const tableRead = new Subject<never>();
      const table$ = from(sideInputRows()).pipe(
        map((row) => record(row, 0)),
        finalize(() => tableRead.complete()),
      );
      return concat(tableRead, events$).pipe(
        filterRecords(isBid),
        lookupJoin(table$, {
          name: 'q13.side',
          store: ctx.store('q13.side'),
          checkpoint: ctx.checkpoint,
          cacheSize: ctx.cacheSize,
          key: (b: Bid) => b.auction % SIDE_INPUT_ROWS,
          tableKey: (row: SideInputRow) => row.key,
        }),
        mapRecords(({ left: b, right: s }): SideInputBid => ({ auction: b.auction, bidder: b.bidder, price: b.price, dateTime: b.dateTime, value: s.value })),
      );
    }),
};
