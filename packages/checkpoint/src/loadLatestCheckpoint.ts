import { CheckpointError } from './CheckpointError';
import type { CheckpointData, CheckpointInfo, CheckpointStorage } from './CheckpointStorage';

/**
 * Loads the newest complete, valid checkpoint of `storage` (DESIGN.md §4 step 5): tries them
 * newest first, skipping each one that {@link CheckpointStorage.list} reports invalid or whose
 * {@link CheckpointStorage.load} rejects with `CheckpointError` `CORRUPT_CHECKPOINT` (or
 * `NO_CHECKPOINT`: pruned meanwhile), and logs why (`"skipping checkpoint 12: store-1.state:
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
