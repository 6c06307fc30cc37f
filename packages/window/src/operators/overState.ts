// Internal: how overAggregate lays out its state in the store (docs/architecture.md §3, §6).
//
// Keyed entries start with the key's group (a big-endian u16, keyGroupOf of the encoded key)
// then the operator's name P, so one key group is one contiguous byte range and moves alone on a
// rescale; the one operator-scoped entry starts with FF FF, after every key group:
//   META  FF FF P 00         -> msgpack { watermark, nextSeq, counters, keyGroups } (written by
//                               statefulOperator of @weir/stream at barriers)
//   ROWS  u16(kg) P 02 key   -> msgpack [[timestamp, value], ...]: the key's last N rows, oldest
//                               first (a bounded queue: a new row drops the oldest once N are
//                               held); one entry per key, rewritten whole, so O(N) per record
// The operator-scoped section holds only META, so mergeWindowOperatorScope merges the slices of
// several workers on a rescale.
import { OperatorKeys, StateError, decodeValue, describeValue, type KeyPart } from '@weir/state';

/** The section tag of the per-key rows. */
export const ROWS = 0x02;

/** One row of a key's last rows: its event timestamp and the record's value. */
export type OverRow<T> = [timestamp: number, value: T];

/** Builds the keys of one overAggregate instance. */
export class OverKeys extends OperatorKeys {
  /** The ROWS key of a group key, without copying: valid until the next call. O(key length). */
  rowsView(key: KeyPart): Uint8Array {
    const w = this.keyedWriter(0, ROWS);
    const at = w.length;
    w.part(key);
    return this.fileUnderKeyGroup(at, w.length);
  }
}

/**
 * A key's rows, oldest first, from a stored entry (at most its last `n`, should `n` have been
 * lowered since it was written). Throws `StateError` `CORRUPTION` naming `where` for bytes that
 * are not a list of rows. O(rows).
 */
export function decodeRows<T>(bytes: Uint8Array, n: number, where: string): OverRow<T>[] {
  const rows = decodeValue<unknown>(bytes, where);
  if (!Array.isArray(rows)) {
    throw new StateError('CORRUPTION', `${where}: a key's stored rows must be a list of [timestamp, value], got ${describeValue(rows)}`);
  }
  for (const row of rows) {
    if (!Array.isArray(row) || row.length !== 2 || typeof row[0] !== 'number') {
      throw new StateError('CORRUPTION', `${where}: a stored row must be [timestamp, value], got ${describeValue(row)}`);
    }
  }
  return rows.length > n ? (rows.slice(rows.length - n) as OverRow<T>[]) : (rows as OverRow<T>[]);
}
