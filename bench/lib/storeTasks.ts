// Shared by the state benchmarks: the timed StateStore operations, the same for every store, so
// InMemoryStore and LmdbStore are measured doing exactly the same work.
import type { StateStore } from '../../packages/state/src';
import { cycle, type OperationInputs } from './keys';

/** A tinybench task: its name, the timed function, per-sample setup and teardown, and how many operations one call makes (default: a batch). */
export type BenchTask = [string, () => void, { before?: () => void; after?: () => void; perCall?: number }?];

/**
 * The operations both state benchmarks time on `store`, which holds `inputs`' entries: point
 * reads, inserts, overwrites and deletes a batch at a time, a 100-entry prefix scan, a 1,000-entry
 * range scan and a snapshot (released at once) one per call. Every task leaves the store as it
 * found it.
 */
export function storeTasks(store: StateStore, inputs: OperationInputs): BenchTask[] {
  const { overwriteValues } = inputs;
  const hits = cycle(inputs.hitBatches);
  const misses = cycle(inputs.missBatches);
  const news = cycle(inputs.newBatches);
  const prefix = cycle(inputs.prefixes);
  const range = cycle(inputs.rangeStarts);
  let sink = 0;
  let pending: Uint8Array[] = [];
  return [
    ['get (hit)', () => { for (const k of hits()) sink += store.get(k)!.length; }],
    ['get (miss)', () => { for (const k of misses()) if (store.get(k) === undefined) sink++; }],
    ['put (insert)', () => { for (const k of pending) store.put(k, overwriteValues[0]!); }, {
      before: () => { pending = news(); },
      after: () => { for (const k of pending) store.delete(k); },
    }],
    ['put (overwrite)', () => { const b = hits(); for (let i = 0; i < b.length; i++) store.put(b[i]!, overwriteValues[i]!); }],
    ['delete', () => { for (const k of pending) store.delete(k); }, {
      before: () => { pending = news(); for (const k of pending) store.put(k, overwriteValues[0]!); },
    }],
    ['prefixScan (100)', () => { for (const [, v] of store.prefixScan(prefix())) sink += v.length; }, { perCall: 1 }],
    ['rangeScan (1000)', () => { const [s, e] = range(); for (const [, v] of store.rangeScan(s, e)) sink += v.length; }, { perCall: 1 }],
    ['snapshot()', () => { const snap = store.snapshot(); sink += snap.len(); snap.release(); }, { perCall: 1 }],
  ];
}
