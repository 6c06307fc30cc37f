// Internal: the rows one side of a join had waiting at a barrier, captured there and encoded after
// it (docs/architecture.md §5.3, deferred entries).
import { encodeValue, type Entry, type StateStore } from '@weir/state';
import type { JoinKeys } from './joinState';
import type { Row } from './SideBuffer';

/**
 * What a side buffer's snapshot still needs at a barrier: its waiting rows, each with its flags and
 * value as they were then (the flags copied; a value is never changed in place, only replaced).
 * As an iterator it yields each row's store entry, `[key, flags + msgpack(value)]`, encoded when
 * asked for; nothing it yields depends on when.
 *
 * The rows are not written to the store at the barrier: each goes into it when its entry is made,
 * unless it left the buffer meanwhile (it must not come back), or a later capture or write took it
 * over (`row.captured` names the capture that owns the row's next write). Until then the buffer
 * holds it as pending, so that a later barrier captures it again if it is still not in the store.
 */
export class RowCapture<V> implements Iterator<Entry> {
  readonly rows: Row<V>[] = [];
  readonly flags: number[] = [];
  readonly values: V[] = [];
  #k = 0;

  constructor(
    readonly id: number,
    private readonly store: StateStore,
    private readonly keys: JoinKeys,
    private readonly section: number,
    private readonly where: string,
    /** The buffer's rows captured and not yet in the store (a row leaves once written). */
    private readonly pending: Set<Row<V>>,
  ) {}

  /** Captures `row` (the buffer made sure the store does not hold it). O(1). */
  push(row: Row<V>): void {
    row.captured = this.id;
    this.pending.add(row);
    this.rows.push(row);
    this.flags.push(row.flags);
    this.values.push(row.value);
  }

  /** The next row's entry: O(its value's encoding). */
  next(): IteratorResult<Entry> {
    const k = this.#k;
    if (k >= this.rows.length) return { done: true, value: undefined };
    this.#k = k + 1;
    const row = this.rows[k]!;
    const body = encodeValue(this.values[k], this.where);
    const value = new Uint8Array(body.length + 1);
    value[0] = this.flags[k]!;
    value.set(body, 1);
    const key = this.keys.rowView(this.section, row.key, row.ts, row.seq).slice();
    if (row.captured === this.id && !row.removed) {
      // the row as it was at the barrier is the latest the store can hold: a change since made it
      // wait again, and the next barrier captures it
      this.store.put(key, value);
      row.persisted = true;
      row.captured = 0;
      this.pending.delete(row);
    }
    this.rows[k] = undefined as never; // what the capture holds goes as it is encoded
    this.values[k] = undefined as never;
    return { done: false, value: [key, value] };
  }
}

/**
 * The captures of a join's side buffers, one after the other, as one iterator of entries
 * (`undefined` when none of them has a row to capture): what a join engine's `capture` returns.
 */
export function captureSides(...buffers: ReadonlyArray<{ capture(): Iterator<Entry> | undefined }>): Iterator<Entry> | undefined {
  const captures = buffers.map((b) => b.capture()).filter((c): c is Iterator<Entry> => c !== undefined);
  if (captures.length === 0) return undefined;
  let i = 0;
  return {
    next(): IteratorResult<Entry> {
      for (; i < captures.length; i++) {
        const next = captures[i]!.next();
        if (next.done !== true) return next;
      }
      return { done: true, value: undefined };
    },
  };
}
