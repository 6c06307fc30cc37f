import type { OperatorScopeMerge } from './sliceKeyGroups';
import { decodeTuple } from './keyCodec';
import { StateError } from './StateError';
import { toHex } from './toHex';

/**
 * One {@link OperatorScopeMerge} for a store that several kinds of operator share (a window and a
 * join in one store, say): it reads the operator's name from its prefix and hands its entries to
 * the merge given for that name. `restoreFromSlices` and a partitioned job's rescale take a single
 * merge; this is how each operator gets its own rule (a window's `mergeWindowOperatorScope`, a
 * join's `mergeJoinOperatorScope`). An operator with no merge in `byOperator` uses `fallback`, or
 * fails with `StateError` `INVALID_ARGUMENT` naming it and the operators that have one, so no
 * operator's state is ever merged by another kind's rule. Cost: one decode of the short prefix per
 * operator and rescale.
 *
 * @param byOperator - the merge of each operator, by the name its state is filed under
 * @param fallback - the merge of any operator not named (default: none, an error)
 *
 * @example
 * ```ts
 * const merge = mergeOperatorScopes({ views: mergeWindowOperatorScope, enriched: mergeJoinOperatorScope });
 * restoreFromSlices(store, slices, { range, mergeOperatorScope: merge });
 * ```
 */
export function mergeOperatorScopes(byOperator: Readonly<Record<string, OperatorScopeMerge>>, fallback?: OperatorScopeMerge): OperatorScopeMerge {
  if (typeof byOperator !== 'object' || byOperator === null) {
    throw new StateError('INVALID_ARGUMENT', `mergeOperatorScopes: byOperator must be an object of merges by operator name, got ${String(byOperator)}`);
  }
  const merges = new Map<string, OperatorScopeMerge>();
  for (const [name, merge] of Object.entries(byOperator)) {
    if (typeof merge !== 'function') throw new StateError('INVALID_ARGUMENT', `mergeOperatorScopes: the merge of operator '${name}' must be a function, got ${typeof merge}`);
    merges.set(name, merge);
  }
  if (fallback !== undefined && typeof fallback !== 'function') throw new StateError('INVALID_ARGUMENT', `mergeOperatorScopes: fallback must be a function, got ${typeof fallback}`);
  return (operator, parts, range) => {
    const decoded = decodeTuple(operator);
    const name = decoded.length === 1 && typeof decoded[0] === 'string' ? decoded[0] : undefined;
    const merge = (name !== undefined ? merges.get(name) : undefined) ?? fallback;
    if (merge === undefined) {
      const known = [...merges.keys()].map((n) => `'${n}'`).join(', ') || 'none';
      throw new StateError(
        'INVALID_ARGUMENT',
        `mergeOperatorScopes: no merge for operator ${name !== undefined ? `'${name}'` : `prefix ${toHex(operator)}`} (merges given for: ${known})`,
      );
    }
    return merge(operator, parts, range);
  };
}
