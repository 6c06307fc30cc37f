import { CheckpointError } from './CheckpointError';
import type { ResolvedCoordinatorOptions } from './CheckpointCoordinatorOptions';
import type { CheckpointData } from './CheckpointStorage';
import { loadLatestCheckpoint } from './loadLatestCheckpoint';
import { StoreRegistry } from './StoreRegistry';

/** Internal: what {@link recoverLatestCheckpoint} found. */
export interface Recovery {
  /** The stores, restored from `restored` (or empty). */
  readonly stores: StoreRegistry;
  /** The checkpoint resumed from, or `undefined` for a fresh start. */
  readonly restored: CheckpointData | undefined;
  /** The highest checkpoint id stored, valid or not: new checkpoints are numbered above it. */
  readonly highestId: number;
}

/**
 * Internal: the recovery step of `CheckpointCoordinator.open` (docs/architecture.md §6): lists the
 * storage, then restores the stores of the newest checkpoint that loads and whose every store
 * decodes, falling back past corrupt ones (logged). When checkpoints exist but none is valid,
 * rejects with `CORRUPT_CHECKPOINT` (starting over would make the sinks discard committed output)
 * unless `ifAllCorrupt: 'start-fresh'`. O(entries of the checkpoint restored).
 */
export async function recoverLatestCheckpoint(o: ResolvedCoordinatorOptions): Promise<Recovery> {
  const listed = await o.storage.list();
  const highestId = listed.reduce((max, info) => Math.max(max, info.id), 0);
  const stores = new StoreRegistry(o.options.storeFactory);
  const refused = new Map<number, string>();
  const restored = await loadLatestCheckpoint(o.storage, o.log, listed, (data) => {
    try {
      stores.restore(data);
    } catch (err) {
      if (err instanceof CheckpointError) refused.set(data.id, err.message);
      throw err;
    }
  });
  if (restored === undefined && listed.length > 0 && (o.options.ifAllCorrupt ?? 'fail') === 'fail') {
    const newest = listed[0]!;
    throw new CheckpointError(
      'CORRUPT_CHECKPOINT',
      `CheckpointCoordinator.open: none of the ${listed.length} checkpoint(s) in ${o.storage.describe()} is valid ` +
        `(newest: ${newest.id}, ${refused.get(newest.id) ?? newest.reason ?? 'unreadable'}); starting over would discard the committed output. ` +
        "Delete the checkpoints (and the output) to start over, or pass ifAllCorrupt: 'start-fresh'.",
    );
  }
  if (restored !== undefined && restored.id === highestId) o.log?.(`restoring checkpoint ${restored.id} from ${o.storage.describe()}`); // after skipping, loadLatestCheckpoint said so
  return { stores, restored, highestId };
}

/**
 * Internal: when a job starts from `restored`, checks that its pipeline creates every store,
 * source and sink the checkpoint holds state for; else fails with `UNKNOWN_STORE` (the pipeline
 * changed), or, with `allowNonRestoredState`, drops the state of the stores it does not claim.
 */
export function checkRestoredNames(restored: CheckpointData, stores: StoreRegistry, sources: readonly string[], sinks: readonly string[], allowNonRestoredState: boolean): void {
  if (allowNonRestoredState) {
    stores.dropUnclaimed();
    return;
  }
  const unknown = [
    ...stores.unclaimed().map((n) => `store '${n}'`),
    ...Object.keys(restored.sources).filter((n) => !sources.includes(n)).map((n) => `source '${n}'`),
    ...Object.keys(restored.sinks).filter((n) => !sinks.includes(n)).map((n) => `sink '${n}'`),
  ];
  if (unknown.length > 0) {
    throw new CheckpointError(
      'UNKNOWN_STORE',
      `checkpoint ${restored.id} holds state for ${unknown.join(', ')}, which this job does not create: the pipeline changed. ` +
        'Restore with the pipeline that wrote it, or pass allowNonRestoredState: true to drop that state.',
    );
  }
}
