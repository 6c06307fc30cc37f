/**
 * The lateness rule (docs/architecture.md §2.4): a record is late when its timestamp is at or
 * below the operator's current watermark minus its allowed lateness. With the initial watermark (`-Infinity`) nothing
 * is late; with the final one (`+Infinity`) everything is. O(1).
 *
 * @param timestamp - the record's event time
 * @param currentWatermark - the operator's current (input) watermark
 * @param allowedLateness - how far behind the watermark a record may still be accepted, in ms (>= 0)
 *
 * @example
 * ```ts
 * isLate(95, 100);      // true: at or below the watermark
 * isLate(95, 100, 10);  // false: within the allowed lateness
 * isLate(90, 100, 10);  // true
 * ```
 */
export function isLate(timestamp: number, currentWatermark: number, allowedLateness = 0): boolean {
  return timestamp <= currentWatermark - allowedLateness;
}
