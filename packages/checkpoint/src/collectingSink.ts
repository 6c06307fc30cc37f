import { describeValue } from '@weir/state';
import { parsePartSinkState } from './partSinkState';
import { CheckpointError } from './CheckpointError';
import type { Json } from './Json';
import type { Sink, SinkWriter } from './Sink';

/** A {@link collectingSink}: a two-phase {@link Sink} that keeps its output in memory. */
export interface CollectingSink<T> extends Sink<T> {
  /** The visible output: every committed value, in checkpoint order then write order. O(values). */
  committed(): readonly T[];
  /** Values pre-committed but not yet committed (waiting for their checkpoint), in order. O(values). */
  pending(): readonly T[];
  /** Values the current writer wrote since its last `preCommit` (lost by a crash). O(values). */
  inProgress(): readonly T[];
}

/**
 * An in-memory two-phase-commit {@link Sink} for tests and small outputs: it behaves like
 * {@link jsonLinesSink}, with the sink object itself playing the durable medium, so a test can
 * simulate a crash by opening the same object again with an older checkpoint's state.
 *
 * **Phases.** `write` buffers in the current writer; `preCommit(n)` moves that buffer to a
 * pending part `n` (none if empty) and returns `{ upTo: n, pending: [ids] }`, the pending part ids
 * up to `n` (the values stay in this object, not in the state, so they need not be JSON);
 * `commit(n)` makes every pending part up to `n` visible, in id order.
 *
 * **Recovery** (`open`). With a restored state: the parts it lists are committed (if not
 * already), every other pending part and the previous writer's buffer are discarded, and
 * committed parts with an id above `upTo` are dropped (a newer checkpoint that was since found
 * corrupt; the replay writes them again). With `undefined`: everything is cleared. A writer
 * superseded by a later `open` (the "crashed" one) throws a `CheckpointError` `STATE` from
 * every call but `close`. A restored state naming parts this object never held (a fresh object
 * after a real restart) throws `SINK`: the output lived in the old process's memory.
 *
 * **Cost.** `write` is an array push; `preCommit` and `commit` are O(parts).
 *
 * @example
 * ```ts
 * const sink = collectingSink<number>();
 * const w = await sink.open(undefined);
 * w.write(1);
 * const state = await w.preCommit(1); // { upTo: 1, pending: [1] }
 * sink.committed();                   // []
 * await w.commit(1);
 * sink.committed();                   // [1]
 * ```
 */
export function collectingSink<T>(): CollectingSink<T> {
  const where = 'collectingSink';
  const committedParts = new Map<number, T[]>();
  const pendingParts = new Map<number, T[]>();
  let generation = 0;
  let buffer: T[] = [];

  const inOrder = (parts: Map<number, T[]>): T[] => [...parts.keys()].sort((a, b) => a - b).flatMap((id) => parts.get(id) ?? []);
  const checkId = (op: string, id: unknown): number => {
    if (typeof id !== 'number' || !Number.isSafeInteger(id) || id < 0) {
      throw new CheckpointError('INVALID_ARGUMENT', `${where}: ${op} needs a checkpoint id (a non-negative integer), got ${describeValue(id)}`);
    }
    return id;
  };

  function recover(restored: Json | undefined): number {
    if (restored === undefined) {
      committedParts.clear();
      pendingParts.clear();
      return -1;
    }
    const state = parsePartSinkState(restored);
    if (state === undefined) {
      throw new CheckpointError('SINK', `${where}: cannot recover from ${describeValue(restored)}: expected { upTo, pending: [ids] } as returned by preCommit`);
    }
    for (const id of state.pending) {
      if (!pendingParts.has(id) && !committedParts.has(id)) {
        throw new CheckpointError(
          'SINK',
          `${where}: cannot recover checkpoint ${state.upTo}: it covers part ${id}, which this sink never held (a collectingSink keeps its output in memory: reopen the same object)`,
        );
      }
    }
    for (const id of state.pending) {
      const values = pendingParts.get(id);
      if (values !== undefined) committedParts.set(id, values);
    }
    pendingParts.clear();
    for (const id of [...committedParts.keys()]) if (id > state.upTo) committedParts.delete(id);
    return state.upTo;
  }

  return {
    describe: () => 'collecting sink (in memory)',
    committed: () => inOrder(committedParts),
    pending: () => inOrder(pendingParts),
    inProgress: () => buffer.slice(),

    open(restored: Json | undefined): SinkWriter<T> {
      let lastPreCommit = recover(restored);
      const mine = ++generation;
      buffer = [];
      const live = (op: string): void => {
        if (mine !== generation) {
          throw new CheckpointError('STATE', `${where}: ${op} on a writer superseded by a later open() (it belongs to a crashed run)`);
        }
      };
      const stillPending = (upTo: number): number[] => [...pendingParts.keys()].filter((id) => id <= upTo).sort((a, b) => a - b);

      return {
        write(value: T): void {
          live('write');
          buffer.push(value);
        },
        preCommit(checkpointId: number): Json {
          live('preCommit');
          checkId('preCommit', checkpointId);
          if (checkpointId <= lastPreCommit) {
            throw new CheckpointError('STATE', `${where}: preCommit(${checkpointId}) after checkpoint ${lastPreCommit}: checkpoint ids must increase`);
          }
          lastPreCommit = checkpointId;
          if (buffer.length > 0) pendingParts.set(checkpointId, buffer);
          buffer = [];
          return { upTo: checkpointId, pending: stillPending(checkpointId) };
        },
        commit(checkpointId: number): void {
          live('commit');
          checkId('commit', checkpointId);
          for (const id of stillPending(checkpointId)) {
            committedParts.set(id, pendingParts.get(id) ?? []);
            pendingParts.delete(id);
          }
        },
        close(): void {},
      };
    },
  };
}
