import type { Observable, OperatorFunction } from 'rxjs';
import { checkEncodable, optionKeys, type KeyPart, type OptionKeyList } from '@weir/state';
import { insertRow, retractRow, type Change, type StreamElement, type StreamRecord } from '@weir/stream';
import type { JoinOptions } from './JoinOptions';
import type { JoinedRecord } from './JoinedRecord';
import type { JoinCounters, JoinMetrics, JoinMetricsSnapshot } from './JoinMetrics';
import type { JoinSide } from './JoinError';
import { joinOperator, type JoinEngine } from './joinHarness';
import { LEFT, RIGHT } from './joinState';
import { JOIN_OPTION_KEYS, checkJoinOptionKeys } from './checkJoinOptionKeys';
import { badOption, oneOf, requireFunction, resolveJoinOptions } from './resolveJoinOptions';
import { callbackFailed } from './joinFailure';
import { RegularJoinKeys, STATS, TIMER, decodeRow, encodeRow } from './regularJoinState';

/**
 * The join types of {@link regularJoin}: `inner` (matching pairs only), `left` / `right` / `full`
 * (also each left / right / either row that matches nothing, padded with `null`).
 */
export type RegularJoinType = 'inner' | 'left' | 'right' | 'full';

/** One output row of {@link regularJoin} for each join type: the missing side of a padded row is `null`. */
export type RegularJoinRow<L, R, T extends RegularJoinType> = T extends 'inner'
  ? JoinedRecord<L, R>
  : T extends 'left'
    ? JoinedRecord<L, R | null>
    : T extends 'right'
      ? JoinedRecord<L | null, R>
      : JoinedRecord<L | null, R | null>;

/**
 * One input of {@link regularJoin}: how its rows are keyed.
 *
 * @example
 * ```ts
 * { key: (p: Person) => p.id, primaryKey: (p) => p.id }   // a table of persons, updated by id
 * { key: (a: Auction) => a.seller }                        // an append-only stream of auctions
 * ```
 */
export interface RegularJoinSide<V> {
  /** The join key of a value (string, safe integer, 64-bit bigint or Uint8Array). */
  readonly key: (value: V) => unknown;
  /**
   * The primary key of a value, for a side that is a table: a row replaces the held row with the
   * same join key and primary key (in arrival order, whatever the timestamps). Without it the side
   * is an append stream: every record is a new row. The join key must be a function of the primary
   * key (or part of it): a row whose join key changes is a new row, the old one stays until
   * deleted (with its old join key) or expired.
   */
  readonly primaryKey?: (value: V) => unknown;
  /** For a side with a primary key: whether a value deletes its primary key's row (a tombstone). */
  readonly isDelete?: (value: V) => boolean;
}

/** Options of {@link regularJoin}. */
export interface RegularJoinOptions<L, R, T extends RegularJoinType = 'inner'> extends JoinOptions<L, R> {
  /** The left (piped) input's keys. */
  readonly left: RegularJoinSide<L>;
  /** The right (argument) input's keys. */
  readonly right: RegularJoinSide<R>;
  /** The join type; default `'inner'`. */
  readonly type?: T;
  /**
   * Required: the state TTL in ms of event time (Flink's `table.exec.state.ttl`), a positive
   * integer, or `Infinity` to keep every row for ever (state then grows with the distinct rows
   * seen). A row not written for `ttl` ms of event time (its last write at `t`, the input
   * watermark reaching `t + ttl`) leaves state, counted in `metrics.expiredLeft` / `expiredRight`.
   * No retraction is emitted for it.
   */
  readonly ttl: number;
}

/** The live counters of {@link regularJoin}: those of every join, and the rows expired by the TTL. */
export interface RegularJoinMetrics extends JoinMetrics {
  /** Left rows dropped from state by the TTL (continues across a restore). */
  readonly expiredLeft: number;
  /** Right rows dropped from state by the TTL. */
  readonly expiredRight: number;
  snapshot(): RegularJoinMetricsSnapshot;
}

/** A plain-object copy of {@link RegularJoinMetrics}. */
export type RegularJoinMetricsSnapshot = JoinMetricsSnapshot & { readonly expiredLeft: number; readonly expiredRight: number };

/** A {@link regularJoin} operator: a join operator whose metrics count expired rows. */
export type RegularJoinOperator<L, O> = OperatorFunction<StreamElement<L>, StreamElement<O>> & { readonly metrics: RegularJoinMetrics };

const SIDE_KEYS: OptionKeyList<RegularJoinSide<unknown>> = { key: true, primaryKey: true, isDelete: true };
const KEYS = optionKeys<RegularJoinOptions<unknown, unknown, RegularJoinType>>({ ...JOIN_OPTION_KEYS, left: true, right: true, type: true, ttl: true });
const TYPES: readonly RegularJoinType[] = ['inner', 'left', 'right', 'full'];

/** The validated keys of one side. */
interface Side<V> {
  readonly name: JoinSide;
  readonly tag: number;
  readonly spec: RegularJoinSide<V>;
  /** Whether rows of this side without a match are emitted padded. */
  readonly outer: boolean;
}

function checkSide(kind: string, options: object, name: JoinSide): void {
  const spec = (options as Record<string, unknown>)[name];
  if (typeof spec !== 'object' || spec === null) throw badOption(kind, `option \`${name}\` must be an object { key, primaryKey?, isDelete? }`, spec);
  checkJoinOptionKeys(`${kind} option \`${name}\``, spec, optionKeys(SIDE_KEYS));
  requireFunction(kind, spec, 'key', `${name} value -> join key (option \`${name}.key\`)`);
  const s = spec as RegularJoinSide<unknown>;
  if (s.primaryKey !== undefined) requireFunction(kind, spec, 'primaryKey', `${name} value -> primary key (option \`${name}.primaryKey\`)`);
  if (s.isDelete !== undefined) {
    requireFunction(kind, spec, 'isDelete', `${name} value -> whether it deletes its row (option \`${name}.isDelete\`)`);
    if (s.primaryKey === undefined) throw badOption(kind, `option \`${name}.isDelete\` needs \`${name}.primaryKey\` (a delete names the row it removes)`, s.isDelete);
  }
}

/**
 * Regular (unbounded) join (Flink SQL's regular join, Kafka Streams' KTable-KTable join): every
 * row of either input is joined with every row of the other input that has the same join key and
 * is held in state, and the output is a changelog of the join's result.
 *
 * **Inputs.** Each side is an append stream (every record a new row) or, given
 * `primaryKey`, a table: a record replaces the row with the same join key and primary key, and,
 * given `isDelete`, a record for which it is truthy deletes that row.
 *
 * **Output.** Records whose value is a {@link Change} of a joined row, stamped with the time of
 * the input record that caused them: a new row inserts `{ left, right }` for each partner; an
 * update retracts the old row's joined rows and inserts the new ones (retraction first); a delete
 * retracts them. Outer joins insert a row padded with `null` for a row without partners, retract
 * it when the first partner arrives, and insert it again when the last one leaves. Applying the
 * changelog (`applyChanges` of `@weir/stream`) gives the join of the rows held. The forwarded
 * watermark is the inputs' minimum minus `allowedLateness`.
 *
 * **TTL** (`ttl`, required; Flink's state TTL in event time). A row whose last write was at `t`
 * leaves state when the input watermark reaches `t + ttl`, counted in `metrics.expiredLeft` /
 * `expiredRight`, and nothing is emitted for it: its joined rows (or its padded row) stay in the
 * result, a later row of the other side no longer joins it, an update or delete of its primary
 * key is a new row (no retraction of the old one), and the rows it matched keep counting it as a
 * partner (no padded row appears for them when it expires; Flink behaves the same). A match does
 * not refresh a row's TTL; only a write of the row does.
 *
 * **Lateness** (the rule of every operator, docs/concepts/event-time.md): a record at or below
 * the watermark minus `allowedLateness` is late: not joined, counted, and handed to
 * `onLateLeft` / `onLateRight`.
 *
 * **State** (docs/architecture.md §4.3): every row with its last write time and match count,
 * under its join key's key group, and a TTL index by due time, all in `store` (no mirror in
 * memory). A record costs O(log n + m) for the m rows of its key on the other side, plus a write
 * per partner whose match count changes (outer joins); expiry is a range scan of the due timers,
 * O(log n + due). Rows are written through (option `cacheSize` has no effect here).
 *
 * @param right$ - the right input (elements with watermarks; barriers align with the left input's)
 * @param options - see {@link RegularJoinOptions}
 *
 * @example
 * ```ts
 * // auctions with their seller's current profile, updated as persons change
 * auctions$.pipe(
 *   regularJoin(persons$, {
 *     left: { key: (a) => a.seller },
 *     right: { key: (p) => p.id, primaryKey: (p) => p.id },
 *     type: 'left',
 *     ttl: 24 * 3_600_000,
 *     store,
 *   }),
 * ); // StreamElement<Change<JoinedRecord<Auction, Person | null>>>
 * ```
 */
export function regularJoin<L, R, T extends RegularJoinType = 'inner'>(
  right$: Observable<StreamElement<R>>,
  options: RegularJoinOptions<L, R, T>,
): RegularJoinOperator<L, Change<RegularJoinRow<L, R, T>>> {
  const kind = 'regularJoin';
  checkJoinOptionKeys(kind, options, KEYS);
  const o = resolveJoinOptions(kind, options);
  checkSide(kind, options, 'left');
  checkSide(kind, options, 'right');
  const type = oneOf(kind, 'type', options.type ?? 'inner', TYPES);
  const ttl = options.ttl;
  if (ttl !== Number.POSITIVE_INFINITY && (typeof ttl !== 'number' || !Number.isSafeInteger(ttl) || ttl <= 0)) {
    throw badOption(kind, 'option `ttl` (required) must be a positive integer number of milliseconds, or Infinity to keep rows for ever', ttl);
  }
  const where = o.where;
  const lateness = o.allowedLateness;
  const left: Side<L> = { name: 'left', tag: LEFT, spec: options.left, outer: type === 'left' || type === 'full' };
  const right: Side<R> = { name: 'right', tag: RIGHT, spec: options.right, outer: type === 'right' || type === 'full' };
  const keys = new RegularJoinKeys(o.name, o.keyGroups);
  type Row = JoinedRecord<L | null, R | null>;
  type Counters = JoinCounters & { expiredLeft: number; expiredRight: number };

  const op = joinOperator<L, R, Change<Row>>(o, right$, (ctx): JoinEngine<L, R> => {
    const c = ctx.counters as Counters;
    const store = o.store;
    let heldLeft = 0;
    let heldRight = 0;
    c.heldLeft = () => heldLeft;
    c.heldRight = () => heldRight;
    const statsKey = keys.section(STATS);

    /** Emits the change of one joined row: `matched` false for a padded one. */
    const change = (insert: boolean, l: L | null, r: R | null, ts: number): void => {
      const row: Row = { left: l, right: r };
      ctx.emit(insert ? insertRow(row) : retractRow(row), ts, l !== null && r !== null);
    };

    /** Handles a record of side `me` against the rows of `other`. */
    const onRecord = <V, W>(me: Side<V>, other: Side<W>, el: StreamRecord<V>, pair: (mine: V | null, theirs: W | null) => [L | null, R | null]): void => {
      const ts = el.timestamp;
      const spec = me.spec;
      const key = ctx.keyOf(me.name, el, spec.key, `${me.name}.key`);
      if (key === undefined) return;
      let pk: KeyPart | undefined;
      if (spec.primaryKey !== undefined) {
        pk = ctx.keyOf(me.name, el, spec.primaryKey, `${me.name}.primaryKey`);
        if (pk === undefined) return;
      }
      let isDelete = false;
      if (spec.isDelete !== undefined) {
        try {
          isDelete = Boolean(spec.isDelete(el.value));
        } catch (err) {
          ctx.invalid(me.name, el as StreamRecord<never>, callbackFailed(where, `${me.name}.isDelete`, me.name, el, err));
          return;
        }
      }
      if (!isDelete) {
        try {
          checkEncodable(el.value, where);
        } catch (err) {
          ctx.refused(me.name, el as StreamRecord<never>, err);
          return;
        }
      }
      const rowKey = keys.rowKey(me.tag, key, pk ?? ctx.nextSeq());
      const oldBytes = pk === undefined ? undefined : store.get(rowKey);
      const old = oldBytes === undefined ? undefined : decodeRow<V>(oldBytes, where);
      if (old === undefined && isDelete) return; // deletes a row not held (never seen, or expired)
      const mine = isDelete ? null : el.value;

      // the other side's rows of this key, each with the change of its match count
      const delta = (old === undefined ? 0 : -1) + (mine === null ? 0 : 1);
      let partners = 0;
      if (old !== undefined && me.outer && old[2] === 0) change(false, ...pair(old[0], null), ts);
      for (const [k, v] of store.prefixScan(keys.rowsOf(other.tag, key))) {
        const p = decodeRow<W>(v, where);
        partners++;
        if (delta > 0 && other.outer && p[2] === 0) change(false, ...pair(null, p[0]), ts);
        if (old !== undefined) change(false, ...pair(old[0], p[0]), ts);
        if (mine !== null) change(true, ...pair(mine, p[0]), ts);
        if (other.outer && delta !== 0) {
          p[2] += delta;
          if (p[2] === 0) change(true, ...pair(null, p[0]), ts);
          store.put(k, encodeRow(p, where));
        }
      }
      if (mine !== null && me.outer && partners === 0) change(true, ...pair(mine, null), ts);

      if (old !== undefined) unschedule(old[1], rowKey);
      if (mine === null) {
        store.delete(rowKey);
        if (me.tag === LEFT) heldLeft--;
        else heldRight--;
        return;
      }
      store.put(rowKey, encodeRow<V>([mine, ts, partners], where));
      schedule(ts, rowKey);
      if (old === undefined) {
        if (me.tag === LEFT) heldLeft++;
        else heldRight++;
      }
    };

    const dueOf = (t: number): number | undefined => {
      const due = t + ttl;
      return Number.isSafeInteger(due) ? due : undefined;
    };
    const schedule = (t: number, rowKey: Uint8Array): void => {
      const due = dueOf(t);
      if (due !== undefined) store.put(keys.timer(due, rowKey), rowKey);
    };
    const unschedule = (t: number, rowKey: Uint8Array): void => {
      const due = dueOf(t);
      if (due !== undefined) store.delete(keys.timer(due, rowKey));
    };

    const asLeft = (l: L | null, r: R | null): [L | null, R | null] => [l, r];
    const asRight = (r: R | null, l: L | null): [L | null, R | null] => [l, r];

    return {
      load() {
        heldLeft = heldRight = 0;
        for (const _ of keys.scanRows(store, LEFT)) heldLeft++;
        for (const _ of keys.scanRows(store, RIGHT)) heldRight++;
        const stats = store.get(statsKey);
        if (stats !== undefined) {
          const s = decodeRow<unknown>(stats, where) as unknown as Record<string, unknown>;
          c.expiredLeft = typeof s['expiredLeft'] === 'number' ? s['expiredLeft'] : 0;
          c.expiredRight = typeof s['expiredRight'] === 'number' ? s['expiredRight'] : 0;
        }
      },

      onLeft: (el) => onRecord(left, right, el, asLeft),
      onRight: (el) => onRecord(right, left, el, asRight),

      advance(wm: number) {
        if (ttl === Number.POSITIVE_INFINITY) return;
        const section = keys.section(TIMER);
        const due = Number.isFinite(wm) ? store.rangeScan(section, keys.timersEnd(wm)) : store.prefixScan(section);
        for (const [timer, rowKey] of due) {
          store.delete(timer);
          const bytes = store.get(rowKey);
          if (bytes === undefined) continue; // a row this instance does not own any more
          const t = decodeRow<unknown>(bytes, where)[1];
          if (t + ttl > wm) continue; // rewritten since (its own timer is later)
          store.delete(rowKey);
          if (keys.sideOf(rowKey) === LEFT) {
            heldLeft--;
            c.expiredLeft++;
          } else {
            heldRight--;
            c.expiredRight++;
          }
        }
      },

      outputWatermark: (wm) => wm - lateness,

      flush() {
        if (c.expiredLeft > 0 || c.expiredRight > 0) store.put(statsKey, encodeRow({ expiredLeft: c.expiredLeft, expiredRight: c.expiredRight } as never, where));
      },
    };
  });

  const counters = op.metrics as Counters;
  counters.expiredLeft = 0;
  counters.expiredRight = 0;
  const base = counters.snapshot.bind(counters);
  (counters as unknown as { snapshot: () => RegularJoinMetricsSnapshot }).snapshot = () => ({ ...base(), expiredLeft: counters.expiredLeft, expiredRight: counters.expiredRight });
  return op as unknown as RegularJoinOperator<L, Change<RegularJoinRow<L, R, T>>>;
}

