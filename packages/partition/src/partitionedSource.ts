import { describeValue, optionKeys } from '@weir/state';
import type { Json, Source, SourceReader } from '@weir/checkpoint';
import { checkPartitionOptionKeys } from './checkPartitionOptionKeys';
import { PartitionError } from './PartitionError';

/** Options of {@link partitionedSource}. */
export interface PartitionedSourceOptions<T> {
  /** The partitions to read (a worker's `ownership.partitions`): distinct non-negative integers. */
  readonly partitions: readonly number[];
  /** The source of one partition: a file of it, a generator, a stream subject. */
  readonly source: (partition: number) => Source<T>;
  /** A partition's name in offsets and watermarks; default `String(partition)`. Must be stable and distinct. */
  readonly name?: (partition: number) => string;
  /**
   * The most values read from one partition before the next one's turn; default 100. Small turns
   * keep the partitions' event times close together, so the watermark (their minimum) advances
   * steadily and windows fire as the input goes, not only once every partition had a long turn.
   */
  readonly turnSize?: number;
}

const KEYS = optionKeys<PartitionedSourceOptions<unknown>>({ partitions: true, source: true, name: true, turnSize: true });

interface Part<T> {
  readonly name: string;
  readonly reader: SourceReader<T>;
  done: boolean;
  /** The downstream `emit` that `named` wraps, and the wrapper that passes this partition's name. */
  emit?: (value: T, partition?: string, timestamp?: number) => void;
  named?: (value: T, partition?: string, timestamp?: number) => void;
}

/**
 * One {@link Source} reading several partitions, each its own replayable source (one JSON Lines
 * file per partition, a generator per partition, ...), as a worker of a partitioned job reads the
 * partitions it owns (docs/architecture.md §6). It names each value's partition, so the
 * coordinator keeps a watermark per partition and merges them at the minimum.
 *
 * **Offset**: a map partition name -> that partition's own offset, `{ "0": 1024, "3": 96 }`: what
 * `rescaleCheckpoints` splits between workers and joins again. A partition missing from the offset
 * starts at its beginning; one in the offset but not read any more is left out of the next offset.
 *
 * **Reading.** `readEach(max)` takes up to `min(max, turnSize)` values from one partition, then
 * the next partition's turn comes (round robin), skipping partitions at their end; it returns 0 only when
 * every partition is at its end. It returns synchronously (a number, no promise) while the
 * partitions' readers do. Cost: the partitions' own, plus O(1) per value.
 *
 * @example
 * ```ts
 * const own = ownershipOf(worker, workers, { partitions: 8 });
 * const clicks = partitionedSource({ partitions: own.partitions, source: (p) => jsonLinesSource<Click>(`in/clicks-${p}.jsonl`) });
 * const clicks$ = job.source('clicks', clicks, { timestamp: (c) => c.time, maxOutOfOrderness: 1_000 });
 * ```
 */
export function partitionedSource<T>(options: PartitionedSourceOptions<T>): Source<T> {
  const where = 'partitionedSource';
  if (typeof options !== 'object' || options === null) throw new PartitionError('INVALID_ARGUMENT', `${where}: expected options { partitions, source, name? }, got ${describeValue(options)}`);
  checkPartitionOptionKeys(where, options, KEYS);
  const { partitions, source } = options;
  const nameOf = options.name ?? ((p: number) => String(p));
  if (!Array.isArray(partitions) || partitions.length === 0 || !partitions.every((p) => Number.isSafeInteger(p) && p >= 0) || new Set(partitions).size !== partitions.length) {
    throw new PartitionError('INVALID_ARGUMENT', `${where}: option \`partitions\` must be a non-empty array of distinct non-negative integers, got ${describeValue(partitions)}`);
  }
  if (typeof source !== 'function') throw new PartitionError('INVALID_ARGUMENT', `${where}: option \`source\` must be a function partition => Source, got ${describeValue(source)}`);
  if (typeof nameOf !== 'function') throw new PartitionError('INVALID_ARGUMENT', `${where}: option \`name\` must be a function partition => string, got ${describeValue(options.name)}`);
  const names = partitions.map((p) => nameOf(p));
  if (!names.every((n) => typeof n === 'string' && n.length > 0) || new Set(names).size !== names.length) {
    throw new PartitionError('INVALID_ARGUMENT', `${where}: option \`name\` must give distinct non-empty names, got ${describeValue(names)}`);
  }
  const turnSize = options.turnSize ?? 100;
  if (!Number.isSafeInteger(turnSize) || turnSize < 1) throw new PartitionError('INVALID_ARGUMENT', `${where}: option \`turnSize\` must be a positive integer, got ${describeValue(options.turnSize)}`);
  const sources = partitions.map((p) => source(p));
  const describe = (): string => `partitions ${names.join(', ')} (${sources[0]?.describe() ?? ''}${sources.length > 1 ? ', ...' : ''})`;

  return {
    describe,
    async open(offset: Json | undefined): Promise<SourceReader<T>> {
      if (offset !== undefined && (typeof offset !== 'object' || offset === null || Array.isArray(offset))) {
        throw new PartitionError('OFFSETS', `${where} (${describe()}): the offset must map partition names to offsets, got ${describeValue(offset)}`);
      }
      const restored = (offset ?? {}) as Record<string, Json>;
      const parts: Part<T>[] = [];
      try {
        for (let i = 0; i < sources.length; i++) {
          const name = names[i]!;
          parts.push({ name, reader: await sources[i]!.open(Object.hasOwn(restored, name) ? restored[name] : undefined), done: false });
        }
      } catch (err) {
        await Promise.all(parts.map(async (p) => p.reader.close?.())).catch(() => undefined);
        throw err;
      }
      let turn = 0;
      let live = parts.length;

      /** Up to `max` values of one partition: synchronously when its reader is (a generator, a file already read). */
      function readOne(part: Part<T>, max: number, emit: (value: T, partition?: string, timestamp?: number) => void): number | Promise<number> {
        const { reader, name } = part;
        if (reader.readEach !== undefined) {
          // one emitter per partition and downstream `emit`, not one closure per turn
          if (part.emit !== emit) {
            part.emit = emit;
            part.named = (value, _p, ts) => emit(value, name, ts);
          }
          return reader.readEach(max, part.named!);
        }
        return (async () => {
          const values = await reader.read(max);
          for (const v of values) emit(v, name);
          return values.length;
        })();
      }

      /** The next partition with values gives up to `max` of them; 0 once every partition is at its end. */
      function readEach(max: number, emit: (value: T, partition?: string, timestamp?: number) => void): number | Promise<number> {
        while (live > 0) {
          const part = parts[turn]!;
          turn = (turn + 1) % parts.length;
          if (part.done) continue;
          const got = readOne(part, Math.min(max, turnSize), emit);
          if (typeof got !== 'number') {
            return got.then((n) => {
              if (n > 0) return n;
              finish(part);
              return readEach(max, emit);
            });
          }
          if (got > 0) return got;
          finish(part);
        }
        return 0;
      }

      function finish(part: Part<T>): void {
        if (part.done) return;
        part.done = true;
        live--;
      }

      return {
        readEach,
        async read(max: number): Promise<readonly T[]> {
          const out: T[] = [];
          await readEach(max, (v) => {
            out.push(v);
          });
          return out;
        },
        partitions: () => parts.filter((p) => !p.done).map((p) => p.name),
        offset(): Json {
          const out: Record<string, Json> = {};
          for (const p of parts) out[p.name] = p.reader.offset();
          return out;
        },
        async close(): Promise<void> {
          await Promise.all(parts.map(async (p) => p.reader.close?.()));
        },
      };
    },
  };
}
