// Internal: a frozen point-in-time view of an InMemoryStore's entries (what a StateSnapshot holds),
// and the builder that makes one from entries in key order (decoding, restoring a source).
import { PAGE_IDS, Page, type PageTable, nextVersion } from './EntryPages';
import { BUILD_BRANCH_FILL, BUILD_FILL, Branch, LEAF_MAX, Leaf, type TreeNode } from './KeyTree';
import { hashRange } from './HashIndex';

/**
 * The tree root and page table of a store at one moment; nothing reachable from it is ever
 * written again (copy on write, see KeyTree and EntryPages).
 */
export interface StoreView {
  readonly root: TreeNode;
  readonly pages: PageTable;
  readonly len: number;
  readonly sizeBytes: number;
}

/** Builds a view from entries added in strictly increasing key order: O(n), no per-entry objects. */
export class ViewBuilder {
  private readonly v = nextVersion();
  private readonly pages: Page[] = [];
  private readonly leaves: Leaf[] = [];
  private page: Page | undefined;
  private leaf: Leaf | undefined;
  private count = 0;
  private bytes = 0;
  /** Per entry (id), the hash of its key, when asked for (a store restoring builds its index from them). */
  readonly hashes: Int32Array | undefined;

  constructor(expected: number, withHashes: boolean) {
    this.hashes = withHashes ? new Int32Array(expected) : undefined;
  }

  /** Adds the entry whose key is `keySrc[keyAt, keyAt + keyLen)` and value `valueSrc[valueAt, valueAt + valueLen)`. */
  add(keySrc: Uint8Array, keyAt: number, keyLen: number, valueSrc: Uint8Array, valueAt: number, valueLen: number): void {
    const id = this.count++;
    const need = keyLen + valueLen;
    this.bytes += need;
    if (this.hashes !== undefined) this.hashes[id] = hashRange(keySrc, keyAt, keyAt + keyLen);
    // the record
    let page = this.page;
    if ((id & (PAGE_IDS - 1)) === 0) {
      if (page !== undefined) trimPage(page);
      page = this.page = Page.empty(this.v, Math.min(need * PAGE_IDS, 1 << 16));
      this.pages.push(page);
    }
    page = page!;
    if (page.used + need > page.bytes.length) page.resize(Math.max(page.used + need, page.bytes.length + (page.bytes.length >> 1)));
    const off = page.used;
    page.bytes.set(keySrc.subarray(keyAt, keyAt + keyLen), off);
    page.bytes.set(valueSrc.subarray(valueAt, valueAt + valueLen), off + keyLen);
    page.used += need;
    page.live += need;
    const m = (id & (PAGE_IDS - 1)) * 4;
    page.meta[m] = off;
    page.meta[m + 1] = keyLen;
    page.meta[m + 2] = valueLen;
    page.meta[m + 3] = need;
    // the key in the tree
    let leaf = this.leaf;
    if (leaf === undefined || leaf.n === BUILD_FILL) {
      leaf = this.leaf = Leaf.empty(this.v, Math.ceil(keyLen * BUILD_FILL * 1.1));
      this.leaves.push(leaf);
    }
    const end = leaf.ints[LEAF_MAX + leaf.n]!;
    if (end + keyLen > leaf.kb.length) leaf.reserve(Math.max(end + keyLen, leaf.kb.length * 2));
    const ints = leaf.ints;
    leaf.kb.set(keySrc.subarray(keyAt, keyAt + keyLen), end);
    ints[leaf.n] = id;
    ints[LEAF_MAX + leaf.n + 1] = end + keyLen;
    leaf.n++;
  }

  /** The view of every entry added. */
  finish(): StoreView {
    if (this.page !== undefined) trimPage(this.page);
    // Free ids of the last page stay free (meta offset -1): Page.empty marks them so.
    let level: TreeNode[] = this.leaves;
    while (level.length > 1) {
      const up: TreeNode[] = [];
      for (let i = 0; i < level.length; i += BUILD_BRANCH_FILL) {
        const children = level.slice(i, i + BUILD_BRANCH_FILL);
        up.push(Branch.of(this.v, children.map(firstKeyOf), children));
      }
      level = up;
    }
    const root = level[0] ?? Leaf.empty(this.v, 0);
    return { root, pages: this.pages, len: this.count, sizeBytes: this.bytes };
  }
}

function firstKeyOf(node: TreeNode): Uint8Array {
  return node instanceof Leaf ? node.key(0) : node.seps.key(0);
}

/** Gives a finished page's unused tail back when it is large. */
function trimPage(page: Page): void {
  if (page.bytes.length - page.used > page.used >> 3) page.resize(page.used);
}
