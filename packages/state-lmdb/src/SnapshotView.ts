// Internal: what an LmdbStore snapshot reads through, an LMDB read transaction.
import type { Database } from 'lmdb';
import { StateError, type Entry } from '@weir/state';
import type { Resource } from './mergeScan';

const EMPTY = new Uint8Array(0);

/** A read transaction kept open for a snapshot (lmdb-js's `useReadTransaction()`). */
export interface HeldTransaction {
  done(): void;
}

// A snapshot nobody released keeps its read transaction (and LMDB's old pages) until collected.
const unreleased = new FinalizationRegistry<SnapshotView>((view) => view.release());

/** A snapshot's read transaction and the reads through it. */
export class SnapshotView implements Resource {
  #released = false;
  #storeClosed = false;

  constructor(
    private readonly data: Database<Uint8Array, Uint8Array>,
    private readonly txn: HeldTransaction,
    private readonly where: string,
    private readonly onRelease: (view: SnapshotView) => void,
  ) {}

  *entries(): Iterator<Entry> {
    if (this.#released) throw new StateError('IO', `${this.where}: the snapshot can no longer be read: it was released, or its store closed`);
    const range = this.data.getRange({ start: EMPTY, transaction: this.txn as never })[Symbol.iterator]();
    try {
      for (;;) {
        // An iteration under way when the snapshot is released may finish (lmdb-js holds the
        // transaction for its cursor); once the store is closed, the cursor must not be touched.
        if (this.#storeClosed) throw new StateError('IO', `${this.where}: the snapshot's store was closed while it was being read`);
        const next = range.next();
        if (next.done === true) return;
        yield [next.value.key, next.value.value];
      }
    } finally {
      if (!this.#storeClosed) range.return?.();
    }
  }

  /** Releases the read transaction if `snapshot` is garbage collected without being released. */
  watch(snapshot: object): void {
    unreleased.register(snapshot, this, this);
  }

  /** Lets the read transaction go (the snapshot's release). */
  release(): void {
    if (this.#released) return;
    this.#released = true;
    unreleased.unregister(this);
    this.onRelease(this);
    this.txn.done();
  }

  /** The store is closing: release, and stop any iteration under way. */
  close(): void {
    this.#storeClosed = true;
    this.release();
  }
}
