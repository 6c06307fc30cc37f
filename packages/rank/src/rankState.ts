// Internal: how rank operators lay out their state in the store (docs/architecture.md §4.5).
//
// A key's state starts with the key's group, a big-endian u16 (keyGroupOf of the encoded key),
// then the operator's name as a tuple string component P, so one key group is one contiguous byte
// range of the store; the meta entry starts with FF FF (above every key group):
//   META  FF FF P 00          -> msgpack { watermark, nextSeq, counters, keyGroups } (written by
//                                statefulOperator of @weir/stream at each barrier: META_SECTION)
//   KEPT  u16(kg) P 01 key(k) -> f64(ts) [msgpack(row)]   deduplicate: the kept row's time, and
//                                                         the row itself for keep 'last'
//   TOP   u16(kg) P 02 key(k) -> f64(ts) msgpack([row, ...])  topN: the time of the key's last
//                                                         change, its top rows, best first
// Expiry (the ttl option) follows from those times and the watermark and is rebuilt on restore,
// so nothing else is operator-scoped.
import { DEFAULT_KEY_GROUPS, OperatorKeys, describeValue, type Entry, type KeyPart, type StateStore } from '@weir/state';
import { RankError } from './RankError';

export const META = 0x00;
export const KEPT = 0x01;
export const TOP = 0x02;

/** Builds the keys of one rank operator instance (with key groups: see the layout above). */
export class RankKeys extends OperatorKeys {
  constructor(name: string, keyGroups: number = DEFAULT_KEY_GROUPS) {
    super(name, keyGroups);
  }

  /** The key of one key's entry in section `tag` (a copy the caller may keep). O(key length). */
  entry(tag: number, key: KeyPart): Uint8Array {
    const w = this.keyedWriter(0, tag);
    const at = w.length;
    w.part(key);
    return this.fileUnderKeyGroup(at, w.length).slice();
  }

  /** Every entry of section `tag`, one key group after another. O(keyGroups log n + entries). */
  *scan(store: StateStore, tag: number): Generator<Entry> {
    for (let kg = 0; kg < this.keyGroups!; kg++) yield* store.prefixScan(this.keyedSection(kg, tag));
  }
}

/**
 * On restore: the operator's state must have been written with the number of key groups it is
 * configured with (docs/architecture.md §4.5, §6), else its keys would be looked for under other
 * groups. Throws a RankError `INVALID_ARGUMENT` naming the operator and both numbers. O(1).
 */
export function checkStoredKeyGroups(where: string, keyGroups: number, meta: Readonly<Record<string, unknown>> | undefined): void {
  if (meta === undefined) return;
  const stored = meta['keyGroups'];
  if (stored !== keyGroups) {
    throw new RankError(
      'INVALID_ARGUMENT',
      `${where}: the restored state was written with ${typeof stored === 'number' ? stored : describeValue(stored)} key groups, but the operator is configured with keyGroups ${keyGroups}: a job's number of key groups is fixed for the life of its checkpoints`,
      keyGroups,
    );
  }
}

/** Bytes of the time every KEPT and TOP value starts with. */
export const TIME_BYTES = 8;

/** The time a KEPT or TOP value starts with (its f64). O(1). */
export function storedTimeOf(value: Uint8Array): number {
  return new DataView(value.buffer, value.byteOffset, TIME_BYTES).getFloat64(0);
}
