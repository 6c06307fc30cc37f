import type { Entry, StateSnapshot } from '@weir/state';
import { CheckpointError } from './CheckpointError';
import type { SourceCheckpoint } from './CheckpointStorage';
import type { Json } from './Json';

/** Internal: one checkpoint between its barrier's injection and its commit (or failure). */
export interface PendingCheckpoint {
  readonly id: number;
  /** Wall-clock trigger time (epoch ms), stored in the checkpoint. */
  readonly time: number;
  /** Processing-time trigger time (the coordinator's clock). */
  readonly startedAt: number;
  /** Taken at the end of input: it must succeed. */
  readonly final: boolean;
  readonly sources: Record<string, SourceCheckpoint>;
  /** The operators expected to acknowledge, and those that did. */
  readonly operators: ReadonlySet<string>;
  readonly acked: Set<string>;
  readonly snapshots: Map<string, StateSnapshot>;
  /** Per store, the entries its snapshot still needs (OperatorSnapshot.deferred). */
  readonly deferred: Map<string, Iterator<Entry>>;
  readonly sinkStates: Map<string, Promise<Json>>;
  /** Callers of `checkpointNow` waiting for this checkpoint. */
  readonly done: Array<(id: number) => void>;
  /** Every operator and sink acknowledged. */
  acknowledged: boolean;
  alignmentMs: number;
  barrierMs: number;
  /** The longest record-path stall while in flight (see `CheckpointReport.pauseMs`). */
  pauseMs: number;
}

/**
 * Internal: the barrier bookkeeping of a coordinator (docs/architecture.md §4): which operators
 * take part, which checkpoints are in flight, and when each has every acknowledgement (each
 * operator's snapshot, each sink's pre-commit); then `onAcknowledged` hands it on to be persisted.
 */
export class CheckpointTracker {
  readonly #operators = new Map<string, number>();
  readonly #pending = new Map<number, PendingCheckpoint>();

  constructor(
    private readonly sinkCount: () => number,
    private readonly onAcknowledged: (p: PendingCheckpoint) => void,
    private readonly now: () => number,
  ) {}

  /** Checkpoints in flight. */
  get inFlight(): number {
    return this.#pending.size;
  }

  /** Counts an operator instance in; returns its unregistration. */
  register(operator: string): () => void {
    this.#operators.set(operator, (this.#operators.get(operator) ?? 0) + 1);
    return () => {
      const n = (this.#operators.get(operator) ?? 1) - 1;
      if (n <= 0) this.#operators.delete(operator);
      else this.#operators.set(operator, n);
    };
  }

  /** Opens checkpoint `id`, expecting every operator registered now. */
  begin(id: number, sources: Record<string, SourceCheckpoint>, done: Array<(id: number) => void>, final: boolean, now: number): PendingCheckpoint {
    const p: PendingCheckpoint = {
      id,
      time: Date.now(),
      startedAt: now,
      final,
      sources,
      operators: new Set(this.#operators.keys()),
      acked: new Set(),
      snapshots: new Map(),
      deferred: new Map(),
      sinkStates: new Map(),
      done,
      acknowledged: false,
      alignmentMs: 0,
      barrierMs: 0,
      pauseMs: 0,
    };
    this.#pending.set(id, p);
    return p;
  }

  /** The pending checkpoint `id`; throws `STATE` naming `who` when the coordinator did not trigger it. */
  get(id: number, who: string): PendingCheckpoint {
    const p = this.#pending.get(id);
    if (p === undefined) throw new CheckpointError('STATE', `${who} reported checkpoint ${id}, which the coordinator did not trigger`);
    return p;
  }

  /** Whether a checkpoint in flight has every acknowledgement (it is being persisted). */
  persisting(): boolean {
    for (const p of this.#pending.values()) if (p.acknowledged) return true;
    return false;
  }

  /** Whether checkpoint `id` is still in flight. */
  has(id: number): boolean {
    return this.#pending.has(id);
  }

  /** Records an operator's snapshot of store `store`. */
  snapshotTaken(p: PendingCheckpoint, operator: string, store: string, snapshot: StateSnapshot, deferred?: Iterator<Entry>): void {
    if (p.snapshots.has(store)) {
      throw new CheckpointError('STATE', `store '${store}' was reported twice at checkpoint ${p.id} (last by operator '${operator}'): give each stateful operator its own store`);
    }
    p.snapshots.set(store, snapshot);
    if (deferred !== undefined) p.deferred.set(store, deferred);
    p.acked.add(operator);
    this.check(p);
  }

  /** Records a sink's pre-commit. */
  preCommitted(p: PendingCheckpoint, sink: string, state: Promise<Json>): void {
    p.sinkStates.set(sink, state);
    this.check(p);
  }

  /** Hands `p` on once every operator and sink acknowledged it. */
  check(p: PendingCheckpoint): void {
    if (p.acknowledged) return;
    for (const op of p.operators) if (!p.acked.has(op)) return;
    if (p.sinkStates.size < this.sinkCount()) return;
    p.acknowledged = true;
    p.alignmentMs = this.now() - p.startedAt;
    this.onAcknowledged(p);
  }

  /** Ends `p`'s flight (committed or failed). */
  finish(p: PendingCheckpoint): void {
    this.#pending.delete(p.id);
  }

  /** Records a stall of the record path against every checkpoint in flight. */
  notePause(ms: number): void {
    for (const p of this.#pending.values()) if (ms > p.pauseMs) p.pauseMs = ms;
  }

  /** What checkpoint `p` still waits for, for an error message. */
  missing(p: PendingCheckpoint, sinks: readonly string[]): string {
    const ops = [...p.operators].filter((op) => !p.acked.has(op)).map((m) => `operator '${m}'`);
    return [...ops, ...sinks.filter((s) => !p.sinkStates.has(s)).map((s) => `sink '${s}'`)].join(', ');
  }
}
