import type { Subscriber } from 'rxjs';
import { describeValue, messageOf } from '@weir/state';
import { BoundedOutOfOrdernessWatermarks, type StreamElement } from '@weir/stream';
import { CheckpointError } from './CheckpointError';
import { checkSourceOptionKeys, type CoordinatedSourceOptions } from './CheckpointCoordinatorOptions';
import type { SourceCheckpoint, SourcePartitionCheckpoint } from './CheckpointStorage';
import { PartitionWatermarks } from './PartitionWatermarks';
import type { Source, SourceReader } from './Source';

/**
 * Internal: one source as the coordinator drives it. It reads values, stamps them with event time
 * and emits them, with bounded-out-of-orderness watermarks every `watermarkEvery` records; its
 * offset and event-time state go into every checkpoint and are restored from one. A partitioned
 * reader (one that names each value's partition) gets a watermark per partition, merged at the
 * minimum of the partitions that are not idle ({@link PartitionWatermarks}).
 */
export class SourceRun<T> {
  reader: SourceReader<T> | undefined;
  subscriber: Subscriber<StreamElement<T>> | undefined;
  exhausted = false;
  /** Records emitted by this run (a read-only figure for `job.view()`). */
  recordsRead = 0;
  /** The source's event time: the largest timestamp of any value and the watermark last emitted. */
  readonly #watermarks: BoundedOutOfOrdernessWatermarks;
  readonly #timestamp: ((value: T) => number) | undefined;
  readonly #watermarkEvery: number;
  readonly #idleTimeout: number;
  readonly #now: () => number;
  /** Per-partition event time, once the reader names a partition (or restored). */
  #partitions: PartitionWatermarks | undefined;
  #sinceWatermark = 0;

  constructor(
    readonly name: string,
    readonly source: Source<T>,
    options: CoordinatedSourceOptions<T>,
    readonly restored: SourceCheckpoint | undefined,
    now: () => number = Date.now,
  ) {
    this.#timestamp = options.timestamp;
    this.#watermarks = new BoundedOutOfOrdernessWatermarks(options.maxOutOfOrderness);
    this.#watermarkEvery = options.watermarkEvery ?? 1;
    this.#idleTimeout = options.idleTimeout ?? Number.POSITIVE_INFINITY;
    this.#now = now;
  }

  /** Checks the arguments of `CheckpointCoordinator.source`; throws `INVALID_ARGUMENT` naming the bad one. */
  static check(name: string, source: Source<unknown> | undefined, options: CoordinatedSourceOptions<never> | undefined): void {
    const where = `CheckpointCoordinator.source('${name}')`;
    const bad = (message: string): CheckpointError => new CheckpointError('INVALID_ARGUMENT', message);
    if (typeof name !== 'string' || name.length === 0) throw bad(`CheckpointCoordinator.source: name must be a non-empty string, got ${describeValue(name)}`);
    if (typeof source?.open !== 'function') throw bad(`${where}: expected a Source, got ${describeValue(source)}`);
    checkSourceOptionKeys(where, options);
    if (typeof options !== 'object' || options === null) throw bad(`${where}: expected options { timestamp, maxOutOfOrderness }, got ${describeValue(options)}`);
    if (options.timestamp !== undefined && typeof options.timestamp !== 'function') throw bad(`${where}: option \`timestamp\` must be a function, got ${describeValue(options.timestamp)}`);
    if (!Number.isSafeInteger(options.maxOutOfOrderness) || options.maxOutOfOrderness < 0) {
      throw bad(`${where}: option \`maxOutOfOrderness\` must be a non-negative integer number of ms, got ${describeValue(options.maxOutOfOrderness)}`);
    }
    const every = options.watermarkEvery ?? 1;
    if (!Number.isSafeInteger(every) || every < 1) throw bad(`${where}: option \`watermarkEvery\` must be a positive integer, got ${describeValue(every)}`);
    const idle = options.idleTimeout;
    if (idle !== undefined && (typeof idle !== 'number' || !(idle > 0))) throw bad(`${where}: option \`idleTimeout\` must be a positive number of ms, got ${describeValue(idle)}`);
  }

  /** The last watermark emitted. */
  get watermark(): number {
    return this.#watermarks.watermark;
  }

  /** The largest timestamp seen (`-Infinity` before the first record). */
  get maxTimestamp(): number {
    return this.#watermarks.maxTimestamp;
  }

  /** Each partition's event time, once the reader named partitions; `undefined` otherwise. O(partitions). */
  partitionStates(): Record<string, SourcePartitionCheckpoint> | undefined {
    return this.#partitions?.state();
  }

  /** Values each partition delivered in this run, once the reader named partitions; `undefined` otherwise. O(partitions). */
  partitionRecordsRead(): Record<string, number> | undefined {
    return this.#partitions?.recordsRead();
  }

  async open(): Promise<void> {
    try {
      this.reader = await this.source.open(this.restored?.offset);
    } catch (err) {
      throw err instanceof CheckpointError ? err : new CheckpointError('SOURCE', `source '${this.name}' (${this.source.describe()}) failed to open: ${messageOf(err)}`, { cause: err });
    }
    if (this.restored !== undefined) {
      this.#watermarks.maxTimestamp = this.restored.maxTimestamp;
      this.#watermarks.watermark = this.restored.watermark;
      this.#sinceWatermark = this.restored.sinceWatermark;
      if (this.restored.partitions !== undefined) this.#partitionWatermarks().restore(this.restored.partitions, this.#now());
    }
    if (this.reader.partitions !== undefined) this.#syncPartitions();
  }

  /** On a resumed job: re-emits the restored watermark, so operators downstream start from it. */
  emitRestoredWatermark(): void {
    if (this.restored !== undefined && this.watermark > Number.NEGATIVE_INFINITY) this.subscriber?.next({ kind: 'watermark', timestamp: this.watermark });
  }

  /** At the end of input: closes event time with a `+Infinity` watermark. */
  closeEventTime(): void {
    if (this.#watermarks.watermark === Number.POSITIVE_INFINITY) return;
    this.#watermarks.watermark = Number.POSITIVE_INFINITY;
    this.subscriber?.next({ kind: 'watermark', timestamp: Number.POSITIVE_INFINITY });
  }

  /**
   * Reads and emits exactly `n` values unless the input ends first (then `exhausted`); returns
   * how many. Values go downstream one at a time as the reader produces them when it implements
   * `readEach`, else a batch at a time. A reader of unbounded input (one with `ended`) is read
   * once per call: up to `n` values, maybe none. Then the partitions' idleness is checked.
   */
  async pull(n: number): Promise<number> {
    const reader = this.reader!;
    const unbounded = reader.ended !== undefined;
    let total = 0;
    while (total < n) {
      let got: number;
      try {
        if (reader.readEach !== undefined) {
          const r = reader.readEach(n - total, this.emitOne);
          got = typeof r === 'number' ? r : await r;
        } else {
          const values = await reader.read(n - total);
          for (const v of values) this.emitOne(v);
          got = values.length;
        }
      } catch (err) {
        throw err instanceof CheckpointError ? err : new CheckpointError('SOURCE', `source '${this.name}' (${this.source.describe()}) failed to read: ${messageOf(err)}`, { cause: err });
      }
      if (got === 0) {
        if (!unbounded || reader.ended!()) this.exhausted = true;
        break;
      }
      total += got;
      if (unbounded) break;
    }
    if (this.#partitions !== undefined || reader.partitions !== undefined) this.#syncPartitions();
    this.recordsRead += total;
    return total;
  }

  #partitionWatermarks(): PartitionWatermarks {
    return (this.#partitions ??= new PartitionWatermarks(this.#watermarks.maxOutOfOrderness, this.#idleTimeout));
  }

  /** Applies the reader's partition list and the idle timeout; emits the watermark if that raised it. */
  #syncPartitions(): void {
    if (this.#partitionWatermarks().sync(this.#now(), this.reader?.partitions?.())) this.#advance();
  }

  /** Raises the watermark if the records (or the partitions' idleness) allow; emits each rise. */
  #advance(): void {
    let wm: number | undefined;
    if (this.#partitions === undefined) {
      wm = this.#watermarks.advance();
    } else {
      const min = this.#partitions.advance();
      if (min !== undefined && min > this.#watermarks.watermark) wm = this.#watermarks.watermark = min;
    }
    if (wm !== undefined) this.subscriber?.next({ kind: 'watermark', timestamp: wm });
  }

  /** Stamps one value (of `partition`, at the reader's `timestamp` if it knows it), emits it and, when due, the watermark. */
  readonly emitOne = (value: T, partition?: string, timestamp?: number): void => {
    const sub = this.subscriber;
    if (sub === undefined) return;
    const ts = this.#timestamp === undefined ? this.#given(value, timestamp) : this.#stamp(this.#timestamp, value);
    sub.next({ kind: 'record', value, timestamp: ts });
    this.#watermarks.observe(ts);
    if (partition !== undefined) this.#partitionWatermarks().observe(partition, ts);
    if (++this.#sinceWatermark >= this.#watermarkEvery) {
      this.#sinceWatermark = 0;
      this.#advance();
    }
  };

  #stamp(timestamp: (value: T) => number, value: T): number {
    let ts: number;
    try {
      ts = timestamp(value);
    } catch (err) {
      throw new CheckpointError('SOURCE', `source '${this.name}': the timestamp function threw for ${describeValue(value)}: ${messageOf(err)}`, { cause: err });
    }
    if (typeof ts !== 'number' || !Number.isFinite(ts)) {
      throw new CheckpointError('SOURCE', `source '${this.name}': the timestamp function must return a finite number, got ${describeValue(ts)} for ${describeValue(value)}`);
    }
    return ts;
  }

  #given(value: T, ts: number | undefined): number {
    if (typeof ts !== 'number' || !Number.isFinite(ts)) {
      throw new CheckpointError(
        'SOURCE',
        `source '${this.name}' (${this.source.describe()}) gave ${describeValue(value)} without a finite timestamp (got ${describeValue(ts)}): pass the source option \`timestamp\``,
      );
    }
    return ts;
  }

  /** What this source contributes to a checkpoint taken now. */
  state(): SourceCheckpoint {
    const state: SourceCheckpoint = { offset: this.reader!.offset(), maxTimestamp: this.#watermarks.maxTimestamp, watermark: this.#watermarks.watermark, sinceWatermark: this.#sinceWatermark };
    return this.#partitions === undefined ? state : { ...state, partitions: this.#partitions.state() };
  }
}
