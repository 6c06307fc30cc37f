// A partitioned source that fails mid-job, for rescale and crash tests.
import type { Source } from '@weir/checkpoint';

/**
 * Wraps `source` so that it throws `Error('simulated crash')` once `records` values have been
 * handed out: a worker stopping in the middle (its latest checkpoint is what survives). Keeps
 * `readEach` and `partitions`, so the partitions' watermarks work as without it.
 */
export function crashingAfterRecords<T>(source: Source<T>, records: number): Source<T> {
  let left = records;
  return {
    describe: () => `${source.describe()}, crashing after ${records} records`,
    async open(offset) {
      const reader = await source.open(offset);
      return {
        read: (max) => reader.read(max),
        readEach: async (max, emit) => {
          if (left <= 0) throw new Error('simulated crash');
          const n = Math.min(max, left);
          const got = await reader.readEach!(n, emit);
          left -= got;
          return got;
        },
        partitions: () => reader.partitions?.() ?? [],
        offset: () => reader.offset(),
        close: () => reader.close?.(),
      };
    },
  };
}
