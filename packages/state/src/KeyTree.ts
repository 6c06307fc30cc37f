// Internal: the ordered index of InMemoryStore: a copy-on-write B+ tree from key bytes to entry id.
//
// A leaf holds up to 128 keys as bytes back to back and, per key, its entry id and start offset,
// all in ONE ArrayBuffer (an Int32Array view for the ids and offsets, a Uint8Array view for the
// key bytes): a leaf is one buffer and three small objects for up to 128 entries, and a binary
// search within a leaf reads one contiguous buffer. A branch holds its children and, per child, a
// lower bound of its keys, the separators, packed the same way into one key list (a Leaf whose
// ids are unused): `seps[i]` routes from i = 1, `seps[0]` is what the parent routes by. So a
// million keys are about 12k buffers for the garbage collector to trace and sweep (two per leaf
// and one per separator before: ~70k).
//
// Copy on write: every node records the version it was made in, and a tree writes only nodes of
// its own version, copying the path from the root down to the node it changes otherwise.
// `share()` renews the version, so every node reachable from the root at that moment is frozen:
// an O(1) snapshot.

import { nextVersion } from './EntryPages';

/** Entries per leaf at most. */
export const LEAF_MAX = 128;
/** Children per branch at most (its separator list holds one more before the branch splits). */
const BRANCH_MAX = 64;
/** Entries per leaf, and children per branch, when a tree is built from sorted input. */
export const BUILD_FILL = 112;
/** Children per branch when a tree is built from sorted input. */
export const BUILD_BRANCH_FILL = 56;
/** A leaf this small is merged into a neighbour when they fit together in BUILD_FILL entries. */
const LEAF_MIN = LEAF_MAX >> 2;
/** Int32s before the key bytes: LEAF_MAX ids, then LEAF_MAX + 1 offsets. */
const INTS = LEAF_MAX * 2 + 1;
/** Bytes of the Int32 part, rounded up to 8 (the key bytes follow). */
const INTS_BYTES = (INTS * 4 + 7) & ~7;
const MIN_KEY_BYTES = 64;

/**
 * A leaf: `ints[0..LEAF_MAX)` are entry ids, `ints[LEAF_MAX + i]` is where key i starts in `kb`
 * (`ints[LEAF_MAX + n]` its end). `ints` and `kb` are views of one buffer, replaced together when
 * the key bytes outgrow it ({@link reserve}). A branch's separators are a Leaf too (ids unused).
 */
export class Leaf {
  constructor(
    readonly v: number,
    public n: number,
    public ints: Int32Array,
    public kb: Uint8Array,
  ) {}

  static empty(v: number, keyBytes: number): Leaf {
    const buf = new ArrayBuffer(INTS_BYTES + Math.max(MIN_KEY_BYTES, keyBytes));
    return new Leaf(v, 0, new Int32Array(buf, 0, INTS), new Uint8Array(buf, INTS_BYTES));
  }

  /** A leaf of the keys, in order (ids 0): a branch's separators. */
  static ofKeys(v: number, keys: readonly Uint8Array[]): Leaf {
    let bytes = 0;
    for (const k of keys) bytes += k.length;
    const leaf = Leaf.empty(v, bytes);
    for (const k of keys) leafInsert(leaf, leaf.n, k, 0);
    return leaf;
  }

  copy(v: number): Leaf {
    const buf = (this.ints.buffer as ArrayBuffer).slice(0);
    return new Leaf(v, this.n, new Int32Array(buf, 0, INTS), new Uint8Array(buf, INTS_BYTES));
  }

  /** Makes room for `keyBytes` bytes of keys in all (moving to a larger buffer if need be). */
  reserve(keyBytes: number): void {
    if (keyBytes <= this.kb.length) return;
    const used = this.ints[LEAF_MAX + this.n]!;
    const size = Math.max(keyBytes, this.kb.length + (this.kb.length >> 1));
    const buf = new ArrayBuffer(INTS_BYTES + size);
    const ints = new Int32Array(buf, 0, INTS);
    const kb = new Uint8Array(buf, INTS_BYTES);
    ints.set(this.ints);
    kb.set(this.kb.subarray(0, used));
    this.ints = ints;
    this.kb = kb;
  }

  /** A copy of key i. */
  key(i: number): Uint8Array {
    return this.kb.slice(this.ints[LEAF_MAX + i]!, this.ints[LEAF_MAX + i + 1]!);
  }
}

export class Branch {
  constructor(
    readonly v: number,
    /** The separators: key i is a lower bound of child i's keys (see the file comment). */
    readonly seps: Leaf,
    readonly children: TreeNode[],
  ) {}

  /** A branch of `children` whose separators are `keys`. */
  static of(v: number, keys: readonly Uint8Array[], children: TreeNode[]): Branch {
    return new Branch(v, Leaf.ofKeys(v, keys), children);
  }

  copy(v: number): Branch {
    return new Branch(v, this.seps.copy(v), this.children.slice());
  }
}

export type TreeNode = Leaf | Branch;

/** Compares `key` with `kb[start..end)` in unsigned byte order. */
export function compareAt(key: Uint8Array, kb: Uint8Array, start: number, end: number): number {
  const kn = key.length;
  const ln = end - start;
  const n = kn < ln ? kn : ln;
  for (let i = 0; i < n; i++) {
    const a = key[i]!;
    const b = kb[start + i]!;
    if (a !== b) return a - b;
  }
  return kn - ln;
}

/** The first position in `leaf` whose key is >= `key`. */
export function lowerBound(leaf: Leaf, key: Uint8Array): number {
  const ints = leaf.ints;
  const kb = leaf.kb;
  let lo = 0;
  let hi = leaf.n;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (compareAt(key, kb, ints[LEAF_MAX + mid]!, ints[LEAF_MAX + mid + 1]!) > 0) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** The child of `branch` whose keys may include `key`: the last separator <= `key` from 1 on, else 0. */
export function route(branch: Branch, key: Uint8Array): number {
  const seps = branch.seps;
  const ints = seps.ints;
  const kb = seps.kb;
  let lo = 1;
  let hi = seps.n;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (compareAt(key, kb, ints[LEAF_MAX + mid]!, ints[LEAF_MAX + mid + 1]!) >= 0) lo = mid + 1;
    else hi = mid;
  }
  return lo - 1;
}

function firstKey(node: TreeNode): Uint8Array {
  return node instanceof Leaf ? node.key(0) : node.seps.key(0);
}

function leafInsert(leaf: Leaf, i: number, key: Uint8Array, id: number): void {
  const n = leaf.n;
  const len = key.length;
  const end = leaf.ints[LEAF_MAX + n]!;
  leaf.reserve(end + len);
  const ints = leaf.ints;
  const kb = leaf.kb;
  const at = ints[LEAF_MAX + i]!;
  kb.copyWithin(at + len, at, end);
  kb.set(key, at);
  for (let j = n; j > i; j--) ints[LEAF_MAX + j + 1] = ints[LEAF_MAX + j]! + len;
  ints[LEAF_MAX + i + 1] = at + len;
  ints.copyWithin(i + 1, i, n);
  ints[i] = id;
  leaf.n = n + 1;
}

function leafRemove(leaf: Leaf, i: number): void {
  const ints = leaf.ints;
  const n = leaf.n;
  const at = ints[LEAF_MAX + i]!;
  const len = ints[LEAF_MAX + i + 1]! - at;
  leaf.kb.copyWithin(at, at + len, ints[LEAF_MAX + n]!);
  for (let j = i + 1; j < n; j++) ints[LEAF_MAX + j] = ints[LEAF_MAX + j + 1]! - len;
  ints.copyWithin(i, i + 1, n);
  leaf.n = n - 1;
}

/** Moves entries [s, n) of `leaf` into a new leaf of version `v`. */
function splitLeaf(leaf: Leaf, s: number, v: number): Leaf {
  const ints = leaf.ints;
  const n = leaf.n;
  const from = ints[LEAF_MAX + s]!;
  const to = ints[LEAF_MAX + n]!;
  const right = Leaf.empty(v, Math.max(to - from, (to / Math.max(n, 1)) * (n - s + 8)) | 0);
  right.kb.set(leaf.kb.subarray(from, to));
  const r = right.ints;
  for (let j = s; j < n; j++) {
    r[j - s] = ints[j]!;
    r[LEAF_MAX + j - s] = ints[LEAF_MAX + j]! - from;
  }
  r[LEAF_MAX + n - s] = to - from;
  right.n = n - s;
  leaf.n = s;
  return right;
}

/** Appends every entry of `right` to `left` (which has room for that many entries). */
function mergeLeaves(left: Leaf, right: Leaf): void {
  const lend = left.ints[LEAF_MAX + left.n]!;
  const rend = right.ints[LEAF_MAX + right.n]!;
  left.reserve(lend + rend);
  const li = left.ints;
  const ri = right.ints;
  left.kb.set(right.kb.subarray(0, rend), lend);
  for (let j = 0; j < right.n; j++) {
    li[left.n + j] = ri[j]!;
    li[LEAF_MAX + left.n + j + 1] = lend + ri[LEAF_MAX + j + 1]!;
  }
  left.n += right.n;
}

/** A copy-on-write B+ tree of distinct keys (bytes) to entry ids. */
export class KeyTree {
  root: TreeNode;
  size: number;
  private ver: number;

  constructor(root?: TreeNode, size = 0) {
    this.ver = nextVersion();
    this.root = root ?? Leaf.empty(this.ver, 0);
    this.size = size;
  }

  /** Freezes every current node and returns the root: O(1). */
  share(): TreeNode {
    this.ver = nextVersion();
    return this.root;
  }

  private own<T extends TreeNode>(node: T): T {
    return (node.v === this.ver ? node : node.copy(this.ver)) as T;
  }

  /** The id of `key`, or -1 (O(log n); the store finds ids through its hash index instead). */
  find(key: Uint8Array): number {
    let node = this.root;
    while (node instanceof Branch) node = node.children[route(node, key)]!;
    const i = lowerBound(node, key);
    if (i === node.n) return -1;
    const ints = node.ints;
    return compareAt(key, node.kb, ints[LEAF_MAX + i]!, ints[LEAF_MAX + i + 1]!) === 0 ? ints[i]! : -1;
  }

  /** Adds `key` (known to be absent) with entry id `id`. O(log n). */
  insert(key: Uint8Array, id: number): void {
    const root = this.own(this.root);
    const right = this.insertInto(root, key, id);
    this.root = right === undefined ? root : Branch.of(this.ver, [new Uint8Array(0), firstKey(right)], [root, right]);
    this.size++;
  }

  private insertInto(node: TreeNode, key: Uint8Array, id: number): TreeNode | undefined {
    if (node instanceof Leaf) {
      const i = lowerBound(node, key);
      if (node.n < LEAF_MAX) {
        leafInsert(node, i, key, id);
        return undefined;
      }
      // Full: split in the middle, or leave this leaf full when the key goes at an end (keys
      // that arrive in order then fill leaves completely).
      const n = node.n;
      const s = i === n ? n : i === 0 ? 0 : n >> 1;
      const right = splitLeaf(node, s, this.ver);
      if (s === 0 || i < s) leafInsert(node, i, key, id);
      else leafInsert(right, i - s, key, id);
      return right;
    }
    const ci = route(node, key);
    const child = this.own(node.children[ci]!);
    node.children[ci] = child;
    const split = this.insertInto(child, key, id);
    if (split === undefined) return undefined;
    node.children.splice(ci + 1, 0, split);
    leafInsert(node.seps, ci + 1, firstKey(split), 0);
    if (node.children.length <= BRANCH_MAX) return undefined;
    const half = node.children.length >> 1;
    return new Branch(this.ver, splitLeaf(node.seps, half, this.ver), node.children.splice(half));
  }

  /** Removes `key` (known to be present). O(log n). */
  remove(key: Uint8Array): void {
    const root = this.own(this.root);
    this.removeFrom(root, key);
    let top: TreeNode = root;
    while (top instanceof Branch && top.children.length <= 1) {
      top = top.children.length === 0 ? Leaf.empty(this.ver, 0) : top.children[0]!;
    }
    this.root = top;
    this.size--;
  }

  private removeFrom(node: TreeNode, key: Uint8Array): void {
    if (node instanceof Leaf) {
      const i = lowerBound(node, key);
      leafRemove(node, i);
      return;
    }
    const ci = route(node, key);
    const child = this.own(node.children[ci]!);
    node.children[ci] = child;
    this.removeFrom(child, key);
    if (child instanceof Leaf) {
      if (child.n === 0) {
        node.children.splice(ci, 1);
        leafRemove(node.seps, ci);
      } else if (child.n < LEAF_MIN) {
        this.mergeNeighbour(node, ci, child);
      }
    } else if (child.children.length === 0) {
      node.children.splice(ci, 1);
      leafRemove(node.seps, ci);
    }
  }

  /** Merges a small leaf with a neighbour when both fit in BUILD_FILL entries. */
  private mergeNeighbour(node: Branch, ci: number, child: Leaf): void {
    const children = node.children;
    if (ci + 1 < children.length) {
      const right = children[ci + 1]! as Leaf;
      if (child.n + right.n <= BUILD_FILL) {
        mergeLeaves(child, right);
        children.splice(ci + 1, 1);
        leafRemove(node.seps, ci + 1);
        return;
      }
    }
    if (ci > 0) {
      const left = children[ci - 1]! as Leaf;
      if (left.n + child.n <= BUILD_FILL) {
        const owned = this.own(left);
        children[ci - 1] = owned;
        mergeLeaves(owned, child);
        children.splice(ci, 1);
        leafRemove(node.seps, ci);
      }
    }
  }
}
