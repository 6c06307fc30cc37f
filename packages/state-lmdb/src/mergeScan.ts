// Internal: a scan of an LmdbStore, the committed entries merged with the pending writes.
import { compareBytes, type Entry } from '@weir/state';
import { TOMBSTONE_TAG, untagged } from './pendingWrites';

/** Scans of up to this many entries are collected when called, holding no read transaction. */
const EAGER_SCAN = 128;

/** An entry as an lmdb-js range yields it. */
export interface LmdbEntry {
  readonly key: Uint8Array;
  readonly value: Uint8Array;
}

/** Something a store must release before it closes (a scan or a snapshot still open). */
export interface Resource {
  close(): void;
}

/**
 * The merge of two key-ordered streams: the committed entries (an lmdb-js range iterator, bound
 * to its read transaction by its first `next()`) and the pending writes in the same range
 * (tagged values; a pending write wins over a committed entry of the same key, a tombstone hides
 * it). Closing it closes both iterators, which lets the read transaction go.
 */
class Merge implements Resource {
  private a: LmdbEntry | undefined;
  private b: Entry | undefined;
  private closed = false;

  constructor(
    private readonly committed: Iterator<LmdbEntry>,
    private readonly pending: Iterator<Entry> | undefined,
    private readonly onClose: (merge: Merge) => void,
  ) {
    this.a = this.nextCommitted();
    this.b = this.nextPending();
  }

  next(): Entry | undefined {
    for (;;) {
      const a = this.a;
      const b = this.b;
      if (b === undefined) {
        if (a === undefined) return undefined;
        this.a = this.nextCommitted();
        return [a.key, a.value];
      }
      const order = a === undefined ? 1 : compareBytes(a.key, b[0]);
      if (order < 0) {
        this.a = this.nextCommitted();
        return [a!.key, a!.value];
      }
      this.b = this.nextPending();
      if (order === 0) this.a = this.nextCommitted();
      if (b[1][0] !== TOMBSTONE_TAG) return [b[0], untagged(b[1])];
      // a tombstone: the key is deleted, skip it
    }
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.a = this.b = undefined;
    try {
      this.committed.return?.();
    } finally {
      this.pending?.return?.();
      this.onClose(this);
    }
  }

  private nextCommitted(): LmdbEntry | undefined {
    const r = this.committed.next();
    return r.done === true ? undefined : r.value;
  }

  private nextPending(): Entry | undefined {
    if (this.pending === undefined) return undefined;
    const r = this.pending.next();
    return r.done === true ? undefined : r.value;
  }
}

// A scan abandoned half-way (never iterated to its end, never `return()`ed) would keep its read
// transaction open: closing it when it is garbage collected is the safety net.
const abandoned = new FinalizationRegistry<Merge>((merge) => merge.close());

/**
 * The entries of a scan, a stable view as of this call: up to 128 are collected now and the
 * committed range's iterator closed (the common case: no read transaction outlives the call);
 * a longer scan continues lazily over the same read transaction, which is let go when the
 * iteration ends, is stopped (`break`, `return()`), or the store closes (`track` registers it).
 *
 * @param committed - the lmdb-js range iterator, not yet started
 * @param pending - the pending writes in the range (a stable view), or undefined if none
 * @param track - registers the open scan with its store; the returned function unregisters it
 * @param checkOpen - throws when the store was closed since the scan began
 */
export function mergeScan(
  committed: Iterator<LmdbEntry>,
  pending: Iterator<Entry> | undefined,
  track: (scan: Resource) => () => void,
  checkOpen: () => void,
): IterableIterator<Entry> {
  let untrack: () => void = () => undefined;
  const merge = new Merge(committed, pending, (m) => {
    abandoned.unregister(m);
    untrack();
  });
  const first: Entry[] = [];
  let entry: Entry | undefined;
  try {
    while (first.length < EAGER_SCAN && (entry = merge.next()) !== undefined) first.push(entry);
  } catch (err) {
    merge.close();
    throw err;
  }
  if (entry === undefined) {
    merge.close();
    return first[Symbol.iterator]();
  }
  untrack = track(merge);
  const rest = continueScan(first, merge, checkOpen);
  abandoned.register(rest, merge, merge);
  return rest;
}

function* continueScan(first: Entry[], merge: Merge, checkOpen: () => void): IterableIterator<Entry> {
  try {
    yield* first;
    for (;;) {
      checkOpen();
      const entry = merge.next();
      if (entry === undefined) return;
      yield entry;
    }
  } finally {
    merge.close();
  }
}
