import { captureSides } from './RowCapture';
import type { Observable } from 'rxjs';
import { keyPartId } from '@weir/state';
import type { StreamElement, StreamRecord } from '@weir/stream';
import type { JoinOptions } from './JoinOptions';
import type { JoinedRecord } from './JoinedRecord';
import type { JoinOperator } from './JoinOperator';
import { intervalMatch } from './intervalMatch';
import { joinOperator, type JoinEngine } from './joinHarness';
import { LEFT, RIGHT } from './joinState';
import { badOption, oneOf, requireFunction, resolveJoinOptions } from './resolveJoinOptions';
import type { Row } from './SideBuffer';
import { optionKeys } from '@weir/state';
import { JOIN_OPTION_KEYS, checkJoinOptionKeys } from './checkJoinOptionKeys';

/**
 * The join types of {@link intervalJoin}:
 * - `inner`: every matching pair;
 * - `left` / `right` / `full`: every matching pair, plus each left / right / either row that
 *   matched nothing, once, with the other side `undefined`;
 * - `semi`: each left row that matches at least one right row, once (`right` is `undefined`);
 * - `anti`: each left row that matches no right row, once.
 */
export type IntervalJoinType = 'inner' | 'left' | 'right' | 'full' | 'semi' | 'anti';

/** What {@link intervalJoin} emits for each join type. */
export type IntervalJoinResult<L, R, T extends IntervalJoinType> = T extends 'inner'
  ? JoinedRecord<L, R>
  : T extends 'left'
    ? JoinedRecord<L, R | undefined>
    : T extends 'right'
      ? JoinedRecord<L | undefined, R>
      : T extends 'full'
        ? JoinedRecord<L | undefined, R | undefined>
        : JoinedRecord<L, undefined>;

/** Options of {@link intervalJoin}. */
export interface IntervalJoinOptions<L, R, T extends IntervalJoinType = 'inner'> extends JoinOptions<L, R> {
  /** The join key of a left value (string, safe integer, 64-bit bigint or Uint8Array). */
  readonly leftKey: (value: L) => unknown;
  /** The join key of a right value. */
  readonly rightKey: (value: R) => unknown;
  /** ms from a left row's time to the earliest matching right time (negative: before it). */
  readonly lowerBound: number;
  /** ms from a left row's time to the latest matching right time; at least `lowerBound`. */
  readonly upperBound: number;
  /** The join type; default `'inner'`. */
  readonly type?: T;
  /**
   * How far behind the watermark (ms) a record is still joined; default 0 (see
   * {@link JoinOptions.allowedLateness}). Rows stay in state that much longer, and outer rows are
   * emitted that much later.
   */
  readonly allowedLateness?: number;
}

const KEYS = optionKeys<IntervalJoinOptions<unknown, unknown, IntervalJoinType>>({
  ...JOIN_OPTION_KEYS,
  leftKey: true,
  rightKey: true,
  lowerBound: true,
  upperBound: true,
  type: true,
  allowedLateness: true,
});
const TYPES: readonly IntervalJoinType[] = ['inner', 'left', 'right', 'full', 'semi', 'anti'];
const MATCHED = 1;

/**
 * Interval join (Flink's `intervalJoin`, with every join type): a left record at time `tl`
 * matches each right record with the same key and a time in `[tl + lowerBound, tl + upperBound]`.
 *
 * **Output.** Each match is emitted as soon as its second row arrives, stamped with the later
 * of the two times. Rows of an outer join that matched nothing (and the rows of an anti join) are
 * emitted exactly once, when the watermark proves no match can come any more: a left row at `tl`
 * at watermark `tl + upperBound + allowedLateness` (right rows: `tr - lowerBound +
 * allowedLateness`), stamped `tl + max(0, upperBound)` (right rows: `tr + max(0, -lowerBound)`).
 * A semi join emits a left row once, at its first match, stamped like that match. The forwarded
 * watermark is the inputs' minimum minus `allowedLateness`, so no output row is ever late for
 * the next operator.
 *
 * **Lateness** (the rule of every operator, docs/concepts/event-time.md): a record at or below
 * the watermark minus `allowedLateness` is late: it is not joined, counted, and handed to
 * `onLateLeft` / `onLateRight`.
 *
 * **State.** Both sides' rows (with a matched flag for outer joins), the watermark and a row
 * counter live in `store`, keyed by (key, time) so a probe is one key's time range. A row leaves
 * the store when it expires (see above), so state stays proportional to the rows of the last
 * `upperBound - lowerBound + allowedLateness` ms. Probes read a decoded mirror: O(log m + k) for
 * m rows of the key and k matches; expiry is O(log n) per expired row.
 *
 * @param right$ - the right input (elements with watermarks; barriers align with the left input's)
 * @param options - see {@link IntervalJoinOptions}
 *
 * @example
 * ```ts
 * // orders paid within 15 minutes; unpaid orders once 15 minutes have passed in event time
 * orders$.pipe(
 *   intervalJoin(payments$, {
 *     leftKey: (o) => o.orderId,
 *     rightKey: (p) => p.orderId,
 *     lowerBound: 0,
 *     upperBound: 15 * 60_000,
 *     type: 'left',
 *     store,
 *   }),
 * ); // StreamElement<JoinedRecord<Order, Payment | undefined>>
 * ```
 */
export function intervalJoin<L, R, T extends IntervalJoinType = 'inner'>(
  right$: Observable<StreamElement<R>>,
  options: IntervalJoinOptions<L, R, T>,
): JoinOperator<L, IntervalJoinResult<L, R, T>> {
  const kind = 'intervalJoin';
  checkJoinOptionKeys(kind, options, KEYS);
  const o = resolveJoinOptions(kind, options);
  requireFunction(kind, options, 'leftKey', 'left value -> join key');
  requireFunction(kind, options, 'rightKey', 'right value -> join key');
  for (const b of ['lowerBound', 'upperBound'] as const) {
    if (!Number.isSafeInteger(options[b])) throw badOption(kind, `option \`${b}\` must be an integer number of milliseconds`, options[b]);
  }
  if (options.lowerBound > options.upperBound) {
    throw badOption(kind, `option \`lowerBound\` must not exceed \`upperBound\` (${options.upperBound})`, options.lowerBound);
  }
  const type = oneOf(kind, 'type', options.type ?? 'inner', TYPES);
  const lateness = o.allowedLateness;
  const m = intervalMatch(options.lowerBound, options.upperBound, lateness);
  // the probes below inline rightRangeOf / leftRangeOf (no tuple per record)
  const lower = m.lowerBound;
  const upper = m.upperBound;
  const { leftKey, rightKey } = options;
  const pairs = type === 'inner' || type === 'left' || type === 'right' || type === 'full';
  const outerLeft = type === 'left' || type === 'full';
  const outerRight = type === 'right' || type === 'full';
  type Out = JoinedRecord<L | undefined, R | undefined>;

  return joinOperator<L, R, Out>(o, right$, (ctx): JoinEngine<L, R> => {
    const lefts = ctx.buffer<L>(LEFT, true);
    const rights = ctx.buffer<R>(RIGHT, true);
    ctx.counters.heldLeft = () => lefts.size;
    ctx.counters.heldRight = () => rights.size;
    const found: Row<L>[] = [];

    return {
      load() {
        lefts.load();
        rights.load();
      },

      onLeft(el: StreamRecord<L>) {
        const t = el.timestamp;
        const key = ctx.keyOf('left', el, leftKey, 'leftKey');
        if (key === undefined) return;
        const id = keyPartId(key);
        let matched = false;
        let firstMatch = 0;
        // the right rows of this key in [t + lowerBound, t + upperBound]: O(log m + k)
        const list = rights.rowsOf(id);
        if (list !== undefined) {
          const rows = list.rows;
          const hi = t + upper;
          for (let i = rights.lowerBoundTs(list, t + lower); i < rows.length; i++) {
            const r = rows[i]!;
            if (r.ts > hi) break;
            if (!matched) firstMatch = r.ts;
            matched = true;
            if (pairs) ctx.emit({ left: el.value, right: r.value }, t > r.ts ? t : r.ts, true);
            if (outerRight && (r.flags & MATCHED) === 0) {
              r.flags |= MATCHED;
              rights.changed(r);
            }
          }
        }
        if (type === 'semi' && matched) {
          ctx.emit({ left: el.value, right: undefined }, Math.max(t, firstMatch), false);
          return; // emitted once: nothing left to wait for
        }
        if (type === 'anti' && matched) return; // can never be emitted
        try {
          lefts.add(key, id, t, ctx.nextSeq(), el.value, matched ? MATCHED : 0);
        } catch (err) {
          ctx.refused('left', el, err);
        }
      },

      onRight(el: StreamRecord<R>) {
        const t = el.timestamp;
        const key = ctx.keyOf('right', el, rightKey, 'rightKey');
        if (key === undefined) return;
        const id = keyPartId(key);
        let matched = false;
        // the left rows of this key in [t - upperBound, t - lowerBound]
        const list = lefts.rowsOf(id);
        if (list !== undefined) {
          const rows = list.rows;
          const hi = t - lower;
          for (let i = lefts.lowerBoundTs(list, t - upper); i < rows.length; i++) {
            const l = rows[i]!;
            if (l.ts > hi) break;
            matched = true;
            if (pairs) {
              ctx.emit({ left: l.value, right: el.value }, t > l.ts ? t : l.ts, true);
              if (outerLeft && (l.flags & MATCHED) === 0) {
                l.flags |= MATCHED;
                lefts.changed(l);
              }
            } else found.push(l);
          }
        }
        if (found.length > 0) {
          // semi: each waiting left row is emitted now, once; anti: they can never be emitted.
          for (const l of found) {
            if (type === 'semi') ctx.emit({ left: l.value, right: undefined }, Math.max(t, l.ts), false);
            lefts.remove(l);
          }
          found.length = 0;
        }
        try {
          rights.add(key, id, t, ctx.nextSeq(), el.value, matched ? MATCHED : 0);
        } catch (err) {
          ctx.refused('right', el, err);
        }
      },

      advance(wm: number) {
        // Rows whose every possible partner would now be late leave state.
        lefts.expire(m.leftExpiredBy(wm), (l) => {
          if ((outerLeft || type === 'anti') && (l.flags & MATCHED) === 0) {
            ctx.emit({ left: l.value, right: undefined }, m.unmatchedLeftTime(l.ts), false);
          }
          lefts.remove(l);
        });
        rights.expire(m.rightExpiredBy(wm), (r) => {
          if (outerRight && (r.flags & MATCHED) === 0) {
            ctx.emit({ left: undefined, right: r.value }, m.unmatchedRightTime(r.ts), false);
          }
          rights.remove(r);
        });
      },

      outputWatermark: (wm) => wm - lateness,

      flush() {
        lefts.flush();
        rights.flush();
      },
      capture: () => captureSides(lefts, rights),
    };
  }) as unknown as JoinOperator<L, IntervalJoinResult<L, R, T>>;
}
