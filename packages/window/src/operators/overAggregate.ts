import type { Observable, OperatorFunction } from 'rxjs';
import { OperatorCounters, statefulOperator, type CheckpointOptions, type OperatorMetrics, type StreamElement, type StreamRecord } from '@weir/stream';
import { describeValue, encodeValue, messageOf, optionKeys, type StateStore } from '@weir/state';
import type { Aggregate } from '../aggregates/Aggregate';
import { checkWindowOptionKeys } from '../checkWindowOptionKeys';
import { assertTimestamp } from '../limits';
import { WindowError } from '../WindowError';
import { OverKeys, decodeRows, type OverRow } from './overState';
import { resolveOptions } from './resolveOptions';
import { aggregateFailed, asWindowError, callbackFailed } from './windowFailure';
import { groupKeyOf, refuseRecord } from './windowCallbacks';
import { checkStoredKeyGroups } from './windowState';
import type { GroupKey, WindowOptions } from './WindowOptions';

/** The largest `rows` {@link overAggregate} accepts: each record re-folds up to this many rows. */
export const MAX_OVER_ROWS = 100_000;

/**
 * Options of {@link overAggregate}: those of every window operator that apply to a row-based
 * aggregate, and `rows`.
 */
export interface OverAggregateOptions<T, K extends GroupKey, A, R> extends CheckpointOptions {
  /** Computes a record's partition key (a string, number, bigint or Uint8Array). */
  readonly key: (value: T) => K;
  /** How many rows of a key each result covers: the record and the `rows - 1` before it. */
  readonly rows: number;
  /** What is computed over those rows (`avg(...)`, `sum(...)`, `countDistinct(...)`, your own). */
  readonly aggregate: Aggregate<T, A, R>;
  /** Where every key's last rows and the watermark live. */
  readonly store: StateStore;
  /** The operator's stable name (its keys' prefix in the store). Default `'overAggregate'`. */
  readonly name?: string;
  /**
   * How far behind the watermark (ms) a record is still taken: late (counted, sent to `onLate`,
   * never a row) when `timestamp <= watermark - allowedLateness`. Default 0. The operator
   * forwards each watermark minus `allowedLateness`, so no result it emits is late downstream.
   */
  readonly allowedLateness?: number;
  /** The job's number of key groups (see {@link WindowOptions.keyGroups}). Default 128. */
  readonly keyGroups?: number;
  /** Receives each late record (also counted in `lateRecords`). */
  readonly onLate?: (record: StreamRecord<T>) => void;
  /** Receives each record whose key, timestamp or aggregation failed; without it they error the stream. */
  readonly onInvalid?: (record: StreamRecord<T>, error: Error) => void;
}

/** One result of {@link overAggregate}: a record with the aggregate over its key's last rows. */
export interface OverResult<K, T, R> {
  /** The record's partition key. */
  readonly key: K;
  /** The record itself (the current row). */
  readonly record: T;
  /** The aggregate over the key's last `rows` rows, this record included. */
  readonly value: R;
  /** How many rows `value` covers: `rows`, or fewer while the key has not seen that many. */
  readonly rows: number;
}

/** An {@link overAggregate} operator with its live counters. */
export type OverAggregateOperator<T, K, R> = OperatorFunction<StreamElement<T>, StreamElement<OverResult<K, T, R>>> & {
  /** Records in and out, late and invalid records, watermark, store size; counts continue across a restore. */
  readonly metrics: OperatorMetrics;
};

const KEYS = optionKeys<OverAggregateOptions<unknown, GroupKey, unknown, unknown>>({
  key: true,
  rows: true,
  aggregate: true,
  store: true,
  name: true,
  allowedLateness: true,
  keyGroups: true,
  onLate: true,
  onInvalid: true,
  checkpoint: true,
});

/**
 * For each record, the aggregate over the last `rows` records of its key, itself included: SQL's
 * `agg(x) OVER (PARTITION BY key ORDER BY time ROWS BETWEEN rows - 1 PRECEDING AND CURRENT ROW)`
 * (Flink's row-based OVER window). Each result ({@link OverResult}) is emitted at once, stamped
 * with its record's timestamp.
 *
 * Rows are taken in arrival order, which is event-time order for an ordered input (the results
 * of a window operator, say); unlike Flink's event-time OVER, records are not held back and
 * sorted until the watermark passes them. A record at or below `watermark - allowedLateness` is
 * late: counted, handed to `onLate`, and never a row.
 *
 * State (docs/architecture.md §3, §6): one store entry per key, under the key's group, holding
 * its last `rows` rows (the record values, which must be plain data msgpack can store); entries
 * are never expired, so the state is O(keys × rows). Restoring state written with another number
 * of key groups is an error; on a rescale, merge workers' slices with `mergeWindowOperatorScope`.
 * Cost per record: O(rows) (the key's rows are read, the aggregate folds them afresh, and the
 * entry is rewritten): one store read and one write.
 *
 * @param options - see {@link OverAggregateOptions}; unknown keys are an error
 * @throws `WindowError` `INVALID_ARGUMENT` for a bad option, naming it and its value; at run
 *   time, through the error channel (or to `onInvalid` for a record): `CALLBACK_FAILED` when `key`
 *   throws, `INVALID_KEY`, `INVALID_TIMESTAMP`, `AGGREGATE_FAILED` when the aggregate refuses a
 *   record (the key's rows are left as they were)
 *
 * @example
 * ```ts
 * // each seller's average selling price over their last 10 sales
 * sales$.pipe(
 *   withEventTime((s) => s.time, { maxOutOfOrderness: 0 }),
 *   overAggregate({ key: (s) => s.seller, rows: 10, aggregate: avg((s: Sale) => s.price), store }),
 *   values(),
 * ).subscribe((r) => console.log(r.key, r.value, r.rows));
 * ```
 */
export function overAggregate<T, K extends GroupKey, A, R>(options: OverAggregateOptions<T, K, A, R>): OverAggregateOperator<T, K, R> {
  checkWindowOptionKeys('overAggregate', options, KEYS);
  const o = resolveOptions('overAggregate', options as unknown as WindowOptions<T, K, A, R>);
  const n = options.rows;
  if (!Number.isSafeInteger(n) || n < 1 || n > MAX_OVER_ROWS) {
    throw new WindowError('INVALID_ARGUMENT', `overAggregate: option \`rows\` must be an integer in [1, ${MAX_OVER_ROWS}] (rows per result, the current one included), got ${describeValue(n)}`, n);
  }
  const where = `overAggregate '${o.name}'`;
  const agg = o.aggregate;
  const counters = new OperatorCounters(o.store);
  const onLate = (el: StreamRecord<T>): void => {
    try {
      o.onLate?.(el);
    } catch (err) {
      throw callbackFailed(where, 'onLate', el, err);
    }
  };
  const invalid = (el: StreamRecord<T>, err: unknown): void => refuseRecord(where, agg.name, o.onInvalid, counters, el, err);
  const config = {
    name: o.name,
    keys: new OverKeys(o.name, o.keyGroups),
    where,
    store: o.store,
    checkpoint: o.checkpoint,
    allowedLateness: o.allowedLateness,
    counters,
    typed: (err: unknown) => asWindowError(where, agg.name, err),
  };

  const op = (source: Observable<StreamElement<T>>): Observable<StreamElement<OverResult<K, T, R>>> =>
    statefulOperator<T, OverResult<K, T, R>>(config, (harness) => {
      const keys = new OverKeys(o.name, o.keyGroups);
      const { store } = o;
      const keyOf = (el: StreamRecord<T>): K => groupKeyOf(where, o.key, el);
      return {
        load(meta) {
          checkStoredKeyGroups(o, where, meta);
        },
        save: () => ({ keyGroups: o.keyGroups }),
        input: () => source,
        admit(el) {
          try {
            assertTimestamp(el.timestamp, where);
            return true;
          } catch (err) {
            invalid(el, err);
            return false;
          }
        },
        late: onLate,
        onRecord(el) {
          let key: K;
          try {
            key = keyOf(el);
          } catch (err) {
            invalid(el, err);
            return;
          }
          const storeKey = keys.rowsView(key);
          const stored = store.get(storeKey);
          const held = stored === undefined ? [] : decodeRows<T>(stored, n, where);
          const rows: OverRow<T>[] = held.length < n ? held : held.slice(1);
          rows.push([el.timestamp, el.value]);
          let acc = agg.create();
          try {
            for (const [t, v] of rows) acc = agg.add(acc, v, t);
          } catch (err) {
            invalid(el, aggregateFailed(where, agg.name, el, err));
            return;
          }
          let bytes: Uint8Array;
          try {
            bytes = encodeValue(rows, where);
          } catch (err) {
            invalid(el, new WindowError('INVALID_RECORD', `${where}: the record at ${el.timestamp} cannot be kept as a row (${describeValue(el.value)}): ${messageOf(err)}`, el.value, { cause: err }));
            return;
          }
          // the aggregate's result before the write: a throwing `result` leaves the rows unchanged
          const value = agg.result(acc);
          store.put(keys.rowsView(key), bytes);
          harness.emit({ key, record: el.value, value, rows: rows.length }, el.timestamp);
        },
        advance() {},
        outputWatermark: (wm) => wm - o.allowedLateness,
        flush() {},
      };
    });

  return Object.assign(op, { metrics: counters as OperatorMetrics });
}
