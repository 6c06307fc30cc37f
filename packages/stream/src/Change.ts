/**
 * How one row of a changelog stream changes the result it describes (Flink's `RowKind`, folded to
 * the two a consumer needs):
 * - `insert`: the row is now part of the result;
 * - `retract`: a row emitted earlier (equal to this one) is no longer part of it.
 *
 * An update is a `retract` of the old row followed by an `insert` of the new one, in that order,
 * with the same timestamp, so a consumer that applies them in order never sees both.
 */
export type ChangeKind = 'insert' | 'retract';

/**
 * One row of a changelog stream: what updating operators (the regular join, top-N, deduplication
 * keeping the last row) emit inside a record, so a downstream operator or sink can apply the
 * result incrementally.
 *
 * @typeParam T - the row type
 * @example
 * ```ts
 * // the top bid of auction 7 moved from 10 to 12:
 * { kind: 'retract', row: { auction: 7, price: 10 } }
 * { kind: 'insert', row: { auction: 7, price: 12 } }
 * ```
 */
export interface Change<T> {
  /** Whether the row joins the result or leaves it. */
  readonly kind: ChangeKind;
  /** The row. */
  readonly row: T;
}

/**
 * The insert of `row`.
 *
 * @example
 * ```ts
 * insertRow({ user: 'ann' }) // { kind: 'insert', row: { user: 'ann' } }
 * ```
 */
export function insertRow<T>(row: T): Change<T> {
  return { kind: 'insert', row };
}

/**
 * The retraction of `row` (a row emitted earlier, equal to it).
 *
 * @example
 * ```ts
 * retractRow({ user: 'ann' }) // { kind: 'retract', row: { user: 'ann' } }
 * ```
 */
export function retractRow<T>(row: T): Change<T> {
  return { kind: 'retract', row };
}

/**
 * Applies a changelog to a multiset of rows keyed by `keyOf` (a row's identity, e.g. its JSON):
 * the result it describes. Cost: O(changes). Useful in tests and sinks that materialize a result;
 * a retraction of a row that is not present throws a `RangeError` naming it (the changelog is
 * inconsistent).
 *
 * @example
 * ```ts
 * applyChanges([insertRow(1), insertRow(2), retractRow(1)], String) // Map { '2' => { row: 2, count: 1 } }
 * ```
 */
export function applyChanges<T>(changes: Iterable<Change<T>>, keyOf: (row: T) => string): Map<string, { row: T; count: number }> {
  const out = new Map<string, { row: T; count: number }>();
  for (const c of changes) {
    const k = keyOf(c.row);
    const cur = out.get(k);
    if (c.kind === 'insert') {
      if (cur) cur.count++;
      else out.set(k, { row: c.row, count: 1 });
    } else {
      if (!cur) throw new RangeError(`applyChanges: retraction of a row that is not in the result: ${k}`);
      if (--cur.count === 0) out.delete(k);
    }
  }
  return out;
}
