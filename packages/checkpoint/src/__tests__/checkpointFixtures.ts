import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { CheckpointError } from '../CheckpointError';
import type { Json } from '../Json';
import type { Source } from '../Source';

export { bytesOf, sampleCheckpoint, withoutOrigin } from '../testing/checkpointSamples';
export { crashingAfter } from '../testing/crashingAfter';

/** A fresh temporary directory; remove it with {@link removeTempDir}. */
export function makeTempDir(): Promise<string> {
  return fs.mkdtemp(path.join(os.tmpdir(), 'weir-chk-test-'));
}

export async function removeTempDir(dir: string): Promise<void> {
  await fs.chmod(dir, 0o700).catch(() => {});
  await fs.rm(dir, { recursive: true, force: true });
}

/** The padded directory name of checkpoint `id` (spelled out here, not imported, to pin the layout). */
export function chkName(id: number): string {
  return `chk-${String(id).padStart(12, '0')}`;
}

/** Flips one byte in the middle of a file. */
export async function flipByte(file: string): Promise<void> {
  const data = await fs.readFile(file);
  const i = data.length >> 1;
  data[i] = (data[i] ?? 0) ^ 0x01;
  await fs.writeFile(file, data);
}

/** Reads `source` from `offset` in batches of `sizes()`: until the end (checking it stays ended), or for `reads` reads. */
export async function readFrom<T>(source: Source<T>, offset: Json | undefined, sizes: () => number, reads = Infinity): Promise<{ values: T[]; offset: Json }> {
  const reader = await source.open(offset);
  const values: T[] = [];
  try {
    for (let i = 0; i < reads; i++) {
      const max = sizes();
      const batch = await reader.read(max);
      expect(batch.length).toBeLessThanOrEqual(max);
      if (batch.length === 0) {
        expect(await reader.read(max)).toEqual([]);
        break;
      }
      values.push(...batch);
    }
    // the offset goes through JSON, as a checkpoint manifest stores it
    return { values, offset: JSON.parse(JSON.stringify(reader.offset())) as Json };
  } finally {
    await reader.close?.();
  }
}

/** The CheckpointError `fn` throws (fails the test if it throws anything else, or nothing). */
export function caught(fn: () => unknown): CheckpointError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(CheckpointError);
    return err as CheckpointError;
  }
  throw new Error('expected a CheckpointError');
}

/** The CheckpointError `p` rejects with (fails the test if it rejects with anything else, or resolves). */
export async function rejection(p: unknown): Promise<CheckpointError> {
  try {
    await p;
  } catch (err) {
    expect(err).toBeInstanceOf(CheckpointError);
    return err as CheckpointError;
  }
  throw new Error('expected a rejection');
}
