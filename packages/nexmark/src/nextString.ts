import { nextInt, nextUint32 } from './eventRandom';
import { MIN_STRING_LENGTH } from './modelConstants';
import { EXTRA_POOL, EXTRA_POOL_LENGTH, TEXT_POOL, TEXT_POOL_LENGTH } from './modelStrings';

/**
 * The model's `StringsGenerator.nextString(maxLength)`: 3 .. maxLength - 1 random characters
 * (lowercase letters, 1 in 13 a space), trimmed. A slice of a precomputed pool of such
 * characters: draws two random numbers, allocates at most one slice. O(1).
 *
 * @param maxLength - at least 4 and at most the pool's length
 */
export function nextString(maxLength: number): string {
  const length = MIN_STRING_LENGTH + nextInt(maxLength - MIN_STRING_LENGTH);
  const start = nextInt(TEXT_POOL_LENGTH - length + 1);
  return TEXT_POOL.substring(start, start + length).trim();
}

/**
 * The model's `StringsGenerator.nextExtra`: padding such that `currentSize + padding.length`
 * averages `desiredAverageSize` (uniform within ±20% of the missing size), or `''` when the event
 * is already that large. Lowercase letters sliced from a precomputed pool: one random draw (its
 * high 16 bits pick the length, its low 16 bits where in the pool), one slice. O(1).
 *
 * @param currentSize - the event's size without padding, counted as the model does
 * @param desiredAverageSize - the model's average size for this kind of event (at most ~50,000)
 */
export function nextExtra(currentSize: number, desiredAverageSize: number): string {
  if (currentSize > desiredAverageSize) return '';
  const missing = desiredAverageSize - currentSize;
  const delta = Math.round(missing * 0.2);
  const bits = nextUint32();
  const length = missing - delta + (((bits >>> 16) * 2 * delta) >>> 16);
  const start = ((bits & 0xffff) * (EXTRA_POOL_LENGTH - length + 1)) >>> 16;
  return EXTRA_POOL.substring(start, start + length);
}
