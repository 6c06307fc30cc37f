import type { Json } from './Json';

/**
 * Input that can be replayed from an offset: what makes exactly-once recovery possible. A
 * checkpoint stores each source's offset; after a crash the job reopens the source at it and
 * reads exactly the values that followed.
 *
 * Implement it for your own input (a Kafka partition, a database table, ...); the built-ins are
 * {@link arraySource}, {@link jsonLinesSource} and {@link generatorSource}.
 *
 * @typeParam T - the values read
 *
 * @example
 * ```ts
 * const numbers: Source<number> = {
 *   describe: () => 'numbers 0..999',
 *   open(offset) {
 *     let next = typeof offset === 'number' ? offset : 0;
 *     return {
 *       read: (max) => { const out = []; while (out.length < max && next < 1000) out.push(next++); return out; },
 *       offset: () => next,
 *     };
 *   },
 * };
 * ```
 */
export interface Source<T> {
  /** A short description for logs and errors ("lines of clicks.jsonl"). */
  describe(): string;
  /**
   * Opens a reader positioned at `offset` (one that an earlier reader's `offset()` returned), or
   * at the beginning when `offset` is `undefined`. May be async.
   */
  open(offset: Json | undefined): SourceReader<T> | Promise<SourceReader<T>>;
}

/** An open {@link Source}. */
export interface SourceReader<T> {
  /**
   * The next values, at most `max` of them and at least one unless the input is exhausted (an
   * empty array means end of input). May be async. Throw a `CheckpointError` `SOURCE` for input
   * that cannot be read or parsed, naming the position.
   */
  read(max: number): readonly T[] | Promise<readonly T[]>;
  /**
   * Optional, faster form of {@link SourceReader.read} (Flink's `pollNext(output)`): hands the
   * next values, at most `max` of them, to `emit` one at a time as it produces them, and returns
   * how many it handed over (0 means end of input). The coordinator uses it when present.
   *
   * Implement it for sources that create their values (generators, decoders): each value then
   * goes downstream and can die young, instead of waiting in an array for the rest of the batch.
   * Measured on Nexmark q1 (Node 20): values held in arrays of 1,000 made V8 allocate the value
   * objects straight into the old generation (allocation-site pretenuring), 1.2M instead of
   * 4.4M events/s.
   *
   * `emit` may throw (a bad timestamp): let it propagate; {@link SourceReader.offset} must then
   * stand after the value whose `emit` threw.
   *
   * A partitioned reader (several Kafka partitions, NATS subjects or streams read as one source)
   * passes each value's `partition` (a short stable name): the coordinator then keeps a
   * watermark per partition and advances the source's watermark to their minimum, so a partition
   * that lags holds event time back (Flink's per-split watermarks). A reader that knows each
   * value's event time itself (from a message header, say) passes it as `timestamp` (epoch ms);
   * the source option `timestamp`, when given, takes precedence.
   */
  readEach?(max: number, emit: (value: T, partition?: string, timestamp?: number) => void): number | Promise<number>;
  /**
   * Optional, for partitioned readers: the partitions whose watermarks the source's watermark
   * waits for, now. The coordinator asks after every read: a partition listed before any of its
   * values arrived holds the watermark back (until it is idle, see the source option
   * `idleTimeout`); a partition no longer listed (finished, or given up) stops holding it back
   * and its watermark state is dropped.
   */
  partitions?(): readonly string[];
  /**
   * Optional, for unbounded input (a message stream): whether the input has ended. When the
   * reader implements it, an empty read means only "nothing available now" (the reader should
   * have waited briefly for data, ~100 ms, before saying so, to spare the CPU) and the
   * coordinator asks once per round, so that checkpoints and idleness keep their pace while the
   * input is quiet; the input ends when a read returns nothing and `ended()` is true.
   */
  ended?(): boolean;
  /**
   * The position just after the last value returned by `read` (or handed to `emit`): a reader opened at it reads the
   * value that would have come next. Must be JSON (a manifest stores it). After a failed `read`
   * it stays after the last value returned. Reads never overlap (the coordinator awaits each);
   * a foreign offset given to `open` is a `SOURCE` error.
   */
  offset(): Json;
  /** Releases resources (file handles). */
  close?(): void | Promise<void>;
}
