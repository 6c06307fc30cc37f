import type { StateStore } from '@weir/state';
import type { CheckpointHook } from '@weir/stream';

/**
 * What a Nexmark query needs from the job that runs it: a store per stateful operator, the
 * checkpoint hook, and the write-back cache size its operators use.
 *
 * @example
 * ```ts
 * // plain in-memory stores, no checkpoints
 * const ctx: QueryContext = { store: () => new InMemoryStore(), cacheSize: 10_000 };
 * // under a checkpoint coordinator
 * const ctx: QueryContext = { store: (name) => job.store(name), checkpoint: job, cacheSize: 10_000 };
 * ```
 */
export interface QueryContext {
  /** A fresh store for the stateful operator `name` (one store per operator). */
  store(name: string): StateStore;
  /** The checkpoint hook every stateful operator reports its snapshots to (omit: no checkpoints). */
  readonly checkpoint?: CheckpointHook;
  /**
   * The `cacheSize` of every window and join operator (see their options). Default 0: every
   * state change written through to the store.
   */
  readonly cacheSize?: number;
  /**
   * The generator's event rate, when not Nexmark's default 10,000 events/s: the join queries
   * derive their event-time bounds from it.
   */
  readonly config?: { readonly firstEventRate?: number };
}
