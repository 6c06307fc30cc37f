// KeyTree (internal) against a sorted-array model, at sizes where leaves (128 keys, one buffer
// each) and branches (64 children, their separators packed in one key list) split, merge and
// empty: batches of inserts and removes, trees shared mid-way (copy on write: a shared root must
// read the same ever after), cursors from random lower bounds, and the structure's invariants
// (node sizes, separators bounding their children, every leaf's offsets in its buffer).
import fc from 'fast-check';
import { compareBytes } from '../bytes';
import { Branch, KeyTree, LEAF_MAX, Leaf, type TreeNode } from '../KeyTree';
import { TreeCursor } from '../TreeCursor';
import { ViewBuilder } from '../StoreView';

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');

/** A model: keys in order with their ids. */
type Model = Array<[Uint8Array, number]>;

function findIn(model: Model, key: Uint8Array): number {
  let lo = 0;
  let hi = model.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (compareBytes(model[mid]![0], key) < 0) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Every (key, id) from `lo` on, through a cursor. */
function walk(root: TreeNode, lo?: Uint8Array): string[] {
  const out: string[] = [];
  for (const c = new TreeCursor(root, lo); c.leaf !== undefined; c.next()) out.push(`${hex(c.leaf.key(c.i))}:${c.id()}`);
  return out;
}

const listed = (model: Model, from = 0): string[] => model.slice(from).map(([k, id]) => `${hex(k)}:${id}`);

/** Checks sizes, order and separators (throwing on the first violation); returns the subtree's first and last key. */
function checkNode(node: TreeNode, isRoot: boolean): [Uint8Array, Uint8Array] | undefined {
  const fail = (what: string): never => {
    throw new Error(`KeyTree invariant: ${what}`);
  };
  if (node instanceof Leaf) {
    if (node.n > LEAF_MAX) fail(`a leaf of ${node.n} keys`);
    if (!isRoot && node.n === 0) fail('an empty leaf below the root');
    if (node.ints.buffer !== node.kb.buffer) fail('a leaf of two buffers');
    if (node.ints[LEAF_MAX + node.n]! > node.kb.length) fail('key bytes past the buffer');
    for (let i = 1; i < node.n; i++) if (compareBytes(node.key(i - 1), node.key(i)) >= 0) fail('keys out of order in a leaf');
    return node.n === 0 ? undefined : [node.key(0), node.key(node.n - 1)];
  }
  if (!(node instanceof Branch)) return fail('a node neither leaf nor branch');
  const seps = node.seps;
  const count = node.children.length;
  if (seps.n !== count) fail(`${seps.n} separators for ${count} children`);
  if (count > 64) fail(`a branch of ${count} children`);
  if (count < (isRoot ? 2 : 1)) fail(`a branch of ${count} children`);
  let first: Uint8Array | undefined;
  let last: Uint8Array | undefined;
  for (let i = 0; i < count; i++) {
    const [lo, hi] = checkNode(node.children[i]!, false) ?? fail('an empty subtree');
    // separator i (from 1) bounds child i below and child i - 1 above
    if (i > 0 && compareBytes(seps.key(i), lo) > 0) fail('a separator above its child');
    if (i > 0 && compareBytes(last!, seps.key(i)) >= 0) fail('a separator at or below the previous child');
    first ??= lo;
    last = hi;
  }
  return [first!, last!];
}

function expectTree(tree: KeyTree, model: Model, root: TreeNode = tree.root): void {
  expect(walk(root)).toEqual(listed(model));
  checkNode(root, true);
}

/** Keys of 1-24 bytes over few distinct byte values, so prefixes collide and lengths differ. */
function keyOf(seed: number, i: number): Uint8Array {
  let x = (Math.imul(seed + 1, 0x9e3779b1) ^ Math.imul(i + 1, 0x85ebca6b)) | 1;
  const next = (): number => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return x >>> 0;
  };
  const n = 1 + (next() % 24);
  const out = new Uint8Array(n);
  for (let j = 0; j < n; j++) out[j] = (next() % 4) * 60 + (j === 0 ? next() % 3 : 0);
  return out;
}

type Op =
  | { op: 'insert'; seed: number; count: number; ascending: boolean }
  | { op: 'remove'; seed: number; fraction: number; run: boolean }
  | { op: 'share' }
  | { op: 'scan'; seed: number };

const opArb: fc.Arbitrary<Op> = fc.oneof(
  { weight: 4, arbitrary: fc.record({ op: fc.constant('insert' as const), seed: fc.nat(), count: fc.integer({ min: 1, max: 6_000 }), ascending: fc.boolean() }) },
  { weight: 3, arbitrary: fc.record({ op: fc.constant('remove' as const), seed: fc.nat(), fraction: fc.double({ min: 0.05, max: 1, noNaN: true }), run: fc.boolean() }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('share' as const) }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('scan' as const), seed: fc.nat() }) },
);

describe('KeyTree against a sorted array', () => {
  it('inserts, removes, shares and scans like the model, keeping its invariants', () => {
    fc.assert(
      fc.property(fc.array(opArb, { minLength: 1, maxLength: 8 }), (ops) => {
        const tree = new KeyTree();
        let model: Model = [];
        let nextId = 0;
        const shared: Array<{ root: TreeNode; model: Model }> = [];
        for (const op of ops) {
          if (op.op === 'insert') {
            const batch: Uint8Array[] = [];
            for (let i = 0; i < op.count; i++) batch.push(keyOf(op.seed, i));
            if (op.ascending) batch.sort(compareBytes);
            for (const key of batch) {
              const at = findIn(model, key);
              const present = at < model.length && compareBytes(model[at]![0], key) === 0;
              expect(tree.find(key)).toBe(present ? model[at]![1] : -1);
              if (present) continue;
              tree.insert(key, nextId);
              model.splice(at, 0, [key, nextId++]);
            }
          } else if (op.op === 'remove') {
            // a contiguous run (whole leaves empty, branches lose children) or scattered keys
            const count = Math.floor(model.length * op.fraction);
            const start = model.length === 0 ? 0 : op.seed % model.length;
            const picked = op.run ? model.slice(start, start + count) : model.filter((_, i) => (i * 7919 + op.seed) % 100 < op.fraction * 100);
            for (const [key] of picked) tree.remove(key);
            const gone = new Set(picked.map(([k]) => hex(k)));
            model = model.filter(([k]) => !gone.has(hex(k)));
          } else if (op.op === 'share') {
            shared.push({ root: tree.share(), model: model.slice() });
          } else {
            const lo = keyOf(op.seed, 1_000_000);
            expect(walk(tree.root, lo)).toEqual(listed(model, findIn(model, lo)));
          }
          expect(tree.size).toBe(model.length);
        }
        expectTree(tree, model);
        // every shared root still reads as it did when shared
        for (const s of shared) expectTree(tree, s.model, s.root);
      }),
      { numRuns: 15 },
    );
  });

  it('bulk-builds (restore) a tree that reads like the model and takes inserts and removes after', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 12_000 }), fc.nat(), (n, seed) => {
        const keys = new Map<string, Uint8Array>();
        for (let i = 0; keys.size < n; i++) keys.set(hex(keyOf(seed, i)), keyOf(seed, i));
        const sorted = [...keys.values()].sort(compareBytes);
        const builder = new ViewBuilder(n, false);
        const empty = new Uint8Array(0);
        for (const k of sorted) builder.add(k, 0, k.length, empty, 0, 0);
        const view = builder.finish();
        let model: Model = sorted.map((k, id) => [k, id]);
        const tree = new KeyTree(view.root, n);
        expectTree(tree, model);
        // the built tree is frozen: writes copy, and the view reads as built
        for (let i = 0; i < 3_000; i++) {
          const key = keyOf(seed + 1, i);
          const at = findIn(model, key);
          if (at < model.length && compareBytes(model[at]![0], key) === 0) {
            tree.remove(key);
            model.splice(at, 1);
          } else {
            tree.insert(key, n + i);
            model.splice(at, 0, [key, n + i]);
          }
        }
        expectTree(tree, model);
        expectTree(tree, sorted.map((k, id) => [k, id]), view.root);
        model = [];
      }),
      { numRuns: 6 },
    );
  });
});
