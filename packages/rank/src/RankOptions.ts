import type { StateStore } from '@weir/state';
import type { CheckpointHook, StreamRecord } from '@weir/stream';
import type { RankError } from './RankError';

/**
 * The options every rank operator ({@link deduplicate}, {@link topN}) shares.
 *
 * @typeParam T - the record values
 */
export interface RankOptions<T> {
  /** Where the operator keeps all of its state (docs/architecture.md §3.1). */
  readonly store: StateStore;
  /** The operator's stable name: its keys' prefix in the store and its identity in checkpoints. Default: the operator kind. */
  readonly name?: string;
  /**
   * The group of rows a record belongs to: a string, a safe integer, a 64-bit bigint or a
   * Uint8Array (build a string for a composite key: `` `${b.bidder}:${b.auction}` ``).
   */
  readonly key: (value: T) => unknown;
  /** The job's number of key groups (docs/architecture.md §6). Default 128; fixed for the life of the job's checkpoints. */
  readonly keyGroups?: number;
  /** How far behind the watermark (ms) a record is still ranked: late when `ts <= watermark - allowedLateness`. Default 0. */
  readonly allowedLateness?: number;
  /** The late side output: a late record (counted in `lateRecords`), never ranked. */
  readonly onLate?: (record: StreamRecord<T>) => void;
  /** Receives a record that cannot be handled (bad key, key function threw, value not storable); without it such a record errors the stream. */
  readonly onInvalid?: (record: StreamRecord<T>, error: RankError) => void;
  /** The coordinator's hook: the operator reports its snapshot at every barrier (docs/architecture.md §5.3). */
  readonly checkpoint?: CheckpointHook;
}
