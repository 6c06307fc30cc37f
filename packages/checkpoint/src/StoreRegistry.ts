import { InMemoryStore, StateError, describeValue, messageOf, type StateStore } from '@weir/state';
import { CheckpointError } from './CheckpointError';
import type { CheckpointData } from './CheckpointStorage';

/**
 * Internal: the job's stores by name. A checkpoint being resumed is restored into stores made by
 * the store factory when the job opens (so that a store that cannot be restored makes recovery
 * fall back to an older checkpoint, as a corrupt manifest does); the pipeline then claims each
 * store by name with `job.store(name)`. Only claimed stores take part in checkpoints.
 */
export class StoreRegistry {
  readonly #factory: (name: string) => StateStore;
  readonly #byName = new Map<string, StateStore>();
  readonly #names = new Map<StateStore, string>();
  readonly #claimed = new Set<string>();

  constructor(factory: ((name: string) => StateStore) | undefined) {
    this.#factory = factory ?? (() => new InMemoryStore());
  }

  /**
   * Restores every store of `checkpoint` (creating each on first use). A store whose snapshot
   * bytes do not decode (`StateError` `CORRUPTION` or `DESERIALIZATION`) throws `CheckpointError`
   * `CORRUPT_CHECKPOINT` naming the checkpoint, the store and where its bytes came from, after
   * emptying every store again; any other failure (a full disk under a persistent store) is
   * rethrown as it is: it says nothing about the checkpoint. O(total entries).
   */
  restore(checkpoint: CheckpointData): void {
    for (const [name, bytes] of Object.entries(checkpoint.stores)) {
      const store = this.#create(name);
      try {
        store.restore(bytes);
      } catch (err) {
        this.reset();
        if (err instanceof StateError && (err.code === 'CORRUPTION' || err.code === 'DESERIALIZATION')) {
          const where = checkpoint.origin?.stores[name] ?? checkpoint.origin?.checkpoint ?? `checkpoint ${checkpoint.id}`;
          throw new CheckpointError('CORRUPT_CHECKPOINT', `store '${name}' of checkpoint ${checkpoint.id} (${where}) cannot be restored: ${messageOf(err)}`, { cause: err });
        }
        throw err;
      }
    }
  }

  /** Empties every store made so far (a restore attempt that failed). */
  reset(): void {
    for (const store of this.#byName.values()) store.clear();
  }

  /** The store named `name` for the pipeline: the restored one, or a new one. */
  claim(name: string): StateStore {
    if (typeof name !== 'string' || name.length === 0) throw new CheckpointError('INVALID_ARGUMENT', `CheckpointCoordinator.store: name must be a non-empty string, got ${describeValue(name)}`);
    this.#claimed.add(name);
    return this.#create(name);
  }

  /** The name of a claimed store, or `undefined`. */
  nameOf(store: StateStore): string | undefined {
    const name = this.#names.get(store);
    return name !== undefined && this.#claimed.has(name) ? name : undefined;
  }

  /** The claimed store named `name`, or `undefined` (never creates one). */
  claimedStore(name: string): StateStore | undefined {
    return this.#claimed.has(name) ? this.#byName.get(name) : undefined;
  }

  has(name: string): boolean {
    return this.#claimed.has(name);
  }

  /** The names of the claimed stores. */
  claimed(): ReadonlySet<string> {
    return this.#claimed;
  }

  /** Restored stores the pipeline never claimed (state of a changed pipeline). */
  unclaimed(): string[] {
    return [...this.#byName.keys()].filter((n) => !this.#claimed.has(n));
  }

  /** Drops the unclaimed stores' state (`allowNonRestoredState`). */
  dropUnclaimed(): void {
    for (const name of this.unclaimed()) {
      const store = this.#byName.get(name)!;
      store.clear();
      this.#byName.delete(name);
      this.#names.delete(store);
    }
  }

  #create(name: string): StateStore {
    let store = this.#byName.get(name);
    if (store === undefined) {
      store = this.#factory(name);
      this.#byName.set(name, store);
      this.#names.set(store, name);
    }
    return store;
  }
}
