import fc from 'fast-check';
import { cumulativeWindows } from '../../assigners/cumulativeWindows';
import { MAX_TIMESTAMP, MAX_WINDOW_SIZE, MIN_TIMESTAMP } from '../../limits';
import type { Window } from '../../Window';
import { windowContains } from '../../Window';
import { WindowError } from '../../WindowError';
import { alignedExact, offset, timestamp } from '../arbitraries';

/**
 * Plain oracle: for every integer base that could start t's period, if it is aligned to maxSize,
 * list its windows [base, base + k*step) and keep those containing t.
 */
function bruteForce(step: number, maxSize: number, off: number, t: number): Window[] {
  const out: Window[] = [];
  for (let base = t - maxSize; base <= t; base++) {
    if ((((base - off) % maxSize) + maxSize) % maxSize !== 0) continue;
    for (let end = base + step; end <= base + maxSize; end += step) {
      if (base <= t && t < end) out.push({ start: base, end });
    }
  }
  return out;
}

/** [step, maxSize] with maxSize a multiple of step, up to 20 windows per period. */
const stepMax = (maxStep: number): fc.Arbitrary<[number, number]> =>
  fc.tuple(fc.integer({ min: 1, max: maxStep }), fc.integer({ min: 1, max: 20 })).map(([step, k]) => [step, step * k]);

describe('cumulativeWindows', () => {
  it('assigns the growing windows of t whose end is after t', () => {
    const c = cumulativeWindows(10, 30);
    expect(c.assign(0)).toEqual([
      { start: 0, end: 10 },
      { start: 0, end: 20 },
      { start: 0, end: 30 },
    ]);
    expect(c.assign(9)).toHaveLength(3);
    expect(c.assign(10)).toEqual([
      { start: 0, end: 20 },
      { start: 0, end: 30 },
    ]);
    expect(c.assign(14)).toEqual([
      { start: 0, end: 20 },
      { start: 0, end: 30 },
    ]);
    expect(c.assign(29)).toEqual([{ start: 0, end: 30 }]);
    expect(c.assign(30)).toHaveLength(3);
    expect(c.assign(30)[0]).toEqual({ start: 30, end: 40 });
  });

  it('works before the epoch and with negative offsets', () => {
    const c = cumulativeWindows(10, 30);
    expect(c.assign(-1)).toEqual([{ start: -30, end: 0 }]);
    expect(c.assign(-30)).toEqual([
      { start: -30, end: -20 },
      { start: -30, end: -10 },
      { start: -30, end: 0 },
    ]);
    const shifted = cumulativeWindows(10, 30, -5);
    expect(shifted.offset).toBe(25);
    expect(shifted.assign(-6)).toEqual([
      { start: -35, end: -5 },
    ]);
    expect(shifted.assign(-5)).toEqual([
      { start: -5, end: 5 },
      { start: -5, end: 15 },
      { start: -5, end: 25 },
    ]);
    expect(shifted.windowBase(3)).toBe(-5);
    expect(shifted.firstWindowEnd(3)).toBe(5);
    expect(shifted.firstWindowEnd(5)).toBe(15);
  });

  it('daily totals updated hourly', () => {
    const hour = 3_600_000;
    const c = cumulativeWindows(hour, 24 * hour);
    const t = Date.UTC(2024, 4, 1, 13, 30);
    const ws = c.assign(t);
    expect(ws).toHaveLength(11); // ends 14:00, 15:00, .., 24:00
    expect(ws[0]).toEqual({ start: Date.UTC(2024, 4, 1), end: Date.UTC(2024, 4, 1, 14) });
    expect(ws[10]).toEqual({ start: Date.UTC(2024, 4, 1), end: Date.UTC(2024, 4, 2) });
  });

  it('step == maxSize behaves as tumbling', () => {
    expect(cumulativeWindows(7, 7, 3).assign(-1)).toEqual([{ start: -4, end: 3 }]);
  });

  it('exposes its configuration and kind, and is frozen', () => {
    const c = cumulativeWindows(10, 30, 31);
    expect([c.kind, c.step, c.maxSize, c.offset]).toEqual(['cumulative', 10, 30, 1]);
    expect(Object.isFrozen(c)).toBe(true);
  });

  it('rejects bad configuration and timestamps with named errors', () => {
    expect(() => cumulativeWindows(10, 25)).toThrow(/^cumulativeWindows: maxSize must be a multiple of step \(10\), got number 25$/);
    expect(() => cumulativeWindows(0, 30)).toThrow(/^cumulativeWindows: step must be .* got number 0$/);
    expect(() => cumulativeWindows(10, -30)).toThrow(/^cumulativeWindows: maxSize must be .* got number -30$/);
    expect(() => cumulativeWindows(10, 30, 0.1)).toThrow(/^cumulativeWindows: offset must be/);
    expect(() => cumulativeWindows(NaN, 30)).toThrow(WindowError);
    const c = cumulativeWindows(10, 30);
    for (const call of [() => c.assign(NaN), () => c.windowBase(1.5), () => c.firstWindowEnd(MAX_TIMESTAMP + 1)]) {
      expect(call).toThrow(WindowError);
    }
    expect(() => c.assign(Infinity)).toThrow(/^cumulativeWindows\(step=10, maxSize=30, offset=0\): timestamp .* got number Infinity$/);
  });

  it('works at the ends of the timestamp range with the largest sizes', () => {
    const c = cumulativeWindows(MAX_WINDOW_SIZE, MAX_WINDOW_SIZE, 777);
    for (const t of [MIN_TIMESTAMP, MAX_TIMESTAMP]) {
      const [w] = c.assign(t);
      expect(windowContains(w!, t)).toBe(true);
      expect(Number.isSafeInteger(w!.start) && Number.isSafeInteger(w!.end)).toBe(true);
    }
  });

  it('property: returns exactly the windows a brute-force enumeration finds', () => {
    fc.assert(
      fc.property(stepMax(12), offset(), timestamp(), ([step, maxSize], off, t) => {
        expect(cumulativeWindows(step, maxSize, off).assign(t)).toEqual(bruteForce(step, maxSize, off, t));
      }),
      { numRuns: 500 },
    );
  });

  it('property: windows contain t, share a maxSize-aligned base, grow by step, and end with the full period', () => {
    fc.assert(
      fc.property(stepMax(1e9), offset(), timestamp(), ([step, maxSize], off, t) => {
        const c = cumulativeWindows(step, maxSize, off);
        const ws = c.assign(t);
        const base = c.windowBase(t);
        expect(ws.length).toBeGreaterThanOrEqual(1);
        expect(ws.length).toBeLessThanOrEqual(maxSize / step);
        expect(alignedExact(base, off, maxSize)).toBe(true);
        expect(ws[0]!.end).toBe(c.firstWindowEnd(t));
        expect(ws[ws.length - 1]).toEqual({ start: base, end: base + maxSize });
        const bad = ws.filter(
          (w, i) => w.start !== base || !windowContains(w, t) || (w.end - base) % step !== 0 || (i > 0 && w.end !== ws[i - 1]!.end + step),
        );
        expect(bad).toEqual([]);
        // The window just before the first one (if any in this period) ends at or before t.
        expect(ws[0]!.end - step <= t).toBe(true);
      }),
    );
  });
});
