// The emit policy alone: its arithmetic per mode, and a window's life driven through it against
// a plain reference model of what each mode promises.
import fc from 'fast-check';
import { EmitPolicy, STEP_EARLY, STEP_FIRE, STEP_PURGE } from '../../operators/emitPolicy';
import type { EmitMode } from '../../operators/WindowOptions';

const INF = Number.POSITIVE_INFINITY;
const MODES: readonly EmitMode[] = ['watermark', 'final', 'changelog'];
const policyOf = (emit: EmitMode, allowedLateness = 0, earlyFiring?: number): EmitPolicy => new EmitPolicy({ emit, allowedLateness, earlyFiring });

describe('EmitPolicy', () => {
  it.each([
    // mode, fireTime of [0, 10) with lateness 5, emitsOnChange at wm 8 / 9, kindOf(true), retracts
    ['watermark', 9, false, true, 'update', false],
    ['final', 14, false, false, 'update', false],
    ['changelog', INF, true, true, 'insert', true],
  ] as const)("emit '%s': fires at %d; answers a change at wm 8: %s, at wm 9: %s; a re-emission is an %s", (mode, fire, at8, at9, kind, retracts) => {
    const p = policyOf(mode, 5);
    expect(p.purgeTime(10)).toBe(14);
    expect(p.isLate(10, 13)).toBe(false);
    expect(p.isLate(10, 14)).toBe(true);
    expect(p.fireTime(10)).toBe(fire);
    expect(p.firesOnWatermark).toBe(mode !== 'changelog');
    expect(p.emitsOnChange(10, 8)).toBe(at8);
    expect(p.emitsOnChange(10, 9)).toBe(at9);
    expect(p.kindOf(true)).toBe(kind);
    expect(p.kindOf(false)).toBe('insert');
    expect(p.retracts).toBe(retracts);
  });

  it('firstEarly is the first early instant after the watermark, and +Infinity without earlyFiring', () => {
    expect(policyOf('watermark').firstEarly(0, 100)).toBe(INF);
    const p = policyOf('watermark', 0, 3);
    expect(p.firstEarly(0, -INF)).toBe(3);
    expect(p.firstEarly(0, 2)).toBe(3);
    expect(p.firstEarly(0, 3)).toBe(6);
    expect(p.firstEarly(-10, -4.5)).toBe(-4);
    fc.assert(
      fc.property(fc.integer({ min: -1000, max: 1000 }), fc.integer({ min: 1, max: 50 }), fc.integer({ min: -2000, max: 2000 }), (start, every, wm) => {
        const e = policyOf('watermark', 0, every).firstEarly(start, wm);
        const k = (e - start) / every;
        expect(Number.isInteger(k) && k >= 1).toBe(true);
        expect(e).toBeGreaterThan(wm);
        // the one before it is not after the watermark, or is the window's start
        expect(k === 1 || e - every <= wm).toBe(true);
      }),
    );
  });

  it('a window is due (dueTime <= wm) exactly when step has something to do', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...MODES),
        fc.integer({ min: -50, max: 50 }),
        fc.integer({ min: 1, max: 30 }),
        fc.integer({ min: 0, max: 20 }),
        fc.option(fc.integer({ min: 1, max: 10 }), { nil: undefined }),
        fc.integer({ min: -60, max: 120 }),
        fc.integer({ min: -60, max: 120 }),
        fc.boolean(),
        (mode, start, size, lateness, early, openWm, wm, fired) => {
          const p = policyOf(mode, lateness, mode === 'watermark' ? early : undefined);
          const end = start + size;
          const nextEarly = p.firstEarly(start, openWm);
          expect(p.step(end, nextEarly, fired, wm) !== 0).toBe(p.dueTime(end, nextEarly, fired) <= wm);
          // nothing is due before the window's first early instant or its last instant
          expect(p.dueTime(end, nextEarly, fired)).toBeGreaterThanOrEqual(Math.min(start + 1, end - 1));
        },
      ),
    );
  });

  /** What each mode promises for one window over a rising watermark. */
  function reference(mode: EmitMode, start: number, end: number, lateness: number, early: number | undefined, openWm: number, wms: readonly number[]): number[] {
    const purgeAt = end - 1 + lateness;
    let fired = false;
    let prev = openWm;
    const out: number[] = [];
    for (const wm of wms) {
      let mask = 0;
      if (mode === 'watermark' && !fired) {
        // an early instant start + k * early (k >= 1) before the window's last instant was crossed
        if (early !== undefined) {
          for (let e = start + early; e < end - 1 && e <= wm; e += early) if (e > prev) mask |= STEP_EARLY;
        }
        if (end - 1 <= wm) {
          mask |= STEP_FIRE;
          fired = true;
        }
      }
      if (mode === 'final' && purgeAt <= wm) mask |= STEP_FIRE;
      if (purgeAt <= wm) mask |= STEP_PURGE;
      out.push(mask);
      prev = wm;
      if (purgeAt <= wm) break;
    }
    return out;
  }

  it("drives a window's life as the reference says: early firings, one regular firing, one purge", () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...MODES),
        fc.integer({ min: -20, max: 20 }),
        fc.integer({ min: 1, max: 20 }),
        fc.integer({ min: 0, max: 10 }),
        fc.option(fc.integer({ min: 1, max: 6 }), { nil: undefined }),
        fc.integer({ min: -40, max: 0 }),
        fc.array(fc.integer({ min: 1, max: 8 }), { minLength: 1, maxLength: 30 }),
        (mode, start, size, lateness, early, openWm, steps) => {
          const end = start + size;
          const wms: number[] = [];
          let wm = openWm;
          for (const d of steps) wms.push((wm += d));
          wms.push(INF);
          const early_ = mode === 'watermark' ? early : undefined;
          const p = policyOf(mode, lateness, early_);
          // the engines' loop: ask step at every watermark reaching the window's due time
          let nextEarly = p.firstEarly(start, openWm);
          let fired = false;
          const got: number[] = [];
          for (const w of wms) {
            const due = p.dueTime(end, nextEarly, fired) <= w;
            const mask = p.step(end, nextEarly, fired, w);
            expect(due).toBe(mask !== 0);
            got.push(mask);
            if ((mask & STEP_EARLY) !== 0) nextEarly = p.firstEarly(start, w);
            if ((mask & STEP_FIRE) !== 0) fired = true;
            if ((mask & STEP_PURGE) !== 0) break;
          }
          expect(got).toEqual(reference(mode, start, end, lateness, early_, openWm, wms));
        },
      ),
      { numRuns: 500 },
    );
  });
});
