import fc from 'fast-check';
import { gcd, paneOf, paneSizeOf, paneStart, panesOfWindow } from '../../assigners/panes';
import { windowContains } from '../../Window';
import { WindowError } from '../../WindowError';
import { alignedExact, offset, timestamp } from '../arbitraries';

describe('panes', () => {
  it('gcd', () => {
    expect(gcd(10_000, 4_000)).toBe(2_000);
    expect(gcd(4_000, 10_000)).toBe(2_000);
    expect(gcd(7, 13)).toBe(1);
    expect(gcd(5, 5)).toBe(5);
  });

  it('property: gcd divides both and is the largest such', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 500 }), fc.integer({ min: 1, max: 500 }), (a, b) => {
        let best = 1;
        for (let d = 1; d <= Math.min(a, b); d++) if (a % d === 0 && b % d === 0) best = d;
        expect(gcd(a, b)).toBe(best);
      }),
    );
  });

  it('paneSizeOf is gcd(size, slide) and validates its inputs', () => {
    expect(paneSizeOf(10_000, 5_000)).toBe(5_000);
    expect(paneSizeOf(10_000, 4_000)).toBe(2_000);
    expect(paneSizeOf(2_000, 5_000)).toBe(1_000);
    expect(() => paneSizeOf(0, 5)).toThrow(/^paneSizeOf: size must be .* got number 0$/);
    expect(() => paneSizeOf(5, 1.5)).toThrow(/^paneSizeOf: slide must be .* got number 1\.5$/);
  });

  it('paneStart and paneOf floor to the pane grid, also before the epoch', () => {
    expect(paneStart(4_500, 2_000)).toBe(4_000);
    expect(paneStart(-1, 2_000)).toBe(-2_000);
    expect(paneStart(-2_000, 2_000)).toBe(-2_000);
    expect(paneStart(4_500, 2_000, 500)).toBe(4_500);
    expect(paneStart(4_499, 2_000, -1_500)).toBe(2_500);
    expect(paneOf(4_500, 2_000)).toEqual({ start: 4_000, end: 6_000 });
    expect(() => paneStart(NaN, 2_000)).toThrow(WindowError);
    expect(() => paneStart(0, 0)).toThrow(WindowError);
    expect(() => paneStart(0, 10, 0.5)).toThrow(WindowError);
  });

  it('panesOfWindow cuts a window into consecutive panes', () => {
    expect(panesOfWindow({ start: 0, end: 6_000 }, 2_000)).toEqual([
      { start: 0, end: 2_000 },
      { start: 2_000, end: 4_000 },
      { start: 4_000, end: 6_000 },
    ]);
    expect(panesOfWindow({ start: -3, end: -1 }, 2)).toEqual([{ start: -3, end: -1 }]);
    expect(() => panesOfWindow({ start: 0, end: 5 }, 2)).toThrow(/^panesOfWindow: window \[number 0, number 5\) is not a whole number of panes of 2 ms$/);
    expect(() => panesOfWindow({ start: 5, end: 5 }, 1)).toThrow(WindowError);
    expect(() => panesOfWindow({ start: 0, end: NaN }, 1)).toThrow(WindowError);
  });

  it('property: the pane of t contains t and is aligned to the offset', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 1e9 }), offset(), timestamp(), (paneSize, off, t) => {
        const p = paneOf(t, paneSize, off);
        expect(windowContains(p, t)).toBe(true);
        expect(p.end - p.start).toBe(paneSize);
        expect(alignedExact(p.start, off, paneSize)).toBe(true);
      }),
    );
  });
});
