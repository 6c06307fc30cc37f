import { CheckpointError } from './CheckpointError';
import type { CheckpointData, CheckpointInfo, CheckpointStorage } from './CheckpointStorage';

/**
 * Loads the newest complete, valid checkpoint of `storage` (docs/architecture.md §4, recovery):
 * tries them newest first, skipping each one that {@link CheckpointStorage.list} reports invalid,
 * whose {@link CheckpointStorage.load} rejects with `CheckpointError` `CORRUPT_CHECKPOINT` (or
 * `NO_CHECKPOINT`: pruned meanwhile), or that `accept` refuses with `CORRUPT_CHECKPOINT` (a store
 * snapshot that does not decode), and logs why (`"skipping checkpoint 12: store-1.state:
 * checksum mismatch ..."`).
 *
 * Any other failure (`IO`: the file system refused) rejects rather than falling back, so a
 * passing problem never silently rewinds a job to an older checkpoint.
 *
 * @param storage - where the checkpoints are
 * @param log - receives a line per skipped checkpoint, and one naming the checkpoint restored
 *   after skipping
 * @param listed - what `storage.list()` returned, if the caller has it already (saves reading
 *   and checking every checkpoint a second time)
 * @param accept - called with each loaded candidate before it is returned (the coordinator
 *   restores its stores here); a `CheckpointError` `CORRUPT_CHECKPOINT` it throws skips the
 *   candidate, anything else rejects
 * @returns the checkpoint, or `undefined` when there is no valid one (a first run)
 *
 * @example
 * ```ts
 * const restored = await loadLatestCheckpoint(new FileCheckpointStorage('./chk'), console.warn);
 * if (restored) console.log(`resuming from checkpoint ${restored.id}`);
 * ```
 */
export async function loadLatestCheckpoint(
  storage: CheckpointStorage,
  log: (message: string) => void = () => {},
  listed?: readonly CheckpointInfo[],
  accept?: (checkpoint: CheckpointData) => void | Promise<void>,
): Promise<CheckpointData | undefined> {
  const infos = [...(listed ?? (await storage.list()))].sort((a, b) => b.id - a.id);
  let skipped = 0;
  for (const info of infos) {
    if (!info.valid) {
      log(`skipping checkpoint ${info.id}: ${info.reason ?? 'invalid'}`);
      skipped++;
      continue;
    }
    let data: CheckpointData;
    try {
      data = await storage.load(info.id);
      await accept?.(data);
    } catch (err) {
      if (err instanceof CheckpointError && (err.code === 'CORRUPT_CHECKPOINT' || err.code === 'NO_CHECKPOINT')) {
        log(`skipping checkpoint ${info.id}: ${err.message}`);
        skipped++;
        continue;
      }
      throw err;
    }
    if (skipped > 0) log(`restoring checkpoint ${data.id} (${storage.describe()}), after skipping ${skipped} newer one(s)`);
    return data;
  }
  if (skipped > 0) log(`no valid checkpoint (${storage.describe()}): all ${skipped} skipped`);
  return undefined;
}
