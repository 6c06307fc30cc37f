// Internal: the pending timers of a window operator, kept in its store in time order.
import { decodeTuple, type StateStore } from '@weir/state';
import { TIMER, type WindowKeys } from './windowState';

/** One timer as stored: when it is due, the window it belongs to, and the engine's flags. */
export interface Timer {
  readonly due: number;
  readonly end: number;
  readonly start: number;
  /** A byte of flags: {@link TIMER_FIRED}. */
  readonly flags: number;
  /** The timer's store key: what {@link TimerIndex.remove} takes. */
  readonly key: Uint8Array;
}

/** A timer flag: its window has fired and waits for late records until its purge. */
export const TIMER_FIRED = 1;

const LIMIT = Number.MAX_SAFE_INTEGER;

/** A due time as stored: timer keys hold safe integers, so times beyond them are clamped. */
const clamp = (t: number): number => (t > LIMIT ? LIMIT : t < -LIMIT ? -LIMIT : t);

/**
 * The time-ordered index of a window operator's pending timers (Flink's timer service), kept in
 * the operator's {@link StateStore} under the operator's key prefix, so a checkpoint snapshots it
 * with the rest of the operator's state and a restored operator finds its timers where it left
 * them (docs/architecture.md, "operator/state contract").
 *
 * Key layout, built with the order-preserving key codecs of `@weir/state`:
 * ```
 * FF FF name 04 int(due) int(end) int(start)  ->  [flags]
 * ```
 * `FF FF` the operator scope (timers belong to no key group), `name` the operator's name (a
 * tuple string), `04` the TIMER section of windowState.ts, and
 * `int(x)` a signed 64-bit big-endian integer with the sign bit flipped, so keys sort by due time,
 * then by window. The timers due at a watermark `wm` are then exactly the keys in
 * `[FF FF name 04, FF FF name 04 int(floor(wm) + 1))`: one range scan, O(log n + due), however many windows
 * are open. Due times are whole milliseconds; one beyond the safe integers is stored as
 * `±Number.MAX_SAFE_INTEGER` (it is then reported due early, and the engine, which asks the
 * {@link EmitPolicy} what is really due, finds nothing to do yet).
 *
 * One timer per window: an engine that moves a window's timer removes the old key and adds the
 * new one. The index keeps no copy in memory; an engine keeps the key of each of its timers.
 *
 * @example
 * ```ts
 * const timers = new TimerIndex(store, keys);
 * slot.timer = timers.add(slot.end - 1, slot.end, slot.start, 0);
 * for (const t of timers.dueAt(watermark)) fire(t.end);  // in due order
 * timers.remove(slot.timer);
 * ```
 */
export class TimerIndex {
  private readonly prefixLength: number;
  private readonly section: Uint8Array;

  constructor(
    private readonly store: StateStore,
    private readonly keys: WindowKeys,
  ) {
    this.prefixLength = keys.componentsAt;
    this.section = keys.section(TIMER);
  }

  /** Adds (or replaces) the timer of window `[start, end)` due at `due`; returns its key. O(log n). */
  add(due: number, end: number, start: number, flags: number): Uint8Array {
    const key = this.keys.timer(clamp(due), end, start);
    this.store.put(key, Uint8Array.of(flags));
    return key;
  }

  /** Removes the timer stored under `key` (from {@link add} or a {@link Timer}). O(log n). */
  remove(key: Uint8Array): void {
    this.store.delete(key);
  }

  /**
   * Every timer due at watermark `wm` (`due <= wm`), in (due, end, start) order. O(log n + due).
   * The result is a copy: the caller may add and remove timers while going through it.
   */
  dueAt(wm: number): Timer[] {
    if (Number.isNaN(wm)) return [];
    const bound = Math.floor(wm) + 1;
    const entries =
      bound > LIMIT ? this.store.prefixScan(this.section) : this.store.rangeScan(this.section, this.keys.timersFrom(clamp(bound)));
    const out: Timer[] = [];
    for (const [key, value] of entries) out.push(this.decode(key, value));
    return out;
  }

  /** Every timer, in due order (what an engine reads when it subscribes). O(n). */
  all(): Timer[] {
    return this.dueAt(Number.POSITIVE_INFINITY);
  }

  /** The earliest due time, or +Infinity without timers. O(log n). */
  earliest(): number {
    for (const [key] of this.store.prefixScan(this.section)) return decodeTuple(key, this.prefixLength)[0] as number;
    return Number.POSITIVE_INFINITY;
  }

  private decode(key: Uint8Array, value: Uint8Array): Timer {
    const [due, end, start] = decodeTuple(key, this.prefixLength) as [number, number, number];
    return { due, end, start, flags: value[0] ?? 0, key };
  }
}
