import type { Json } from './Json';

/**
 * Output with two-phase commit: what a job writes becomes visible only when the checkpoint that
 * covers it has been persisted, so a job that crashes and resumes never shows output twice or
 * loses any (docs/architecture.md §5.4-5.5 and §6).
 *
 * Implement it for your own output; the built-ins are {@link jsonLinesSink} and
 * {@link collectingSink}.
 *
 * @typeParam T - the values written
 */
export interface Sink<T> {
  /** A short description for logs and errors ("JSON Lines in out/"). */
  describe(): string;
  /**
   * Opens the sink for a job that resumes from a checkpoint whose state for this sink was
   * `restored` (what a `preCommit` returned), or that starts fresh (`undefined`). Recovery
   * happens here: output that `restored` covers is committed (idempotently: it may already be),
   * and everything else written before the crash is discarded, including output committed by
   * checkpoints newer than the restored one (when the newest checkpoint was found corrupt and an
   * older one restored): the replay writes it again, identically for a deterministic job, so
   * visible output may briefly step back but never shows anything twice. A fresh start owns the
   * sink's output: the built-in sinks delete what an earlier run left. May be async.
   */
  open(restored: Json | undefined): SinkWriter<T> | Promise<SinkWriter<T>>;
}

/** An open {@link Sink}. Calls come in order: writes, `preCommit(n)`, more writes, ... */
export interface SinkWriter<T> {
  /** Writes one value (not yet visible). Called on the record path: keep it cheap (buffer). */
  write(value: T): void;
  /**
   * Phase one, at barrier `checkpointId`: makes everything written since the previous barrier
   * durable but not visible, and returns the state that lets {@link Sink.open} commit it after a
   * crash (JSON, stored in the checkpoint). The cut is made by the call itself: output written
   * after it returns belongs to the next checkpoint, even while its promise is pending. Ids
   * strictly increase, across restarts too (a resumed job continues above the restored id). May
   * be async; the checkpoint is persisted only after it resolves. Calls may overlap a pending
   * `commit`; the sink orders its own I/O.
   */
  preCommit(checkpointId: number): Json | Promise<Json>;
  /**
   * Phase two: checkpoint `checkpointId` is persisted; make everything pre-committed up to it
   * visible. Idempotent; may be called for a later id without the earlier ones (a failed
   * checkpoint is covered by the next one), and for an id that was never pre-committed (it
   * commits whatever is pending up to it).
   */
  commit(checkpointId: number): void | Promise<void>;
  /** Releases resources; uncommitted output stays pending until the next `open`. */
  close?(): void | Promise<void>;
}
