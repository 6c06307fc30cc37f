/**
 * A value with the event timestamp (epoch ms) of the record it came from: the plain-data unit
 * that {@link first}, {@link last} and {@link collect} keep in their accumulators (a two-element
 * array, so msgpack stores it compactly).
 *
 * @example
 * ```ts
 * const acc: TimestampedValue<string> = [1_700_000_000_000, 'login'];
 * ```
 */
export type TimestampedValue<V> = [timestamp: number, value: V];

/**
 * Internal: true for a two-element array whose first element is a safe-integer timestamp; the
 * shape check the codecs run on decoded accumulators. O(1).
 */
export function isTimestampedValue(x: unknown): x is TimestampedValue<unknown> {
  return Array.isArray(x) && x.length === 2 && Number.isSafeInteger(x[0]);
}
