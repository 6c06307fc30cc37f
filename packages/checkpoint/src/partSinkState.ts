// Internal: the pre-commit state both built-in sinks keep in a checkpoint: the checkpoint id it
// covers and the ids of the parts still pending (pre-committed, not yet committed) up to it.
import type { Json } from './Json';

/** A sink's checkpointed state. */
export interface PartSinkState {
  readonly upTo: number;
  readonly pending: number[];
}

/** Reads a state written by `preCommit`, or `undefined` when it is not one. */
export function parsePartSinkState(state: Json): PartSinkState | undefined {
  if (state === null || typeof state !== 'object' || Array.isArray(state)) return undefined;
  const { upTo, pending } = state as { readonly [key: string]: Json };
  if (typeof upTo !== 'number' || !Number.isSafeInteger(upTo) || upTo < 0) return undefined;
  if (!Array.isArray(pending)) return undefined;
  const ids: number[] = [];
  for (const id of pending as readonly Json[]) {
    if (typeof id !== 'number' || !Number.isSafeInteger(id) || id < 0 || id > upTo) return undefined;
    ids.push(id);
  }
  return { upTo, pending: ids };
}
