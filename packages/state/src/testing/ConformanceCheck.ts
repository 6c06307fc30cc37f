import type { StateStore } from '../StateStore';

/** Creates a fresh, empty store for one check. */
export type StoreFactory = () => StateStore;

/** One named check of the StateStore contract; `run` throws when the store breaks it. */
export interface ConformanceCheck {
  /** What the check verifies, used as the test title. */
  readonly name: string;
  /** Runs the check against fresh stores from `factory`; throws an Error describing a violation. */
  run(factory: StoreFactory): void;
}
