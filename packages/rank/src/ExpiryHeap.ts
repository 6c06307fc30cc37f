// Internal: a lazy min-heap of (due time, store key), for the rank operators' ttl. An entry may be stale
// (its key was renewed or removed since): the caller checks the stored state when it pops. It is
// derived state, rebuilt from the store on restore (docs/architecture.md §3.5), like a join's
// row-expiry heap.

import type { StateStore } from '@weir/state';
import { storedTimeOf } from './rankState';

interface Due {
  readonly due: number;
  readonly key: Uint8Array;
}

/** A binary min-heap on `due`. push and pop O(log n). */
export class ExpiryHeap {
  readonly #items: Due[] = [];

  get size(): number {
    return this.#items.length;
  }

  push(due: number, key: Uint8Array): void {
    const a = this.#items;
    a.push({ due, key });
    let i = a.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (a[p]!.due <= a[i]!.due) break;
      [a[p], a[i]] = [a[i]!, a[p]!];
      i = p;
    }
  }

  /** The key of the earliest entry if it is due at `wm` (removed), else `undefined`. */
  popDue(wm: number): Uint8Array | undefined {
    const a = this.#items;
    const top = a[0];
    if (top === undefined || top.due > wm) return undefined;
    const last = a.pop()!;
    if (a.length > 0) {
      a[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < a.length && a[l]!.due < a[m]!.due) m = l;
        if (r < a.length && a[r]!.due < a[m]!.due) m = r;
        if (m === i) break;
        [a[m], a[i]] = [a[i]!, a[m]!];
        i = m;
      }
    }
    return top.key;
  }

  /**
   * Deletes from `store` every key due at `wm` whose stored time plus `ttl` is not after `wm`
   * (an entry whose key was renewed or removed since it was pushed is skipped); returns how many
   * were deleted. O(k log n) for k due entries.
   */
  expireDue(wm: number, store: StateStore, ttl: number): number {
    let expired = 0;
    for (let at = this.popDue(wm); at !== undefined; at = this.popDue(wm)) {
      const stored = store.get(at);
      if (stored === undefined || storedTimeOf(stored) + ttl > wm) continue;
      store.delete(at);
      expired++;
    }
    return expired;
  }
}
