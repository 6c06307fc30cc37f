import { captureSides } from './RowCapture';
import type { Observable } from 'rxjs';
import { keyPartId } from '@weir/state';
import type { StreamElement, StreamRecord } from '@weir/stream';
import { JoinError } from './JoinError';
import type { JoinOptions } from './JoinOptions';
import type { JoinedRecord } from './JoinedRecord';
import type { JoinOperator } from './JoinOperator';
import { asofMatch, type AsofDirection } from './asofMatch';
import { joinOperator, type JoinEngine } from './joinHarness';
import { LEFT, RIGHT } from './joinState';
import { MinHeap } from './MinHeap';
import { badOption, nonNegativeMs, oneOf, requireFunction, resolveJoinOptions } from './resolveJoinOptions';
import type { Row } from './SideBuffer';
import { optionKeys } from '@weir/state';
import { JOIN_OPTION_KEYS, checkJoinOptionKeys } from './checkJoinOptionKeys';

/**
 * The join types of {@link asofJoin}:
 * - `inner`: each left record that found a right record, with it;
 * - `left`: every left record, with the right record it found or `undefined`.
 */
export type AsofJoinType = 'inner' | 'left';

/** What {@link asofJoin} emits for each join type. */
export type AsofJoinResult<L, R, T extends AsofJoinType> = T extends 'inner' ? JoinedRecord<L, R> : JoinedRecord<L, R | undefined>;

/**
 * The key of {@link asofJoin} given once, for both inputs (when both value types carry the same
 * key field).
 */
export interface AsofJoinSharedKey<L, R> {
  /** The join key of a value of either input (string, safe integer, 64-bit bigint or Uint8Array). */
  readonly key: (value: L | R) => unknown;
  readonly leftKey?: undefined;
  readonly rightKey?: undefined;
}

/** The keys of {@link asofJoin} given per input. */
export interface AsofJoinSideKeys<L, R> {
  readonly key?: undefined;
  /** The join key of a left value (string, safe integer, 64-bit bigint or Uint8Array). */
  readonly leftKey: (value: L) => unknown;
  /** The join key of a right value. */
  readonly rightKey: (value: R) => unknown;
}

/** Options of {@link asofJoin} besides the key (see {@link AsofJoinOptions}). */
export interface AsofJoinBaseOptions<L, R, T extends AsofJoinType = 'inner'> extends JoinOptions<L, R> {
  /** Which right record a left record looks for (see {@link AsofDirection}). */
  readonly direction: AsofDirection;
  /**
   * The largest distance in ms between a left record and the right record it may be joined
   * with (a non-negative integer); default unlimited (`undefined` or `Infinity`). With a finite
   * tolerance, `forward` and `nearest` rows are emitted at most `tolerance` ms of event time
   * after their time, and right rows that no left record can use any more leave state.
   */
  readonly tolerance?: number;
  /** The join type; default `'inner'`. */
  readonly type?: T;
}

/**
 * Options of {@link asofJoin}: {@link AsofJoinBaseOptions} and either `key` (both inputs) or
 * `leftKey` and `rightKey`.
 */
export type AsofJoinOptions<L, R, T extends AsofJoinType = 'inner'> = AsofJoinBaseOptions<L, R, T> & (AsofJoinSharedKey<L, R> | AsofJoinSideKeys<L, R>);

const KEYS = optionKeys<AsofJoinOptions<unknown, unknown, AsofJoinType>>({
  ...JOIN_OPTION_KEYS,
  key: true,
  leftKey: true,
  rightKey: true,
  direction: true,
  tolerance: true,
  type: true,
});
const DIRECTIONS: readonly AsofDirection[] = ['backward', 'forward', 'nearest'];
const TYPES: readonly AsofJoinType[] = ['inner', 'left'];

/** A pending left row and the watermark at which its answer is final. */
interface Due<L> {
  readonly row: Row<L>;
  readonly at: number;
}

/**
 * As-of join (pandas' `merge_asof`, kdb+'s `aj`): each left record at time `t` is joined with
 * the single right record of the same key closest in time in the given `direction`:
 * - `backward`: the latest right record at or before `t` (the quote in force at a trade);
 * - `forward`: the earliest right record at or after `t`;
 * - `nearest`: the closest either way; on a tie in distance the earlier one (backward) wins.
 *
 * A right record more than `tolerance` ms away never counts. Among right records of one key
 * with the same time, the latest to arrive wins: it replaces the earlier one (an upsert). The
 * key is `key` (both inputs) or `leftKey` and `rightKey`; exactly one of the two forms. The rules
 * themselves are {@link asofMatch}.
 *
 * **Output.** A left record is emitted once, stamped with its own time `t`, when its answer is
 * final: when no right record that can still arrive (right records at or below the watermark are
 * late) could change it. That is at watermark `t` for `backward`; at `min(t + tolerance, tf)` for
 * `forward`, where `tf` is the earliest right time at or after `t` received so far; for
 * `nearest` at the later of `t` and `min(t + tolerance, tf, t + d - 1)`, `d` being the distance
 * to the backward candidate, which wins ties (see {@link AsofMatch.finalAt}): a `nearest` row
 * with a candidate `d` ms before it need not wait for a right record after it. With unlimited
 * tolerance, a `forward` left record with no right record of its key at or after `t` (`nearest`:
 * none of its key at all) is final only at the end of input (the final watermark, +Infinity) and
 * is emitted then (`left` type) or dropped (`inner`): correct, since a matching right record could
 * still come at any time, but see the watermark below. Rows that become final at one watermark
 * come out in the order of that finality time, then of `t`, then of arrival. `inner` emits
 * `{ left, right }` only when a right record was found; `left` also emits
 * `{ left, right: undefined }` for a left record that found none.
 *
 * **Watermark.** The join works on `W`, the inputs' minimum watermark minus `allowedLateness`
 * (default 0), throughout: a record is final, late or expired with respect to `W`. The forwarded
 * watermark is `W`, held back below the earliest
 * pending left record: `min(W, t_pending - 1)`, so no output row is ever late for the next
 * operator. Output watermarks therefore lag the input by as long as left records wait: up to
 * `tolerance` for `forward` and `nearest` (0 for `backward`), and, without a tolerance, a
 * `forward` / `nearest` left record waiting for the end of input holds the output watermark at
 * its time until then. Give `forward` and `nearest` a tolerance unless every key is sure to keep
 * receiving right records.
 *
 * **Lateness** (the rule of every operator, docs/concepts/event-time.md). A left record at or
 * below `W` is late; so is a right record at or below `W` (it could change answers already
 * emitted). Late records are not joined, counted, and handed to `onLateLeft` / `onLateRight`. A
 * record behind the inputs' watermark but within `allowedLateness` is joined as if on time: since
 * the whole join runs that far behind, answers stay exact (the same whatever the arrival order of
 * non-late records) and come out `allowedLateness` ms of event time later.
 *
 * **State.** Pending left records, right records, the watermark and a row counter live in
 * `store`, keyed by (key, time): right rows at (key, time, 0), so a later right record at the same
 * time overwrites it. A right row leaves state once no pending or future left record can choose
 * it: `forward` drops right rows as the watermark passes them (a pending left record whose
 * earliest right row is at or below the watermark is already final and emitted);
 * `backward` and `nearest` keep, per key, the latest right row at or below the watermark (future
 * left records, all above it, prefer it to any older one) and every row above it, and with a
 * finite tolerance drop that latest row too once the watermark is `tolerance` ms past it (no
 * future left record can reach it) and no pending left record of its key is within `tolerance`
 * after it. Left rows leave state when emitted. So state holds the rows of the last
 * out-of-orderness span (plus the tolerance, for pending `forward` / `nearest` rows), and,
 * without a tolerance, one right row per key ever seen (`backward`, `nearest`) and the
 * `forward` / `nearest` left rows waiting for the end of input (above); everything is emitted
 * and leaves the store at the end of input. A left record costs O(log m) (m rows of its key);
 * a right record O(log m + k), k being the pending left records of its key between its two
 * neighbouring right rows, whose finality it may advance (none for `backward`); emitting a row
 * and dropping a right row cost O(log n) each.
 *
 * @param right$ - the right input (elements with watermarks; barriers align with the left input's)
 * @param options - see {@link AsofJoinOptions}
 *
 * @example
 * ```ts
 * // each trade with the latest quote of its symbol at most 5 s old (trades without one dropped)
 * trades$.pipe(
 *   asofJoin(quotes$, { key: (v) => v.symbol, direction: 'backward', tolerance: 5_000, store }),
 * ); // StreamElement<JoinedRecord<Trade, Quote>>
 *
 * // each order with the exchange rate valid at order time, or undefined before the first rate
 * orders$.pipe(
 *   asofJoin(rates$, { leftKey: (o) => o.currency, rightKey: (r) => r.currency, direction: 'backward', type: 'left', store }),
 * ); // StreamElement<JoinedRecord<Order, Rate | undefined>>
 * ```
 */
export function asofJoin<L, R, T extends AsofJoinType = 'inner'>(
  right$: Observable<StreamElement<R>>,
  options: AsofJoinOptions<L, R, T>,
): JoinOperator<L, AsofJoinResult<L, R, T>> {
  const kind = 'asofJoin';
  checkJoinOptionKeys(kind, options, KEYS);
  const o = resolveJoinOptions(kind, options);
  const given = options as { key?: unknown; leftKey?: unknown; rightKey?: unknown };
  let leftKey: (value: L) => unknown;
  let rightKey: (value: R) => unknown;
  let leftKeyOption = 'leftKey';
  let rightKeyOption = 'rightKey';
  if (given.key !== undefined) {
    if (given.leftKey !== undefined || given.rightKey !== undefined) {
      const both = ['key', ...(given.leftKey !== undefined ? ['leftKey'] : []), ...(given.rightKey !== undefined ? ['rightKey'] : [])];
      throw new JoinError('INVALID_ARGUMENT', `${kind}: give either option \`key\` (both inputs) or options \`leftKey\` and \`rightKey\`, not both, got ${both.join(', ')}`, options);
    }
    requireFunction(kind, options, 'key', 'a value of either input -> join key');
    leftKey = rightKey = given.key as (value: L | R) => unknown;
    leftKeyOption = rightKeyOption = 'key';
  } else {
    if (given.leftKey === undefined && given.rightKey === undefined) {
      throw badOption(kind, 'give option `key` (both inputs) or options `leftKey` and `rightKey`', undefined);
    }
    requireFunction(kind, options, 'leftKey', 'left value -> join key');
    requireFunction(kind, options, 'rightKey', 'right value -> join key');
    leftKey = given.leftKey as (value: L) => unknown;
    rightKey = given.rightKey as (value: R) => unknown;
  }
  const direction = oneOf(kind, 'direction', options.direction, DIRECTIONS);
  const tolerance = options.tolerance === undefined || options.tolerance === Number.POSITIVE_INFINITY ? Number.POSITIVE_INFINITY : nonNegativeMs(kind, 'tolerance', options.tolerance);
  const type = oneOf(kind, 'type', options.type ?? 'inner', TYPES);
  const m = asofMatch(direction, tolerance);
  const outer = type === 'left';
  const bounded = tolerance < Number.POSITIVE_INFINITY;
  const lateness = o.allowedLateness;
  type Out = JoinedRecord<L, R | undefined>;

  return joinOperator<L, R, Out>(o, right$, (ctx): JoinEngine<L, R> => {
    // Pending left rows; their heap (by time) gives the earliest pending time for the watermark,
    // and for `backward` (final at their own time) it is also the readiness order.
    // Backward rows are only ever taken in time order, unless a finite tolerance asks for the
    // pending rows of a key (the drops below): no index by key then.
    const lefts = ctx.buffer<L>(LEFT, true, direction !== 'backward' || bounded);
    // Right rows; their heap (by time) tells when a row falls to or below the watermark.
    const rights = ctx.buffer<R>(RIGHT, true);
    ctx.counters.heldLeft = () => lefts.size;
    ctx.counters.heldRight = () => rights.size;
    // forward / nearest: pending left rows by finality watermark (then time, arrival). A row's
    // finality only ever decreases; an entry it left behind is skipped once the row is emitted.
    // Rows final only at the end of input (Infinity) have no entry.
    const due = new MinHeap<Due<L>>((a, b) => a.at < b.at || (a.at === b.at && (a.row.ts < b.row.ts || (a.row.ts === b.row.ts && a.row.seq < b.row.seq))));
    const dueAt = new Map<Row<L>, number>();
    // backward / nearest: the latest right row at or below the watermark, per key.
    const floorRows = new Map<unknown, Row<R>>();
    // ... and, with a finite tolerance, when to check whether it can go (time + tolerance).
    const drops = new MinHeap<{ readonly row: Row<R>; readonly at: number }>((a, b) => a.at < b.at);

    const finalAt = (id: unknown, t: number): number => m.finalAt(t, rights.floor(id, t)?.ts, rights.ceil(id, t)?.ts);
    const schedule = (row: Row<L>, at: number): void => {
      dueAt.set(row, at);
      if (at < Number.POSITIVE_INFINITY) due.push({ row, at });
    };
    // the candidates a direction looks at: backward never needs the one after, forward the one before
    const lookBefore = direction !== 'forward';
    const lookAfter = direction !== 'backward';
    const emit = (l: Row<L>): void => {
      const before = lookBefore ? rights.floor(l.id, l.ts) : undefined;
      const after = lookAfter ? rights.ceil(l.id, l.ts) : undefined;
      const which = m.choose(l.ts, before?.ts, after?.ts);
      const r = which === 'before' ? before : which === 'after' ? after : undefined;
      if (r !== undefined) ctx.emit({ left: l.value, right: r.value }, l.ts, true);
      else if (outer) ctx.emit({ left: l.value, right: undefined }, l.ts, false);
      if (lookAfter) dueAt.delete(l); // backward schedules nothing
      lefts.remove(l);
    };
    const removeRight = (r: Row<R>): void => {
      if (floorRows.get(r.id) === r) floorRows.delete(r.id);
      rights.remove(r);
    };

    return {
      load() {
        lefts.load();
        rights.load();
        due.clear();
        dueAt.clear();
        floorRows.clear();
        drops.clear();
        // Right rows at or below the watermark come back queued: the next advance re-files them.
        if (direction === 'backward') return;
        const pending: Row<L>[] = [];
        lefts.expire(Number.POSITIVE_INFINITY, (l) => pending.push(l));
        for (const l of pending) {
          lefts.enqueue(l);
          schedule(l, finalAt(l.id, l.ts));
        }
      },

      onLeft(el: StreamRecord<L>) {
        const t = el.timestamp;
        const key = ctx.keyOf('left', el, leftKey, leftKeyOption);
        if (key === undefined) return;
        const id = keyPartId(key);
        let row: Row<L>;
        try {
          row = lefts.add(key, id, t, ctx.nextSeq(), el.value, 0);
        } catch (err) {
          ctx.refused('left', el, err);
          return;
        }
        if (direction !== 'backward') schedule(row, finalAt(id, t));
      },

      onRight(el: StreamRecord<R>) {
        const t = el.timestamp;
        const key = ctx.keyOf('right', el, rightKey, rightKeyOption);
        if (key === undefined) return;
        const id = keyPartId(key);
        const replaces = direction !== 'backward' && rights.floor(id, t)?.ts === t;
        try {
          rights.add(key, id, t, 0, el.value, 0);
        } catch (err) {
          ctx.refused('right', el, err);
          return;
        }
        if (replaces || direction === 'backward') return; // no left row's candidates moved
        // The pending left rows whose nearest right row at or after their time is now this one
        // (forward, nearest), or at or before it (nearest): their answer may be final sooner.
        const lo = (rights.floor(id, t - 1)?.ts ?? Number.NEGATIVE_INFINITY) + 1;
        const hi = direction === 'forward' ? t : (rights.ceil(id, t + 1)?.ts ?? Number.POSITIVE_INFINITY) - 1;
        lefts.forRange(id, lo, hi, (l) => {
          const at = finalAt(id, l.ts);
          if (at < dueAt.get(l)!) schedule(l, at);
        });
      },

      advance(inputWatermark: number) {
        const wm = inputWatermark - lateness; // the join runs `lateness` behind its inputs
        // 1. Emit every left row whose answer is final.
        if (direction === 'backward') lefts.expire(wm, emit);
        else {
          for (let top = due.peek(); top !== undefined && top.at <= wm; top = due.peek()) {
            due.pop();
            if (!top.row.removed) emit(top.row);
          }
        }
        if (wm === Number.POSITIVE_INFINITY) {
          // The end of input: the rows only it makes final, by time; then nothing is needed.
          lefts.expire(wm, emit);
          rights.expire(wm, (r) => rights.remove(r));
          for (const r of floorRows.values()) rights.remove(r);
          floorRows.clear();
          drops.clear();
          due.clear();
          return;
        }
        // 2. Right rows no pending or future left row can choose leave state. Every pending left
        // row now has its earliest right row at or after its time above `wm` (else it was final),
        // and future left rows are above `wm`.
        if (direction === 'forward') {
          rights.expire(wm, (r) => rights.remove(r));
          return;
        }
        rights.expire(wm, (r) => {
          rights.removeBefore(r); // superseded: r is nearer every pending or future left row
          floorRows.set(r.id, r);
          if (bounded) drops.push({ row: r, at: r.ts + tolerance });
        });
        for (let top = drops.peek(); top !== undefined && top.at <= wm; top = drops.peek()) {
          drops.pop();
          const r = top.row;
          if (r.removed) continue;
          // Future left rows are beyond the tolerance; pending ones (all after r) may need it
          // until the first of them within reach is emitted, at the latest at its time + tolerance
          // (which is above `wm`, as that row is still pending; the max only guards the loop).
          const own = lefts.rowsOf(r.id);
          const first = own?.rows[own.head];
          if (first !== undefined && first.ts <= r.ts + tolerance) drops.push({ row: r, at: Math.max(first.ts + tolerance, wm + 1) });
          else removeRight(r);
        }
      },

      outputWatermark(inputWatermark: number) {
        const wm = inputWatermark - lateness;
        const first = lefts.peekDue();
        return first === undefined ? wm : Math.min(wm, first.ts - 1);
      },

      flush() {
        lefts.flush();
        rights.flush();
      },
      capture: () => captureSides(lefts, rights),
    };
  }) as unknown as JoinOperator<L, AsofJoinResult<L, R, T>>;
}
