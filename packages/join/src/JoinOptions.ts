import type { StateStore } from '@weir/state';
import type { CheckpointOptions, StreamRecord } from '@weir/stream';
import type { JoinError } from './JoinError';

/**
 * Options every join operator takes.
 *
 * @typeParam L - the left (piped) input's value type
 * @typeParam R - the right (argument) input's value type
 */
export interface JoinOptions<L, R> extends CheckpointOptions {
  /** Where both sides' buffers, table rows, pending rows and the watermark live. */
  readonly store: StateStore;
  /**
   * The operator's stable name: its keys' prefix in the store (several operators can share one
   * store) and its identity in checkpoints and errors. Defaults to the operator kind; give each
   * operator sharing a store a distinct name.
   */
  readonly name?: string;
  /**
   * How many changed rows each input side keeps in memory, decoded, until the next checkpoint
   * barrier; default 8,192 (the fast setting: no tuning needed). Rows that arrive and leave
   * between two barriers never touch the store; at a barrier the waiting rows are written, so a
   * barrier writes at most `cacheSize` rows per side (about 2 us per row on an `InMemoryStore`:
   * a barrier's pause grows with the rows held, up to this bound; see the join barrier benchmark).
   * When the set is full, a further change is written at once (no stall). 0 writes every change
   * through (the shortest barrier). Either way every change is in the store before a snapshot is
   * taken, and a value that cannot be stored is refused when it arrives.
   */
  readonly cacheSize?: number;
  /**
   * The job's number of key groups (an integer in [1, 32768]); default 128. Every row is filed
   * under the key group of its join key (docs/architecture.md §4.3), so one key group is one
   * contiguous byte range of the store and a rescale moves state by key-group ranges
   * (`sliceKeyGroups` / `restoreFromSlices` of `@weir/state` with `mergeJoinOperatorScope`).
   * Recorded in the meta entry at each barrier; a restore with another number fails with a
   * {@link JoinError} `INVALID_ARGUMENT` naming both: it is fixed for the life of a job's
   * checkpoints. Cost: one hash of the join key per row written or deleted, and one seek per key
   * group on restore.
   */
  readonly keyGroups?: number;
  /**
   * How far behind the watermark (ms of event time) a record is still joined; default 0. The
   * lateness rule of every operator (docs/concepts/event-time.md): a record at `ts <= W -
   * allowedLateness`, `W` being the join's input watermark when it arrives, is late: not joined,
   * counted (`lateLeft` / `lateRight`) and handed to `onLateLeft` / `onLateRight`. Rows stay in
   * state that much longer, and the forwarded watermark is `W - allowedLateness` (or lower), so no
   * output row is late for the next operator.
   */
  readonly allowedLateness?: number;
  /** The late side output of the left input: receives each late left record, also counted. */
  readonly onLateLeft?: (record: StreamRecord<L>) => void;
  /** The late side output of the right input: receives each late right record, also counted. */
  readonly onLateRight?: (record: StreamRecord<R>) => void;
  /**
   * Receives each record a key function rejected, or whose value could not be stored, with the
   * error (`error.side` names its input). Without it such a record errors the stream with a
   * {@link JoinError} naming the operator and the value.
   */
  readonly onInvalid?: (record: StreamRecord<L> | StreamRecord<R>, error: JoinError) => void;
}
