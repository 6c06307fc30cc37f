// The key query of a lookup or temporal join (docs/architecture.md §9): a key's current table row,
// read from the engine's decoded view of its table, which is what the join matches against (its
// changes wait in the write-back cache of the row buffer before they reach the store).
import { asKeyPart, describeValue, type KeyPart } from '@weir/state';
import type { OperatorQuery } from '@weir/stream';
import { JoinError } from './JoinError';

/**
 * The answer of a lookup or temporal join's key query (`job.view().query(name)?.query(key)`,
 * served as `/query/<operator>?key=…`): the row a left record of that key would be joined with
 * now, read live through the operator's write-back cache.
 */
export interface TableRowState<R> {
  readonly kind: 'row';
  /** The key asked for. */
  readonly key: KeyPart;
  /** Whether the table holds a row for it (a deleted row is not found). */
  readonly found: boolean;
  /** The key's current row, `undefined` when not found. */
  readonly row: R | undefined;
  /**
   * For a temporal join: the version time of that row (the latest version the operator holds),
   * or `undefined` when not found; absent for a lookup join, whose table has no event time.
   */
  readonly version?: number | undefined;
}

/** What an engine gives the query: a key's current row (and its version time), or `undefined`. */
export type CurrentRowOf = (key: KeyPart) => { readonly row: unknown; readonly version?: number } | undefined;

/**
 * Internal: the key query of one subscription of a table join. O(1) for a lookup join (a probe of
 * its decoded table view), O(log versions of the key) for a temporal join; it never changes the
 * operator's state. A key that cannot be a table key is a JoinError `INVALID_KEY`.
 */
export function tableQuery<R>(where: string, temporal: boolean, rowOf: CurrentRowOf): OperatorQuery {
  return {
    kind: 'row',
    query(raw: KeyPart): TableRowState<R> {
      const key = asKeyPart(raw);
      if (key === undefined) {
        throw new JoinError('INVALID_KEY', `${where}: a table key must be a string, a safe integer, a 64-bit bigint or a Uint8Array, got ${describeValue(raw)}`, raw);
      }
      const got = rowOf(key);
      const found = got !== undefined;
      const row = got?.row as R | undefined;
      return temporal ? { kind: 'row', key, found, row, version: got?.version } : { kind: 'row', key, found, row };
    },
  };
}
