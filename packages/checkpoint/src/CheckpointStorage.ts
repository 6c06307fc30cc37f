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
   * Persists a checkpoint atomically and durably, then prunes old ones. Ids must be higher than
   * every stored id (a coordinator numbers on from the highest one listed); saving an existing id
   * replaces it.
   */
  save(checkpoint: CheckpointData): Promise<void>;
  /** Every stored checkpoint, newest first, each checked. */
  list(): Promise<CheckpointInfo[]>;
  /** Loads one checkpoint; throws `CheckpointError` `CORRUPT_CHECKPOINT` or `NO_CHECKPOINT`. */
  load(id: number): Promise<CheckpointData>;
}
