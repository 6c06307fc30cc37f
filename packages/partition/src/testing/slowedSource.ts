// A source that waits before every read, so a test can act while a job runs.
import type { Source } from '@weir/checkpoint';

/** Wraps a source with `readEach` so that every read first waits `ms` milliseconds (a timer). */
export function slowedSource<T>(source: Source<T>, ms: number): Source<T> {
  return {
    describe: () => `${source.describe()}, slowed by ${ms} ms a read`,
    async open(offset) {
      const reader = await source.open(offset);
      return {
        read: (max) => reader.read(max),
        readEach: async (max, emit) => {
          await new Promise((resolve) => setTimeout(resolve, ms));
          return reader.readEach!(max, emit);
        },
        partitions: () => reader.partitions?.() ?? [],
        offset: () => reader.offset(),
        close: () => reader.close?.(),
      };
    },
  };
}
