// Internal: how regularJoin lays out its state in the store (docs/architecture.md §4.3, "Regular
// join"). Besides the META entry every join writes (joinHarness):
//   LEFT   u16(kg) P 01 key(k) id       -> msgpack([value, updatedAt, matches])  one row of the left side
//   RIGHT  u16(kg) P 02 key(k) id       -> msgpack([value, updatedAt, matches])  one row of the right side
//   TIMER  FF FF P 03 int(due) bytes(row key) -> the row key               the TTL index, by due time
//   STATS  FF FF P 04                   -> msgpack({ expiredLeft, expiredRight })
// `id` is the row's primary key for a side with one (a later row with the same join key and
// primary key lands on the same entry), else its sequence number. `matches` counts the other
// side's rows the row was joined with (outer joins read it to know when a padded row is due).
// The TIMER index sorts by due time (updatedAt + ttl), so the rows due at a watermark are one
// range scan, O(log n + due); its value names the row, and its first two bytes the row's key group.
import { decodeValue, toHex, describeValue, encodeValue, type Entry, type KeyGroupRange, type KeyPart } from '@weir/state';
import { JoinError } from './JoinError';
import { JoinKeys } from './joinState';

export const TIMER = 0x03;
export const STATS = 0x04;

/** One stored row: its value, the event time of its last write, its match count. */
export type StoredRow<V> = [value: V, updatedAt: number, matches: number];

/** The keys of one regular join instance (on top of {@link JoinKeys}). */
export class RegularJoinKeys extends JoinKeys {
  /** `u16(kg) P tag key(k)`: the prefix of every row of join key `key` on side `tag`. O(key length). */
  rowsOf(tag: number, key: KeyPart): Uint8Array {
    const w = this.keyedWriter(0, tag);
    const at = w.length;
    w.part(key);
    return this.fileUnderKeyGroup(at, w.length).slice();
  }

  /** `u16(kg) P tag key(k) id`: one row. O(key length). */
  rowKey(tag: number, key: KeyPart, id: KeyPart): Uint8Array {
    const w = this.keyedWriter(0, tag);
    const at = w.length;
    w.part(key);
    const end = w.length;
    w.part(id);
    return this.fileUnderKeyGroup(at, end).slice();
  }

  /** `FF FF P 03 int(due) bytes(rowKey)`: the TTL timer of one row. */
  timer(due: number, rowKey: Uint8Array): Uint8Array {
    return this.scopedWriter(TIMER).int(due).bytes(rowKey).finish();
  }

  /** The end (exclusive) of the timers due at or before `wm`. */
  timersEnd(wm: number): Uint8Array {
    return this.scopedWriter(TIMER).int(Math.floor(wm) + 1).finish();
  }

  /** The side tag (LEFT or RIGHT) of a row key. */
  sideOf(rowKey: Uint8Array): number {
    return rowKey[this.componentsAt - 1]!;
  }
}

/** Encodes a stored row (throws StateError SERIALIZATION when the value cannot be stored). */
export const encodeRow = <V>(row: StoredRow<V>, where: string): Uint8Array => encodeValue(row, where);
/** Decodes a stored row. */
export const decodeRow = <V>(bytes: Uint8Array, where: string): StoredRow<V> => decodeValue<StoredRow<V>>(bytes, where);

/**
 * The rescale merge of a regular join's own operator-scoped entries (called by
 * mergeJoinOperatorScope for tags TIMER and STATS): timers of the key groups in `range` (their
 * value is the row key, whose first two bytes are its group), and the expiry counts summed.
 * O(entries).
 */
export function mergeRegularJoinScope(where: string, at: number, entries: readonly Entry[], range: KeyGroupRange): Array<readonly [Uint8Array, Uint8Array]> {
  const out: Array<readonly [Uint8Array, Uint8Array]> = [];
  let statsKey: Uint8Array | undefined;
  const sums: Record<string, number> = {};
  for (const [key, value] of entries) {
    if (key[at] === TIMER) {
      if (value.length < 2) throw new JoinError('INVALID_ARGUMENT', `${where}: a TTL timer without its row key: ${describeValue(key)}`, key);
      if (range.contains((value[0]! << 8) | value[1]!)) out.push([key, value]);
    } else {
      statsKey = key;
      const s = decodeValue<Record<string, unknown>>(value, where);
      for (const [name, v] of Object.entries(s)) if (typeof v === 'number') sums[name] = (sums[name] ?? 0) + v;
    }
  }
  // a timer may come from several slices only if they overlapped: keep one of each
  const seen = new Set<string>();
  const timers = out.filter(([k]) => {
    const id = toHex(k);
    if (seen.has(id)) return false;
    seen.add(id);
    return true;
  });
  if (statsKey !== undefined) timers.push([statsKey, encodeValue(sums, where)]);
  return timers;
}

/** Whether an operator-scoped key (section tag at `at`) is one of regularJoin's own. */
export const isRegularJoinScoped = (key: Uint8Array, at: number): boolean =>
  (key[at] === TIMER && key.length > at + 1) || (key[at] === STATS && key.length === at + 1);
