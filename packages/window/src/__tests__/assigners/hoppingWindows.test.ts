import fc from 'fast-check';
import { hoppingWindows } from '../../assigners/hoppingWindows';
import { MAX_TIMESTAMP, MAX_WINDOW_SIZE, MIN_TIMESTAMP } from '../../limits';
import type { Window } from '../../Window';
import { windowContains } from '../../Window';
import { WindowError } from '../../WindowError';
import { alignedExact, offset, timestamp } from '../arbitraries';

/** Plain oracle: try every integer start that could contain t, keep the aligned ones. */
function bruteForce(size: number, slide: number, off: number, t: number): Window[] {
  const out: Window[] = [];
  for (let s = t - size - slide; s <= t; s++) {
    const aligned = (((s - off) % slide) + slide) % slide === 0;
    if (aligned && s <= t && t < s + size) out.push({ start: s, end: s + size });
  }
  return out;
}

const small = (max: number): fc.Arbitrary<number> => fc.integer({ min: 1, max });

/** [size, slide] with at most 50 windows per record: size/slide dividing or not, and gaps (size < slide). */
const sizeSlide = (maxSlide: number): fc.Arbitrary<[number, number]> =>
  fc
    .tuple(fc.integer({ min: 1, max: maxSlide }), fc.integer({ min: 1, max: 50 }), fc.nat())
    .map(([slide, k, extra]) => [Math.max(1, k * slide - (extra % slide)), slide]);

describe('hoppingWindows', () => {
  it('assigns size/slide overlapping windows, ascending by start', () => {
    const w = hoppingWindows(10_000, 5_000);
    expect(w.assign(12_000)).toEqual([
      { start: 5_000, end: 15_000 },
      { start: 10_000, end: 20_000 },
    ]);
    expect(w.assign(10_000)).toEqual([
      { start: 5_000, end: 15_000 },
      { start: 10_000, end: 20_000 },
    ]);
    expect(w.assign(-1)).toEqual([
      { start: -10_000, end: 0 },
      { start: -5_000, end: 5_000 },
    ]);
  });

  it('handles a slide that does not divide the size (2 or 3 windows)', () => {
    const w = hoppingWindows(10, 4);
    expect(w.assign(0)).toEqual([
      { start: -8, end: 2 },
      { start: -4, end: 6 },
      { start: 0, end: 10 },
    ]);
    expect(w.assign(2)).toEqual([
      { start: -4, end: 6 },
      { start: 0, end: 10 },
    ]);
    expect(w.paneSize).toBe(2);
  });

  it('returns no window for a record in a gap (slide > size)', () => {
    const w = hoppingWindows(2_000, 5_000);
    expect(w.assign(0)).toEqual([{ start: 0, end: 2_000 }]);
    expect(w.assign(1_999)).toEqual([{ start: 0, end: 2_000 }]);
    expect(w.assign(2_000)).toEqual([]);
    expect(w.assign(4_999)).toEqual([]);
    expect(w.assign(5_000)).toEqual([{ start: 5_000, end: 7_000 }]);
    expect(w.assign(-3_001)).toEqual([{ start: -5_000, end: -3_000 }]);
    expect(w.assign(-3_000)).toEqual([]);
    expect(w.firstWindowStart(3_000)).toBeGreaterThan(w.lastWindowStart(3_000));
  });

  it('normalises negative offsets modulo the slide', () => {
    const w = hoppingWindows(10, 4, -3);
    expect(w.offset).toBe(1);
    expect(w.assign(-7)).toEqual([
      { start: -15, end: -5 },
      { start: -11, end: -1 },
      { start: -7, end: 3 },
    ]);
    expect(hoppingWindows(10, 4, 1).assign(-7)).toEqual(w.assign(-7));
  });

  it('slide == size behaves as tumbling', () => {
    const w = hoppingWindows(5, 5, 2);
    expect(w.assign(-1)).toEqual([{ start: -3, end: 2 }]);
    expect(w.paneSize).toBe(5);
  });

  it('exposes its configuration and kind, and is frozen', () => {
    const w = hoppingWindows(10_000, 4_000, 13_000);
    expect([w.kind, w.size, w.slide, w.offset, w.paneSize]).toEqual(['hopping', 10_000, 4_000, 1_000, 2_000]);
    expect(Object.isFrozen(w)).toBe(true);
  });

  it('rejects bad configuration and timestamps with named errors', () => {
    expect(() => hoppingWindows(0, 5)).toThrow(/^hoppingWindows: size must be .* got number 0$/);
    expect(() => hoppingWindows(10, -5)).toThrow(/^hoppingWindows: slide must be .* got number -5$/);
    expect(() => hoppingWindows(10, 5, 1.5)).toThrow(/^hoppingWindows: offset must be .* got number 1\.5$/);
    expect(() => hoppingWindows(10, NaN)).toThrow(WindowError);
    const w = hoppingWindows(10, 5);
    for (const call of [() => w.assign(NaN), () => w.firstWindowStart(1.5), () => w.lastWindowStart(Infinity), () => w.paneOf(-Infinity)]) {
      expect(call).toThrow(WindowError);
    }
    expect(() => w.assign(NaN)).toThrow(/^hoppingWindows\(size=10, slide=5, offset=0\): timestamp/);
  });

  it('works at the ends of the timestamp range with the largest sizes', () => {
    for (const [size, slide] of [
      [MAX_WINDOW_SIZE, MAX_WINDOW_SIZE],
      [MAX_WINDOW_SIZE, MAX_WINDOW_SIZE - 1],
      [MAX_WINDOW_SIZE - 1, MAX_WINDOW_SIZE],
    ] as const) {
      const w = hoppingWindows(size, slide, 12_345);
      for (const t of [MIN_TIMESTAMP, MAX_TIMESTAMP]) {
        for (const win of w.assign(t)) {
          expect(windowContains(win, t)).toBe(true);
          expect(Number.isSafeInteger(win.start) && Number.isSafeInteger(win.end)).toBe(true);
        }
      }
    }
  });

  it('property: returns exactly the windows a brute-force enumeration finds', () => {
    fc.assert(
      fc.property(small(120), small(120), offset(), timestamp(), (size, slide, off, t) => {
        expect(hoppingWindows(size, slide, off).assign(t)).toEqual(bruteForce(size, slide, off, t));
      }),
      { numRuns: 500 },
    );
  });

  it('property: every window contains t, has length size and an aligned start; count is size/slide when slide divides size', () => {
    fc.assert(
      fc.property(sizeSlide(1e9), offset(), timestamp(), ([size, slide], off, t) => {
        const a = hoppingWindows(size, slide, off);
        const ws = a.assign(t);
        expect(ws.length).toBeLessThanOrEqual(Math.ceil(size / slide));
        expect(ws.length).toBeGreaterThanOrEqual(Math.floor(size / slide));
        if (size % slide === 0) expect(ws).toHaveLength(size / slide);
        for (const w of ws) {
          expect(windowContains(w, t)).toBe(true);
          expect(w.end - w.start).toBe(size);
          expect(alignedExact(w.start, off, slide)).toBe(true);
        }
      }),
    );
  });

  it('property: firstWindowStart..lastWindowStart by slide enumerates assign(t)', () => {
    fc.assert(
      fc.property(sizeSlide(1e6), offset(), timestamp(), ([size, slide], off, t) => {
        const a = hoppingWindows(size, slide, off);
        const starts: number[] = [];
        for (let s = a.firstWindowStart(t); s <= a.lastWindowStart(t); s += a.slide) starts.push(s);
        expect(starts).toEqual(a.assign(t).map((w) => w.start));
        expect(a.lastWindowStart(t)).toBeLessThanOrEqual(t);
        expect(a.lastWindowStart(t)).toBeGreaterThan(t - slide);
      }),
    );
  });

  it('property: panes — the pane of t lies in every window of t, shares its windows, and windows are whole panes', () => {
    // Timestamps away from the range ends, so pane and window bounds are timestamps too.
    const inner = fc.oneof(fc.integer({ min: -10_000, max: 10_000 }), fc.integer({ min: -1e15, max: 1e15 }));
    fc.assert(
      fc.property(small(60), small(60), offset(), inner, (size, slide, off, t) => {
        const a = hoppingWindows(size, slide, off);
        const pane = a.paneOf(t);
        expect(windowContains(pane, t)).toBe(true);
        expect(pane.end - pane.start).toBe(a.paneSize);
        expect([size % a.paneSize, slide % a.paneSize]).toEqual([0, 0]);
        const ws = a.assign(t);
        expect(a.assign(pane.start)).toEqual(ws);
        expect(a.assign(pane.end - 1)).toEqual(ws);
        for (const w of ws) {
          expect(pane.start >= w.start && pane.end <= w.end).toBe(true);
          const panes = a.panesOf(w);
          // Consecutive, aligned panes from w.start to w.end, one of them t's pane.
          const bad = panes.filter(
            (p, i) =>
              p.start !== w.start + i * a.paneSize ||
              p.end !== p.start + a.paneSize ||
              a.paneOf(p.start).start !== p.start,
          );
          expect(bad).toEqual([]);
          expect(panes).toHaveLength(size / a.paneSize);
          expect(panes[panes.length - 1]!.end).toBe(w.end);
          expect(panes).toContainEqual(pane);
        }
      }),
      { numRuns: 300 },
    );
  });
});
