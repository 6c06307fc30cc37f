/**
 * What a result record says about its window:
 * - `insert`: the window's first result for this key;
 * - `update`: a newer result replacing the previous one (a record arrived within the allowed
 *   lateness, or after an early firing);
 * - `retract`: withdraws a result emitted earlier (`changelog` mode; sessions that merged).
 */
export type WindowResultKind = 'insert' | 'update' | 'retract';

/**
 * One windowed aggregate, as the window operators emit it inside a record stamped with the
 * window's max timestamp (`end - 1`).
 *
 * @example
 * ```ts
 * { key: '/home', start: 1_700_000_040_000, end: 1_700_000_100_000, value: 42, kind: 'insert' }
 * ```
 */
export interface WindowResult<K, R> {
  /** The group key the `key` option computed. */
  readonly key: K;
  /** Window start, epoch ms (inclusive). */
  readonly start: number;
  /** Window end, epoch ms (exclusive). */
  readonly end: number;
  /** The aggregate's result for the window. */
  readonly value: R;
  /** Whether this result is a window's first, a replacement, or a withdrawal. */
  readonly kind: WindowResultKind;
}
