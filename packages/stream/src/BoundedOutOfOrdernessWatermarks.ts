/**
 * The bounded-out-of-orderness watermark rule (Flink's `BoundedOutOfOrdernessWatermarks`), kept in
 * one place for every source that stamps event time: {@link withEventTime} and the checkpoint
 * coordinator's sources.
 *
 * With `maxTimestamp` the largest timestamp observed and `bound` the allowed out-of-orderness, the
 * watermark is `maxTimestamp - bound - 1`: a record at most `bound` ms behind the largest
 * timestamp has `ts >= maxTimestamp - bound > watermark`, so it is on time. The watermark only
 * rises; {@link advance} reports each rise once. O(1) per call, no allocation.
 *
 * The two fields are public so that a source can store them in a checkpoint and restore them.
 *
 * @example
 * ```ts
 * const wm = new BoundedOutOfOrdernessWatermarks(5_000);
 * wm.observe(10_000);
 * wm.advance(); // 4999
 * wm.observe(8_000);
 * wm.advance(); // undefined: no rise
 * ```
 */
export class BoundedOutOfOrdernessWatermarks {
  /** The largest timestamp observed; `-Infinity` before the first. */
  maxTimestamp = Number.NEGATIVE_INFINITY;
  /** The last watermark {@link advance} reported; `-Infinity` before the first. */
  watermark = Number.NEGATIVE_INFINITY;

  /** @param maxOutOfOrderness - how far (ms) a record may trail the largest timestamp and be on time; >= 0 */
  constructor(readonly maxOutOfOrderness: number) {}

  /** Takes a record's timestamp into account. */
  observe(timestamp: number): void {
    if (timestamp > this.maxTimestamp) this.maxTimestamp = timestamp;
  }

  /** Raises the watermark to `maxTimestamp - maxOutOfOrderness - 1` if that is higher: returns it then, else `undefined`. */
  advance(): number | undefined {
    const candidate = this.maxTimestamp - this.maxOutOfOrderness - 1;
    if (!(candidate > this.watermark)) return undefined;
    this.watermark = candidate;
    return candidate;
  }
}
