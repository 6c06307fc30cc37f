// A source that fails mid-job, for crash-and-resume tests.
import type { Source } from '../Source';

/**
 * Wraps `source` so that its `read` throws `Error('simulated crash')` once `reads` reads have
 * been served: a job crashing in the middle, to be resumed from its last checkpoint. The count
 * is per wrapper (make a new one per run). Only `read` is wrapped, so the coordinator reads it
 * in batches through `read`.
 *
 * @example
 * ```ts
 * await expect(job.run(...crashingAfter(arraySource(clicks), 3)...)).rejects.toThrow('simulated crash');
 * ```
 */
export function crashingAfter<T>(source: Source<T>, reads: number): Source<T> {
  let left = reads;
  return {
    describe: () => `${source.describe()}, crashing`,
    async open(offset) {
      const reader = await source.open(offset);
      return {
        read: (max) => {
          if (left-- <= 0) throw new Error('simulated crash');
          return reader.read(max);
        },
        offset: () => reader.offset(),
      };
    },
  };
}
