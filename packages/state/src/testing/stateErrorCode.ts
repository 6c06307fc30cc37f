import { StateError } from '../StateError';

/**
 * The `StateError` code `fn` throws, for tests of a store: `undefined` when it throws nothing,
 * and a `"not a StateError: ..."` text (which no code equals) when it throws something else.
 *
 * @example
 * ```ts
 * expect(stateErrorCode(() => store.restore(damaged))).toBe('CORRUPTION');
 * ```
 */
export function stateErrorCode(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (err) {
    return err instanceof StateError ? err.code : `not a StateError: ${String(err)}`;
  }
  return undefined;
}
