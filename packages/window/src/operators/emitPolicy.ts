// Internal: the emit policy every window engine asks what to emit and when, so that the
// meaning of the `emit` and `earlyFiring` options lives in one place (Flink's trigger, for the
// three fixed modes of EmitMode).
import type { EmitMode } from './WindowOptions';
import type { WindowResultKind } from './WindowResult';

/** {@link EmitPolicy.step}: fire the changed results early (`earlyFiring`). */
export const STEP_EARLY = 1;
/** {@link EmitPolicy.step}: fire the window's regular result (on time, or final). */
export const STEP_FIRE = 2;
/** {@link EmitPolicy.step}: the allowed lateness is over: delete the window's state. */
export const STEP_PURGE = 4;

/** The options the policy is made of (a subset of the resolved window options). */
export interface EmitPolicyOptions {
  readonly emit: EmitMode;
  readonly allowedLateness: number;
  readonly earlyFiring: number | undefined;
}

/**
 * When a window emits, and what: the one reading of the `emit`, `allowedLateness` and
 * `earlyFiring` options that the aligned, pane and session engines share. Pure arithmetic on a
 * window's bounds and the watermark: the engines keep the state (what was emitted, the timers).
 *
 * A window `[start, end)` has three instants:
 * - its last instant `end - 1`: where its results are stamped, and where `'watermark'` mode fires;
 * - early firings `start + k * earlyFiring` before that (`'watermark'` mode with `earlyFiring`);
 * - its purge time `end - 1 + allowedLateness`: after it the window's state is deleted and its
 *   records are late; `'final'` mode fires there, once.
 * `'changelog'` mode never fires on the watermark: every change answers at once, as a retraction
 * of the previous result and an insert of the new one.
 *
 * Every method is O(1) and allocation-free.
 *
 * @example
 * ```ts
 * const policy = new EmitPolicy({ emit: 'watermark', allowedLateness: 5, earlyFiring: undefined });
 * policy.fireTime(10);   // 9: fires when the watermark reaches the last instant of [0, 10)
 * policy.purgeTime(10);  // 14: kept for late records until then
 * policy.step(10, Infinity, false, 9) === STEP_FIRE;
 * ```
 */
export class EmitPolicy {
  readonly mode: EmitMode;
  readonly lateness: number;
  readonly earlyFiring: number | undefined;
  /** Whether an answer to a change withdraws the previous result first (`'changelog'`). */
  readonly retracts: boolean;
  /** Whether windows fire on the watermark at all (all modes but `'changelog'`). */
  readonly firesOnWatermark: boolean;
  private readonly onWatermark: boolean;
  private readonly final: boolean;

  constructor(options: EmitPolicyOptions) {
    this.mode = options.emit;
    this.lateness = options.allowedLateness;
    this.earlyFiring = options.earlyFiring;
    this.retracts = options.emit === 'changelog';
    this.firesOnWatermark = !this.retracts;
    this.onWatermark = options.emit === 'watermark';
    this.final = options.emit === 'final';
  }

  /** When the window ending at `end` is purged: its state deleted, any later record late. */
  purgeTime(end: number): number {
    return end - 1 + this.lateness;
  }

  /** Whether a record for the window ending at `end` is late at watermark `wm`. */
  isLate(end: number, wm: number): boolean {
    return end - 1 + this.lateness <= wm;
  }

  /**
   * When the window ending at `end` fires its regular result: at its last instant
   * (`'watermark'`), at its purge time (`'final'`), never (`'changelog'`: +Infinity, which even
   * the final watermark of +Infinity does not reach: see {@link firesOnWatermark}).
   */
  fireTime(end: number): number {
    if (this.onWatermark) return end - 1;
    return this.final ? end - 1 + this.lateness : Number.POSITIVE_INFINITY;
  }

  /**
   * The first early firing of a window starting at `start` after watermark `wm`
   * (`start + k * earlyFiring`, k >= 1), or +Infinity without `earlyFiring`.
   */
  firstEarly(start: number, wm: number): number {
    const every = this.earlyFiring;
    if (every === undefined || !this.onWatermark) return Number.POSITIVE_INFINITY;
    const k = Math.max(1, Math.floor((wm - start) / every) + 1);
    return start + k * every;
  }

  /**
   * Whether a record that changed the window ending at `end`, at watermark `wm`, is answered at
   * once: every change in `'changelog'` mode; in `'watermark'` mode once the window has fired (a
   * record within the allowed lateness updates it); never in `'final'` mode.
   */
  emitsOnChange(end: number, wm: number): boolean {
    return this.retracts || (this.onWatermark && end - 1 <= wm);
  }

  /**
   * The kind of a result for a key whose window did (`emittedBefore`) or did not emit before. In
   * `'changelog'` mode the previous result is retracted first, so the new one is an insert.
   */
  kindOf(emittedBefore: boolean): WindowResultKind {
    return emittedBefore && !this.retracts ? 'update' : 'insert';
  }

  /**
   * The next watermark at which something is due for a window: its next early firing or its last
   * instant while its regular firing is pending (`'watermark'` mode), else its purge time.
   *
   * @param end - the window's end (exclusive)
   * @param nextEarly - its next early firing ({@link firstEarly}), +Infinity if none
   * @param fired - whether its regular firing is behind it
   */
  dueTime(end: number, nextEarly: number, fired: boolean): number {
    const onTime = end - 1;
    if (!this.onWatermark || fired) return onTime + this.lateness;
    return nextEarly < onTime ? nextEarly : onTime;
  }

  /**
   * What is due for a window at watermark `wm`, as a mask of {@link STEP_EARLY} (fire the changed
   * results early; then the engine moves `nextEarly` on), {@link STEP_FIRE} (fire the regular
   * result; then the window counts as fired) and {@link STEP_PURGE} (delete the window), to be
   * carried out in that order. 0 when nothing is due.
   */
  step(end: number, nextEarly: number, fired: boolean, wm: number): number {
    const onTime = end - 1;
    const purgeAt = onTime + this.lateness;
    let mask = purgeAt <= wm ? STEP_PURGE : 0;
    if (this.onWatermark) {
      if (!fired) {
        if (nextEarly <= wm && nextEarly < onTime) mask |= STEP_EARLY;
        if (onTime <= wm) mask |= STEP_FIRE;
      }
    } else if (this.final && purgeAt <= wm) {
      mask |= STEP_FIRE;
    }
    return mask;
  }
}
