import type { StateStore } from './StateStore';

/**
 * Whether `value` looks like a {@link StateStore} (an object with `get`, `put` and `snapshot`):
 * the check operators make on their `store` option before using it, so a wrong value gets a
 * clear error naming the operator instead of a TypeError later. O(1).
 *
 * @example
 * ```ts
 * if (!isStateStore(options.store)) throw new Error('myOperator: option `store` must be a StateStore');
 * ```
 */
export function isStateStore(value: unknown): value is StateStore {
  const store = value as Partial<StateStore> | null;
  return typeof store === 'object' && store !== null && typeof store.get === 'function' && typeof store.put === 'function' && typeof store.snapshot === 'function';
}
