// The operator-scoped half of a rank operator's rescale (docs/architecture.md §4.5, §10): how the
// meta entries of several workers' slices become one worker's.
import { decodeTuple, decodeValue, describeValue, encodeValue, type OperatorScopeMerge } from '@weir/state';
import { RankError } from './RankError';
import { META } from './rankState';

const shown = (v: unknown): string => (typeof v === 'number' ? String(v) : describeValue(v));

/**
 * Merges the operator-scoped entries (keys `FF FF P ...`) of one rank operator
 * ({@link deduplicate}, {@link topN}) from the slices of several workers, for `restoreFromSlices`
 * of `@weir/state` (its `mergeOperatorScope`). A rank operator's only operator-scoped entry is its
 * META; every key's state moves with its key group untouched, and deduplicate's expiry heap is
 * rebuilt from it.
 *
 * - **watermark**: the minimum over the workers (no key expires before every worker passed it);
 * - **nextSeq**: the maximum;
 * - **counters**: summed;
 * - **keyGroups**: must be the same in every slice.
 *
 * Exact when the workers stopped at a common barrier. Cost: O(slices).
 *
 * @throws RankError `INVALID_ARGUMENT` naming the operator when the slices disagree on
 *   `keyGroups`, or hold an operator-scoped entry other than META (another operator kind's)
 *
 * @example
 * ```ts
 * const mine = keyGroupRangeOf(worker, workers, 128);
 * restoreFromSlices(store, oldSnapshots.map((s) => sliceKeyGroups(s, mine)), { range: mine, mergeOperatorScope: mergeRankOperatorScope });
 * ```
 */
export const mergeRankOperatorScope: OperatorScopeMerge = (operator, parts) => {
  const where = `mergeRankOperatorScope '${String(decodeTuple(operator)[0])}'`;
  const at = 2 + operator.length; // the section tag
  let meta: Record<string, unknown> | undefined;
  let metaKey: Uint8Array | undefined;
  for (const part of parts) {
    for (const [key, value] of part) {
      if (key.length !== at + 1 || key[at] !== META) {
        throw new RankError('INVALID_ARGUMENT', `${where}: an operator-scoped entry that is not a rank operator's meta entry: ${describeValue(key)} (is this operator a deduplicate or topN?)`, key);
      }
      const m = decodeValue<Record<string, unknown>>(value, where);
      if (meta === undefined) {
        meta = { ...m };
        metaKey = key;
        continue;
      }
      if (m['keyGroups'] !== meta['keyGroups']) {
        throw new RankError('INVALID_ARGUMENT', `${where}: the slices were written with different numbers of key groups: ${shown(meta['keyGroups'])} and ${shown(m['keyGroups'])}`, m['keyGroups']);
      }
      const a = meta['watermark'];
      const b = m['watermark'];
      meta['watermark'] = typeof a === 'number' && typeof b === 'number' ? Math.min(a, b) : (a ?? b);
      meta['nextSeq'] = Math.max(Number(meta['nextSeq'] ?? 0), Number(m['nextSeq'] ?? 0));
      const ca = (meta['counters'] ?? {}) as Record<string, unknown>;
      const cb = (m['counters'] ?? {}) as Record<string, unknown>;
      const sum: Record<string, unknown> = { ...ca };
      for (const [name, v] of Object.entries(cb)) sum[name] = typeof v === 'number' && typeof ca[name] === 'number' ? (ca[name] as number) + v : (ca[name] ?? v);
      meta['counters'] = sum;
    }
  }
  return meta === undefined ? [] : [[metaKey!, encodeValue(meta, where)]];
};
