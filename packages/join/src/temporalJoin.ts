import { captureSides } from './RowCapture';
import type { Observable } from 'rxjs';
import { keyPartId, type KeyPart } from '@weir/state';
import type { StreamElement, StreamRecord } from '@weir/stream';
import type { JoinedRecord } from './JoinedRecord';
import type { JoinOperator } from './JoinOperator';
import { joinOperator, type JoinEngine } from './joinHarness';
import { tableQuery } from './tableQuery';
import { LEFT, RIGHT } from './joinState';
import { LOOKUP_JOIN_OPTION_KEYS, isTombstone, resolveTableOptions, type LookupJoinOptions, type LookupJoinType } from './lookupJoin';
import { optionKeys } from '@weir/state';
import { checkJoinOptionKeys } from './checkJoinOptionKeys';
import { badOption, nonNegativeMs, resolveJoinOptions } from './resolveJoinOptions';

/** The join types of {@link temporalJoin}: `'inner'` (hits only) or `'left'` (every left record). */
export type TemporalJoinType = LookupJoinType;

/** What {@link temporalJoin} emits for each join type. */
export type TemporalJoinResult<L, R, T extends TemporalJoinType> = T extends 'inner' ? JoinedRecord<L, R> : JoinedRecord<L, R | undefined>;

/** Options of {@link temporalJoin}. */
export interface TemporalJoinOptions<L, R, T extends TemporalJoinType = 'inner'> extends LookupJoinOptions<L, R, T> {
  /**
   * How far behind the watermark (ms) records are still accepted; default 0 (see
   * {@link JoinOptions.allowedLateness}). A left record at `t <= W - allowedLateness` (W: the
   * input watermark) is late; one at `W - allowedLateness < t <= W` is joined at once with the
   * versions received so far. A version at `v <= W - allowedLateness` is late. Versions stay in
   * state that much longer, and the forwarded watermark is `W - allowedLateness`.
   */
  readonly allowedLateness?: number;
  /** @deprecated The former name of {@link allowedLateness}; give one or the other. */
  readonly retention?: number;
}

const KEYS = optionKeys<TemporalJoinOptions<unknown, unknown, TemporalJoinType>>({ ...LOOKUP_JOIN_OPTION_KEYS, allowedLateness: true, retention: true });

/** Flag bit of a version row: the version deletes its key's row (its value is stored as null). */
const TOMBSTONE = 1;

/**
 * Event-time temporal join against a versioned table (Flink's `FOR SYSTEM_TIME AS OF`, Kafka
 * Streams' versioned stores): each left record at time `t` is joined with the row its key had
 * at `t`.
 *
 * **Versions.** A right record at time `v` is a version of the row of key `tableKey(r)`, valid
 * from `v` until the key's next version; a version for which `isDelete(r)` is truthy is a
 * tombstone (no row from `v`). Two versions of a key at the same time: the later arrival wins.
 *
 * **Output.** A left record `l` at `t` joins the latest version of `key(l)` with time `<= t`.
 * Since such versions may arrive until the watermark passes `t`, the record waits in state until
 * the input watermark (the minimum of both inputs') reaches `t`; waiting records are then emitted
 * in time order (ties: arrival order). `inner` emits `{ left, right }` for a hit only; `left`
 * also emits `{ left, right: undefined }` when there is no version or the valid one is a
 * tombstone. Each output is stamped `t`. The forwarded watermark is `W - L` (`L` being
 * `allowedLateness`), so no output is late for the next operator. With `L` 0 the output does not
 * depend on the order in which non-late records arrive: it is the join of every non-late left
 * record with every non-late version. With `L` > 0, a left record joined after the watermark
 * passed its time (see below) sees the versions received by then: a version arriving later, still
 * within the lateness, does not revise it (it does apply to left records joined after it).
 *
 * **Lateness** (the rule of every operator, docs/concepts/event-time.md). With `W` the input
 * watermark when the record arrives: a left record with `t <= W - L`, and a version with
 * `v <= W - L`, is late: not joined, counted, and handed to `onLateLeft` / `onLateRight`. A left
 * record with `W - L < t <= W` is joined at once with the versions received so far.
 *
 * **State.** Waiting left records (keyed by key, time, arrival number) and versions (keyed by
 * key, version time; the tombstone bit in the row's flags) live in `store` with the watermark.
 * A version leaves state once no left record can need it: for each key, every version later than
 * `W - L` is kept, plus the latest one at or before it unless that is a tombstone (a
 * tombstone there is dropped with everything before it: a missing row reads the same). So state
 * stays proportional to the waiting left records plus the live keys and the versions of the last
 * `L` ms (and those ahead of the watermark). A probe is a binary search in the decoded
 * versions of one key, O(log m); a left record waits and leaves in O(log n); each version expires
 * in O(log n) (an expiry heap per side).
 *
 * @param table$ - the table's changelog, with watermarks (barriers align with the left input's)
 * @param options - see {@link TemporalJoinOptions}
 *
 * @example
 * ```ts
 * // each order converted with the exchange rate valid at the order's time
 * orders$.pipe(
 *   temporalJoin(rates$, {
 *     key: (o) => o.currency,
 *     tableKey: (r) => r.currency,
 *     allowedLateness: 60_000,
 *     store,
 *   }),
 *   mapRecords(({ left, right }) => ({ ...left, eur: left.amount * right.rate })),
 * );
 * ```
 */
export function temporalJoin<L, R, T extends TemporalJoinType = 'inner'>(
  table$: Observable<StreamElement<R>>,
  options: TemporalJoinOptions<L, R, T>,
): JoinOperator<L, TemporalJoinResult<L, R, T>> {
  const kind = 'temporalJoin';
  checkJoinOptionKeys(kind, options, KEYS);
  const resolved = resolveJoinOptions(kind, options);
  if (options.retention !== undefined && options.allowedLateness !== undefined) {
    throw badOption(kind, 'give option `allowedLateness` or its former name `retention`, not both', options.retention);
  }
  // `retention` is the deprecated name of allowedLateness
  const o = options.retention === undefined ? resolved : { ...resolved, allowedLateness: nonNegativeMs(kind, 'retention', options.retention) };
  const type = resolveTableOptions(kind, options as LookupJoinOptions<unknown, unknown, LookupJoinType>);
  const lateness = o.allowedLateness;
  const { key: keyFn, tableKey, isDelete } = options;
  const outer = type === 'left';
  type Out = JoinedRecord<L, R | undefined>;

  return joinOperator<L, R, Out>(o, table$, (ctx): JoinEngine<L, R> => {
    const lefts = ctx.buffer<L>(LEFT, true, false); // waiting rows, only ever taken in time order
    const versions = ctx.buffer<R | null>(RIGHT, true);
    ctx.counters.heldLeft = () => lefts.size;
    ctx.counters.heldRight = () => versions.size;

    /** Emits left value `value` of key `id` at `t` with the version valid at `t`. */
    const join = (id: unknown, t: number, value: L): void => {
      const v = versions.floor(id, t);
      if (v !== undefined && (v.flags & TOMBSTONE) === 0) ctx.emit({ left: value, right: v.value as R }, t, true);
      else if (outer) ctx.emit({ left: value, right: undefined }, t, false);
    };

    return {
      load() {
        lefts.load();
        versions.load();
      },

      onLeft(el: StreamRecord<L>) {
        const t = el.timestamp;
        const wm = ctx.watermark();
        const key: KeyPart | undefined = ctx.keyOf('left', el, keyFn, 'key');
        if (key === undefined) return;
        const id = keyPartId(key);
        if (t <= wm) join(id, t, el.value);
        else {
          try {
            lefts.add(key, id, t, ctx.nextSeq(), el.value, 0);
          } catch (err) {
            ctx.refused('left', el, err);
          }
        }
      },

      onRight(el: StreamRecord<R>) {
        const v = el.timestamp;
        const key = ctx.keyOf('right', el, tableKey, 'tableKey');
        if (key === undefined) return;
        const tombstone = isTombstone(ctx, el, isDelete);
        if (tombstone === undefined) return;
        const id = keyPartId(key);
        // seq 0: a later version at the same time replaces the earlier one (value and flag)
        try {
          versions.add(key, id, v, 0, tombstone ? null : el.value, tombstone ? TOMBSTONE : 0);
        } catch (err) {
          ctx.refused('right', el, err);
        }
      },

      advance(wm: number) {
        // Left records first: they need the versions as of the previous expiry.
        lefts.expire(wm, (l) => {
          join(l.id, l.ts, l.value);
          lefts.remove(l);
        });
        // A version at or before W - lateness supersedes every older version of its key; a
        // tombstone there leaves too (no version reads the same as a tombstone).
        versions.expire(wm - lateness, (v) => {
          versions.removeBefore(v);
          if ((v.flags & TOMBSTONE) !== 0) versions.remove(v);
        });
      },

      outputWatermark: (wm) => wm - lateness,

      flush() {
        lefts.flush();
        versions.flush();
      },
      capture: () => captureSides(lefts, versions),

      // the key's latest version held (what a left record at or after its time joins with)
      query: tableQuery<R>(o.where, true, (key) => {
        const v = versions.floor(keyPartId(key), Number.POSITIVE_INFINITY);
        return v === undefined || (v.flags & TOMBSTONE) !== 0 ? undefined : { row: v.value, version: v.ts };
      }),
    };
  }) as unknown as JoinOperator<L, TemporalJoinResult<L, R, T>>;
}
