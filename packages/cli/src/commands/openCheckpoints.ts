import { promises as fs } from 'node:fs';
import { FileCheckpointStorage, type CheckpointInfo } from '@weir/checkpoint';
import { messageOf } from '@weir/state';
import { CliError } from '../io';

/** A checkpoint directory opened for reading, with its checked listing (newest first, never empty). */
export interface OpenedCheckpoints {
  readonly storage: FileCheckpointStorage;
  readonly infos: readonly CheckpointInfo[];
}

/**
 * Opens the checkpoint directory `dir` and lists its checkpoints. Fails with a {@link CliError}
 * when `dir` does not exist, is not a directory or holds no checkpoint (FileCheckpointStorage
 * itself lists nothing for a missing directory, which would hide a mistyped path).
 */
export async function openCheckpoints(dir: string): Promise<OpenedCheckpoints> {
  let stat;
  try {
    stat = await fs.stat(dir);
  } catch (err) {
    const code = (err as { code?: unknown } | null)?.code;
    if (code === 'ENOENT') throw new CliError(`no such directory: ${dir}`);
    throw new CliError(`cannot read ${dir}: ${messageOf(err)}`);
  }
  if (!stat.isDirectory()) throw new CliError(`not a directory: ${dir}`);
  // Only read: no save, so fsync and retain never apply.
  const storage = new FileCheckpointStorage(dir, { fsync: false });
  const infos = await storage.list();
  if (infos.length === 0) {
    throw new CliError(`no checkpoints in ${dir} (expected chk-<id> directories, as FileCheckpointStorage writes them)`);
  }
  return { storage, infos };
}
