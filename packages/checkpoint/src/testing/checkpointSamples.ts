// Sample checkpoints for storage tests: deterministic store bytes and a checkpoint built from an id.
import type { CheckpointData } from '../CheckpointStorage';

/**
 * Deterministic pseudo-random bytes (a stand-in for `StateSnapshot.encode()` output): the same
 * `seed` and `length` give the same bytes. O(length).
 *
 * @example
 * ```ts
 * const store = bytesOf(7, 1 << 20); // 1 MiB
 * ```
 */
export function bytesOf(seed: number, length: number): Uint8Array {
  const out = new Uint8Array(length);
  let x = (seed * 2654435761 + 1) >>> 0;
  for (let i = 0; i < length; i++) {
    x = (Math.imul(x, 1103515245) + 12345) >>> 0;
    out[i] = x >>> 24;
  }
  return out;
}

/**
 * A checkpoint with two stores (64 and 300 bytes), two sources (one never saw a record) and a
 * sink, all depending on `id`: equal ids give equal checkpoints.
 *
 * @example
 * ```ts
 * await storage.save(sampleCheckpoint(1));
 * expect(withoutOrigin(await storage.load(1))).toEqual(sampleCheckpoint(1));
 * ```
 */
export function sampleCheckpoint(id: number): CheckpointData {
  return {
    id,
    time: 1_700_000_000_000 + id,
    sources: {
      clicks: { offset: { file: 'clicks.jsonl', line: id * 10 }, maxTimestamp: 5_000 + id, watermark: 4_000 + id, sinceWatermark: 3 },
      idle: { offset: null, maxTimestamp: -Infinity, watermark: -Infinity, sinceWatermark: 0 },
    },
    sinks: { out: { pending: [`part-${id}`], committed: id - 1 } },
    stores: { counts: bytesOf(id, 64), windows: bytesOf(id + 1000, 300) },
  };
}

/**
 * A loaded checkpoint without its `origin` (which says where it was read from), to compare with
 * what was saved.
 *
 * @example
 * ```ts
 * expect(withoutOrigin(await storage.load(3))).toEqual(sampleCheckpoint(3));
 * ```
 */
export function withoutOrigin(checkpoint: CheckpointData): CheckpointData;
export function withoutOrigin(checkpoint: CheckpointData | undefined): CheckpointData | undefined;
export function withoutOrigin(checkpoint: CheckpointData | undefined): CheckpointData | undefined {
  if (checkpoint === undefined) return undefined;
  const { origin: _origin, ...rest } = checkpoint;
  return rest;
}
