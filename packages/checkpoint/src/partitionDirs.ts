// Internal: the partition directories of a partitionedJsonLinesSink: which relative paths are
// valid partitions, which file names a jsonLinesSink owns, and the walk that finds the partition
// directories under an output directory.
import { promises as fs, type Dirent } from 'node:fs';
import { isAbsolute, join } from 'node:path';

/** A committed part of a jsonLinesSink (`part-<id>.jsonl`, see its TSDoc). */
export const COMMITTED_PART = /^part-\d+\.jsonl$/;

/** Any file a jsonLinesSink owns in its directory: committed, pending and in-progress parts. */
const OWNED = /^(part-\d+\.(jsonl|pending)|\.part-.*\.inprogress)$/;

/** Whether `name` is a file name a jsonLinesSink owns. */
export function isOwnedFile(name: string): boolean {
  return OWNED.test(name);
}

/**
 * Why `partition` is not a partition directory (relative, `/`-separated, no empty, `.` or `..`
 * segment, no NUL or backslash, no segment named like a part file), or `undefined` if it is one.
 */
export function partitionProblem(partition: unknown): string | undefined {
  if (typeof partition !== 'string') return 'it is not a string';
  if (partition === '') return 'it is empty';
  if (partition.includes('\0')) return 'it contains a NUL character';
  if (partition.startsWith('/') || isAbsolute(partition)) return 'it is an absolute path';
  if (partition.includes('\\')) return 'it contains a backslash (separate directories with /)';
  for (const segment of partition.split('/')) {
    if (segment === '') return 'it has an empty segment';
    if (segment === '.' || segment === '..') return `it has a '${segment}' segment`;
    if (OWNED.test(segment)) return `its segment '${segment}' is named like a part file`;
  }
  return undefined;
}

/**
 * The directories under `dir` (not `dir` itself) that hold a file `wanted` accepts, as relative
 * `/`-separated paths, sorted. Symbolic links are not followed. O(entries under `dir`).
 */
export async function findPartitionDirs(dir: string, wanted: (name: string) => boolean, fail: (op: string, path: string, err: unknown) => Error): Promise<string[]> {
  const found: string[] = [];
  const visit = async (relative: string): Promise<void> => {
    const path = relative === '' ? dir : join(dir, relative);
    let entries: Dirent[];
    try {
      entries = await fs.readdir(path, { withFileTypes: true });
    } catch (err) {
      throw fail('list', path, err);
    }
    if (relative !== '' && entries.some((e) => e.isFile() && wanted(e.name))) found.push(relative);
    for (const e of entries) if (e.isDirectory()) await visit(relative === '' ? e.name : `${relative}/${e.name}`);
  };
  await visit('');
  return found.sort();
}
