import { captureSides } from './RowCapture';
import type { Observable } from 'rxjs';
import { keyPartId } from '@weir/state';
import type { StreamElement, StreamRecord } from '@weir/stream';
import { callbackFailed } from './joinFailure';
import type { JoinOptions } from './JoinOptions';
import type { JoinedRecord } from './JoinedRecord';
import type { JoinOperator } from './JoinOperator';
import { joinOperator, type JoinContext, type JoinEngine } from './joinHarness';
import { tableQuery } from './tableQuery';
import { RIGHT } from './joinState';
import { badOption, oneOf, requireFunction, resolveJoinOptions } from './resolveJoinOptions';
import { optionKeys, type OptionKeyList } from '@weir/state';
import { JOIN_OPTION_KEYS, checkJoinOptionKeys } from './checkJoinOptionKeys';

/**
 * The join types of {@link lookupJoin} and {@link temporalJoin}:
 * - `inner`: a left record is emitted, with its table row, only when its key has a row;
 * - `left`: every left record is emitted once, with `right: undefined` when its key has no row.
 */
export type LookupJoinType = 'inner' | 'left';

/** What {@link lookupJoin} emits for each join type. */
export type LookupJoinResult<L, R, T extends LookupJoinType> = T extends 'inner' ? JoinedRecord<L, R> : JoinedRecord<L, R | undefined>;

/** Options of {@link lookupJoin}. */
export interface LookupJoinOptions<L, R, T extends LookupJoinType = 'inner'> extends JoinOptions<L, R> {
  /** The key of a left (stream) value to look up (string, safe integer, 64-bit bigint or Uint8Array). */
  readonly key: (value: L) => unknown;
  /** The key of the table row a right (changelog) value upserts or deletes. */
  readonly tableKey: (value: R) => unknown;
  /** The join type; default `'inner'`. */
  readonly type?: T;
  /**
   * Whether a right value is a tombstone: a truthy result deletes its key's row instead of
   * upserting it (the tombstone's value is not stored). Default: no value is a tombstone. If it
   * throws, the record is invalid (`CALLBACK_FAILED`: counted, sent to `onInvalid`, or the stream
   * errors).
   */
  readonly isDelete?: (value: R) => boolean;
}

/** The options of {@link lookupJoin}, which {@link temporalJoin} extends. */
export const LOOKUP_JOIN_OPTION_KEYS: OptionKeyList<LookupJoinOptions<unknown, unknown, LookupJoinType>> = { ...JOIN_OPTION_KEYS, key: true, tableKey: true, type: true, isDelete: true };
const KEYS = optionKeys(LOOKUP_JOIN_OPTION_KEYS);
const TYPES: readonly LookupJoinType[] = ['inner', 'left'];

/** @internal Checks the options {@link lookupJoin} and {@link temporalJoin} share; returns the type. */
export function resolveTableOptions(kind: string, options: LookupJoinOptions<unknown, unknown, LookupJoinType>): LookupJoinType {
  requireFunction(kind, options, 'key', 'left value -> lookup key');
  requireFunction(kind, options, 'tableKey', 'right value -> table key');
  if (options.isDelete !== undefined && typeof options.isDelete !== 'function') {
    throw badOption(kind, 'option `isDelete` must be a function (right value -> whether it deletes its key)', options.isDelete);
  }
  return oneOf(kind, 'type', options.type ?? 'inner', TYPES);
}

/**
 * @internal Whether right record `el` is a tombstone: `undefined` when `isDelete` threw (the
 * record was routed as invalid, like a rejected key).
 */
export function isTombstone<L, R, O>(ctx: JoinContext<L, R, O>, el: StreamRecord<R>, isDelete: ((value: R) => boolean) | undefined): boolean | undefined {
  if (isDelete === undefined) return false;
  try {
    return Boolean(isDelete(el.value));
  } catch (err) {
    ctx.invalid('right', el, callbackFailed(ctx.o.where, 'isDelete', 'right', el, err));
    return undefined;
  }
}

/**
 * Stream-table lookup join (Kafka Streams' KStream-KTable join): each left record is joined with
 * the current row of its key in a table kept from the right input, a changelog of upserts.
 *
 * **Table.** A right value `r` becomes the row of key `tableKey(r)`, replacing any earlier row; a
 * value for which `isDelete(r)` is truthy deletes the key's row. Right records apply in arrival
 * order, whatever their timestamps; the table carries no event-time promise, so right records are
 * never late and the right input's watermarks are ignored.
 *
 * **Output.** Each left record `l` is joined at once, in arrival order, with the row of `key(l)`
 * at that moment (later table changes never revise it): `inner` emits `{ left, right }` only when
 * the key has a row; `left` emits `{ left, right: undefined }` when it has none. Each output is
 * stamped with the left record's timestamp. The forwarded watermark is the left input's watermark
 * `W` minus `allowedLateness` (the right input's watermarks are ignored; when the left input
 * completes the watermark becomes `+Infinity`), so no output is late for the next operator.
 *
 * **Lateness** (the rule of every operator, docs/concepts/event-time.md, judged on the left
 * input only): a left record at `t <= W - allowedLateness` is late: not looked up, counted
 * (`lateLeft`) and handed to `onLateLeft`. Any other left record joins the current table at once,
 * whatever its time. The table carries no event time, so a right record is never late and
 * `onLateRight` is never called.
 *
 * **State.** Only the table: one row per key in `store` (no left row is held). A lookup is a
 * `Map` probe of a decoded read view of the table (the store is never read on a probe), O(1); a
 * table change updates the view and writes its row at the next barrier (`cacheSize` bounds how
 * many wait; beyond them, at once), O(1); restore decodes the table and rebuilds the view, O(n).
 * Invalid keys and table values that cannot be stored go to `onInvalid`.
 *
 * @param table$ - the table's changelog (elements; its watermarks are ignored, its barriers align
 *   with the left input's)
 * @param options - see {@link LookupJoinOptions}
 *
 * @example
 * ```ts
 * // orders enriched with the customer as known when the order is processed
 * orders$.pipe(
 *   lookupJoin(customers$, {
 *     key: (o) => o.customerId,
 *     tableKey: (c) => c.id,
 *     isDelete: (c) => c.deleted === true,
 *     type: 'left',
 *     store,
 *   }),
 * ); // StreamElement<JoinedRecord<Order, Customer | undefined>>
 * ```
 */
export function lookupJoin<L, R, T extends LookupJoinType = 'inner'>(
  table$: Observable<StreamElement<R>>,
  options: LookupJoinOptions<L, R, T>,
): JoinOperator<L, LookupJoinResult<L, R, T>> {
  const kind = 'lookupJoin';
  checkJoinOptionKeys(kind, options, KEYS);
  const o = resolveJoinOptions(kind, options);
  const type = resolveTableOptions(kind, options as LookupJoinOptions<unknown, unknown, LookupJoinType>);
  const { key: keyFn, tableKey, isDelete } = options;
  const outer = type === 'left';
  type Out = JoinedRecord<L, R | undefined>;

  return joinOperator<L, R, Out>(
    o,
    table$,
    (ctx): JoinEngine<L, R> => {
      const table = ctx.buffer<R>(RIGHT, false);
      // The decoded read view of the table: each key's current value, one Map lookup away. The
      // buffer (and through it the store, the source of truth) holds the rows; this view is kept
      // in step with every table change and rebuilt from the buffer on restore. A probe reads
      // the value itself: going through the row costs one more dependent memory read, measurable
      // at 100k keys (the view's slots are where a probe misses the cache).
      const current = new Map<unknown, R>();
      ctx.counters.heldRight = () => table.size;

      return {
        load() {
          table.load();
          current.clear();
          for (const row of table.all()) current.set(row.id, row.value);
        },

        onLeft(el: StreamRecord<L>) {
          const key = ctx.keyOf('left', el, keyFn, 'key');
          if (key === undefined) return;
          const id = keyPartId(key);
          const value = current.get(id);
          // a stored value is never undefined (the encoder refuses it): no second lookup
          if (value !== undefined) ctx.emit({ left: el.value, right: value }, el.timestamp, true);
          else if (outer) ctx.emit({ left: el.value, right: undefined }, el.timestamp, false);
        },

        onRight(el: StreamRecord<R>) {
          const key = ctx.keyOf('right', el, tableKey, 'tableKey');
          if (key === undefined) return;
          const tombstone = isTombstone(ctx, el, isDelete);
          if (tombstone === undefined) return;
          const id = keyPartId(key);
          if (tombstone) {
            const rows = table.rowsOf(id);
            const row = rows?.rows[rows.head];
            if (row !== undefined) {
              table.remove(row);
              current.delete(id);
            }
          } else {
            try {
              table.add(key, id, 0, 0, el.value, 0);
              current.set(id, el.value);
            } catch (err) {
              ctx.refused('right', el, err);
            }
          }
        },

        advance() {
          // nothing waits for time
        },

        outputWatermark: (wm) => wm - o.allowedLateness,

        flush() {
          table.flush();
        },
        capture: () => captureSides(table),

        query: tableQuery<R>(o.where, false, (key) => {
          const row = current.get(keyPartId(key));
          return row === undefined ? undefined : { row };
        }),
      };
    },
    'left',
  ) as unknown as JoinOperator<L, LookupJoinResult<L, R, T>>;
}
