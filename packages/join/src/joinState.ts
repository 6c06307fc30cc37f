// Internal: how join operators lay out their state in the store (docs/architecture.md §4.3).
//
// Rows (the state of one join key) start with the key's group, a big-endian u16 (keyGroupOf of
// the encoded join key), then the operator's name as a tuple string component P, so that one key
// group is one contiguous byte range of the store; the operator's own entry starts with FF FF
// (no key group reaches 0xFFFF), after every key group (OperatorKeys of @weir/state):
//   META  FF FF P 00                      -> msgpack { watermark, nextSeq, counters, inputs,
//                                             keyGroups } (written by statefulOperator of
//                                             @weir/stream at each barrier: META_SECTION;
//                                             `inputs` are the two inputs' watermarks)
//   LEFT  u16(kg) P 01 key int(ts) int(seq) -> [flags] msgpack(value)  buffered / pending left rows
//   RIGHT u16(kg) P 02 key int(ts) int(seq) -> [flags] msgpack(value)  buffered right rows, table
//                                                                     rows (ts = seq = 0) or
//                                                                     versions (seq = 0)
// Rows of one key are contiguous and in time order (a key has one group), so a probe is a range
// scan of one key's rows between two timestamps, and restore reads each key's rows in order.
import { DEFAULT_KEY_GROUPS, OperatorKeys, describeValue, type Entry, type KeyPart, type StateStore } from '@weir/state';
import { JoinError } from './JoinError';

export const META = 0x00;
export const LEFT = 0x01;
export const RIGHT = 0x02;

/** Builds the keys of one join operator instance (with key groups: see the layout above). */
export class JoinKeys extends OperatorKeys {
  constructor(name: string, keyGroups: number = DEFAULT_KEY_GROUPS) {
    super(name, keyGroups);
  }

  /** The key of one row. O(key length). */
  row(tag: number, key: KeyPart, ts: number, seq: number): Uint8Array {
    return this.rowView(tag, key, ts, seq).slice();
  }

  /**
   * The key of one row without a copy: valid until the next key is built. For store calls, which
   * copy (put) or only read (delete) their key. O(key length): the key part is encoded once, for
   * the key and for its group's hash.
   */
  rowView(tag: number, key: KeyPart, ts: number, seq: number): Uint8Array {
    const w = this.keyedWriter(0, tag);
    const at = w.length;
    w.part(key);
    const end = w.length;
    w.int(ts).int(seq);
    return this.fileUnderKeyGroup(at, end);
  }

  /**
   * Every row of section `tag` (LEFT or RIGHT), one key group after another: one prefix scan per
   * key group, so each key's rows come in (ts, seq) order. O(keyGroups log n + rows).
   */
  *scanRows(store: StateStore, tag: number): Generator<Entry> {
    for (let kg = 0; kg < this.keyGroups!; kg++) yield* store.prefixScan(this.keyedSection(kg, tag));
  }
}

/**
 * On restore: the operator's state must have been written with the number of key groups it is
 * configured with (docs/architecture.md §4.3, §6), else its rows would be looked for under other
 * groups. Also refuses state of the layout before key groups (a meta entry under `P 00`), which
 * the operator would otherwise silently ignore. Throws a JoinError `INVALID_ARGUMENT` naming the
 * operator and both numbers. O(1).
 */
export function checkStoredKeyGroups(o: { readonly store: StateStore; readonly name: string; readonly where: string; readonly keyGroups: number }, meta: Readonly<Record<string, unknown>> | undefined): void {
  if (meta === undefined) {
    if (o.store.get(new OperatorKeys(o.name).section(META)) !== undefined) {
      throw new JoinError(
        'INVALID_ARGUMENT',
        `${o.where}: the store holds this operator's state in the layout without key groups (a checkpoint from before key groups); it cannot be restored with keyGroups ${o.keyGroups}`,
        o.keyGroups,
      );
    }
    return;
  }
  const stored = meta['keyGroups'];
  if (stored !== o.keyGroups) {
    throw new JoinError(
      'INVALID_ARGUMENT',
      `${o.where}: the restored state was written with ${typeof stored === 'number' ? stored : describeValue(stored)} key groups, but the operator is configured with keyGroups ${o.keyGroups}: a job's number of key groups is fixed for the life of its checkpoints`,
      o.keyGroups,
    );
  }
}
