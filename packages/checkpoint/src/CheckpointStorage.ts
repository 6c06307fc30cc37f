import type { Json } from './Json';

/** What one source contributes to a checkpoint. */
export interface SourceCheckpoint {
  /** The reader's offset at the barrier. */
  readonly offset: Json;
  /** The source's event-time state at the barrier: the largest timestamp seen (`-Infinity` if none) and its watermark. */
  readonly maxTimestamp: number;
  readonly watermark: number;
  /** Records read since the source's last watermark emission (so emission points replay exactly). */
  readonly sinceWatermark: number;
  /**
   * A partitioned source's event-time state per partition, by partition name (absent for an
   * unpartitioned source, and in checkpoints written before partitions existed). `maxTimestamp`
   * and `watermark` above are then the source's: the largest timestamp of any partition and
   * the watermark last emitted (the minimum over the partitions that were not idle).
   */
  readonly partitions?: Readonly<Record<string, SourcePartitionCheckpoint>>;
}

/** One partition's event-time state in a {@link SourceCheckpoint}. */
export interface SourcePartitionCheckpoint {
  /** The largest timestamp the partition delivered (`-Infinity` if none). */
  readonly maxTimestamp: number;
  /** The partition's own watermark (`-Infinity` before its first). */
  readonly watermark: number;
  /** Whether the partition was idle (not holding the source's watermark back). */
  readonly idle: boolean;
}

/** One complete checkpoint: every store, every source and every sink at barrier `id`. */
export interface CheckpointData {
  /** The checkpoint (barrier) id; increases across the job's life, restarts included. */
  readonly id: number;
  /** When the checkpoint was triggered, epoch ms (wall clock; informational). */
  readonly time: number;
  /** Each source's position, by source name. */
  readonly sources: Readonly<Record<string, SourceCheckpoint>>;
  /** Each sink's pre-commit state, by sink name. */
  readonly sinks: Readonly<Record<string, Json>>;
  /** Each store's encoded snapshot (`StateSnapshot.encode()` bytes), by store name. */
  readonly stores: Readonly<Record<string, Uint8Array>>;
  /**
   * Where a loaded checkpoint was read from, for messages: the checkpoint as a whole and each
   * store (a file path, an object name). Storages fill it in on `load`; `save` ignores it.
   */
  readonly origin?: CheckpointOrigin;
}

/** Where a loaded checkpoint and each of its stores were read from (see {@link CheckpointData.origin}). */
export interface CheckpointOrigin {
  readonly checkpoint: string;
  readonly stores: Readonly<Record<string, string>>;
}

/**
 * A store's encoded snapshot as {@link CheckpointStorage.save} receives it: all its bytes at once,
 * or its chunks in order, produced as the storage reads them. The checkpoint coordinator hands
 * over chunks, encoded slice by slice between record batches, so that a large store never sits
 * in memory whole and never stalls the record path while it is written. Read either form with
 * {@link encodedChunks}.
 */
export type EncodedStore = Uint8Array | AsyncIterable<Uint8Array>;

/** A checkpoint as {@link CheckpointStorage.save} receives it: {@link CheckpointData} whose stores may come in chunks. */
export interface CheckpointToSave extends Omit<CheckpointData, 'stores' | 'origin'> {
  /** Each store's encoded snapshot, by store name: bytes, or chunks to read in order once. */
  readonly stores: Readonly<Record<string, EncodedStore>>;
}

/** What {@link CheckpointStorage.list} reports about one stored checkpoint. */
export interface CheckpointInfo {
  readonly id: number;
  /** When it was triggered (epoch ms); `NaN` when the manifest cannot be read. */
  readonly time: number;
  /** Total bytes of the store snapshots. */
  readonly bytes: number;
  /** Each store's name, encoded size and CRC-32. */
  readonly stores: ReadonlyArray<{ readonly name: string; readonly bytes: number; readonly crc32: number }>;
  readonly sources: Readonly<Record<string, SourceCheckpoint>>;
  /** Whether the manifest and every file check out; `reason` says why not. */
  readonly valid: boolean;
  readonly reason?: string;
}

/**
 * Where checkpoints are kept: {@link FileCheckpointStorage} (durable) or
 * {@link MemoryCheckpointStorage} (tests). Implement it to keep them elsewhere (object storage, a
 * database); a checkpoint must appear atomically: either completely or not at all.
 */
export interface CheckpointStorage {
  /** A short description for logs ("checkpoints in ./chk"). */
  describe(): string;
  /**
   * Optional: `true` when {@link save} is done with each store chunk (has written or copied it)
   * before it asks for the next one. The coordinator then encodes all of a store's chunks into
   * one reused buffer instead of a new array each (`StateSnapshot.encodeChunks` with
   * `reuseBuffer`), so a checkpoint of a large store hands the garbage collector no ~40 KiB array
   * per 1,024 entries (docs/architecture.md §5.8). Leave it unset when `save` keeps chunks (to
   * join them, or to send several at once).
   */
  readonly copiesChunks?: boolean;
  /**
   * Persists a checkpoint atomically and durably, then prunes old ones. Ids must be higher than
   * every stored id (a coordinator numbers on from the highest one listed); saving an existing id
   * replaces it. Store bytes may arrive in chunks ({@link EncodedStore}): read each store's
   * chunks once, in order (a store's chunk iterator may throw: the save fails then). Rejects
   * when the checkpoint could not be made durable; the coordinator counts that as a failed
   * checkpoint and, past its tolerance, fails the job.
   */
  save(checkpoint: CheckpointToSave): Promise<void>;
  /** Every stored checkpoint, newest first, each checked. */
  list(): Promise<CheckpointInfo[]>;
  /** Loads one checkpoint; throws `CheckpointError` `CORRUPT_CHECKPOINT` or `NO_CHECKPOINT`. */
  load(id: number): Promise<CheckpointData>;
}
