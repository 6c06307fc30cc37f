import { join } from 'node:path';
import { messageOf } from '@weir/state';
import { CheckpointError } from './CheckpointError';
import { readCommittedLines } from './jsonLinesSink';
import { COMMITTED_PART, findPartitionDirs } from './partitionDirs';

/**
 * Every line that a {@link partitionedJsonLinesSink} has committed under `dir`, per partition:
 * a map from each partition directory holding a committed part (its path relative to `dir`,
 * `/`-separated, e.g. `dt=2015-07-15/hm=00:01`), in sorted order, to its committed lines, read by
 * the rules of {@link readCommittedLines} (parts in checkpoint order, without line endings).
 * Partitions with no committed output are absent. O(total size + directories): it walks `dir`
 * and reads every committed part into memory.
 *
 * Throws a `CheckpointError` `IO` naming the path when `dir`, a directory under it or a part
 * cannot be read.
 *
 * @param dir - the sink's output directory
 *
 * @example
 * ```ts
 * for (const [partition, lines] of await readCommittedPartitions('out/bids')) {
 *   console.log(partition, lines.length); // dt=2015-07-15/hm=00:01 1234
 * }
 * ```
 */
export async function readCommittedPartitions(dir: string): Promise<Map<string, string[]>> {
  const partitions = await findPartitionDirs(
    dir,
    (name) => COMMITTED_PART.test(name),
    (op, path, err) => new CheckpointError('IO', `readCommittedPartitions: cannot ${op} ${path}: ${messageOf(err)}`, { cause: err }),
  );
  const out = new Map<string, string[]>();
  for (const partition of partitions) out.set(partition, await readCommittedLines(join(dir, partition)));
  return out;
}
