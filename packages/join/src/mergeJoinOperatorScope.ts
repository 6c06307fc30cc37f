// The operator-scoped half of a join operator's rescale (docs/architecture.md §4.3, §6): how the
// meta entries of several workers' slices become one worker's.
import { decodeTuple, decodeValue, describeValue, encodeValue, type OperatorScopeMerge } from '@weir/state';
import { JoinError } from './JoinError';
import { META } from './joinState';
import { isRegularJoinScoped, mergeRegularJoinScope } from './regularJoinState';

const shown = (v: unknown): string => (typeof v === 'number' ? String(v) : describeValue(v));
const min = (a: unknown, b: unknown): unknown => (typeof a === 'number' && typeof b === 'number' ? Math.min(a, b) : (a ?? b));

/**
 * Merges the operator-scoped entries (keys `FF FF P ...`) of one join operator (interval, as-of,
 * lookup or temporal) from the slices of several workers, for `restoreFromSlices` of
 * `@weir/state` (its `mergeOperatorScope`), so a worker of a rescaled job continues the join for
 * the key groups it now owns. A join's operator-scoped entry is its META (and, for a regular
 * join, its TTL timers and expiry counts); its rows are all keyed (they move with their key group,
 * untouched), and the other joins' timers (row expiry, pending emissions) follow from the rows and
 * the watermark on restore.
 *
 * - **watermark** and **inputs** (each input's watermark): the minimum over the workers (no row
 *   expires, and no answer is final, before every worker's input passed it);
 * - **nextSeq**: the maximum (rows added later never reuse a number, so a key's rows keep their
 *   arrival order);
 * - **counters**: summed (records in, matches emitted, ... over the workers);
 * - **keyGroups**: must be the same in every slice;
 * - a regular join's **TTL timers**: those of rows in the owned key groups (`range`), and its
 *   **expiry counts** summed.
 *
 * Exact when the workers' watermarks agree, which a stop at a common barrier gives (they read the
 * same partitions' watermarks). Cost: O(slices).
 *
 * @throws JoinError `INVALID_ARGUMENT` naming the operator when the slices disagree on
 *   `keyGroups`, or hold an operator-scoped entry other than META (another operator kind's
 *   entries: merge those with that kind's function)
 *
 * @example
 * ```ts
 * const mine = keyGroupRangeOf(worker, workers, 128);
 * restoreFromSlices(store, oldSnapshots.map((s) => sliceKeyGroups(s, mine)), { range: mine, mergeOperatorScope: mergeJoinOperatorScope });
 * ```
 */
export const mergeJoinOperatorScope: OperatorScopeMerge = (operator, parts, range) => {
  const where = `mergeJoinOperatorScope '${String(decodeTuple(operator)[0])}'`;
  const at = 2 + operator.length; // the section tag
  let meta: Record<string, unknown> | undefined;
  let metaKey: Uint8Array | undefined;
  const regular: Array<readonly [Uint8Array, Uint8Array]> = []; // regularJoin's TTL timers and expiry counts
  for (const part of parts) {
    for (const [key, value] of part) {
      if (isRegularJoinScoped(key, at)) {
        regular.push([key, value]);
        continue;
      }
      if (key.length !== at + 1 || key[at] !== META) {
        throw new JoinError('INVALID_ARGUMENT', `${where}: an operator-scoped entry that is not a join's meta entry: ${describeValue(key)} (is this operator a join?)`, key);
      }
      const m = decodeValue<Record<string, unknown>>(value, where);
      if (meta === undefined) {
        meta = { ...m };
        metaKey = key;
        continue;
      }
      if (m['keyGroups'] !== meta['keyGroups']) {
        throw new JoinError('INVALID_ARGUMENT', `${where}: the slices were written with different numbers of key groups: ${shown(meta['keyGroups'])} and ${shown(m['keyGroups'])}`, m['keyGroups']);
      }
      meta['watermark'] = min(meta['watermark'], m['watermark']);
      meta['nextSeq'] = Math.max(Number(meta['nextSeq'] ?? 0), Number(m['nextSeq'] ?? 0));
      const a = meta['inputs'];
      const b = m['inputs'];
      if (Array.isArray(a) && Array.isArray(b)) meta['inputs'] = [min(a[0], b[0]), min(a[1], b[1])];
      else meta['inputs'] = a ?? b;
      const ca = (meta['counters'] ?? {}) as Record<string, unknown>;
      const cb = (m['counters'] ?? {}) as Record<string, unknown>;
      const sum: Record<string, unknown> = { ...ca };
      for (const [name, v] of Object.entries(cb)) sum[name] = typeof v === 'number' && typeof ca[name] === 'number' ? (ca[name] as number) + v : (ca[name] ?? v);
      meta['counters'] = sum;
    }
  }
  const merged = regular.length === 0 ? [] : mergeRegularJoinScope(where, at, regular, range);
  return meta === undefined ? merged : [[metaKey!, encodeValue(meta, where)], ...merged];
};
