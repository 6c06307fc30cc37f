import fc from 'fast-check';
import {
  compareWindows,
  coverWindows,
  createWindow,
  formatWindow,
  maxTimestamp,
  windowContains,
  windowEquals,
  windowsOverlap,
} from '../Window';
import { WindowError } from '../WindowError';

describe('Window helpers', () => {
  it('createWindow builds a window and rejects empty, reversed or non-integer bounds', () => {
    expect(createWindow(-5, 5)).toEqual({ start: -5, end: 5 });
    for (const [s, e] of [[5, 5], [6, 5], [0.5, 2], [0, NaN], [0, Infinity]] as const) {
      expect(() => createWindow(s, e)).toThrow(WindowError);
    }
    expect(() => createWindow(5, 5)).toThrow(/createWindow.*start=number 5, end=number 5/);
  });

  it('maxTimestamp is end - 1', () => {
    expect(maxTimestamp({ start: 0, end: 1000 })).toBe(999);
    expect(maxTimestamp({ start: -1000, end: 0 })).toBe(-1);
  });

  it('windowContains is half-open', () => {
    const w = { start: -10, end: 10 };
    expect(windowContains(w, -11)).toBe(false);
    expect(windowContains(w, -10)).toBe(true);
    expect(windowContains(w, 9)).toBe(true);
    expect(windowContains(w, 10)).toBe(false);
  });

  it('windowsOverlap: sharing an instant overlaps, touching does not', () => {
    expect(windowsOverlap({ start: 0, end: 5 }, { start: 4, end: 9 })).toBe(true);
    expect(windowsOverlap({ start: 0, end: 5 }, { start: 5, end: 9 })).toBe(false);
    expect(windowsOverlap({ start: 5, end: 9 }, { start: 0, end: 5 })).toBe(false);
    expect(windowsOverlap({ start: 0, end: 10 }, { start: 3, end: 4 })).toBe(true);
  });

  it('windowsOverlap agrees with "some integer lies in both"', () => {
    const win = fc
      .tuple(fc.integer({ min: -20, max: 20 }), fc.integer({ min: 1, max: 10 }))
      .map(([start, len]) => ({ start, end: start + len }));
    fc.assert(
      fc.property(win, win, (a, b) => {
        let shared = false;
        for (let t = -30; t <= 30; t++) if (windowContains(a, t) && windowContains(b, t)) shared = true;
        expect(windowsOverlap(a, b)).toBe(shared);
      }),
    );
  });

  it('coverWindows, windowEquals, compareWindows, formatWindow', () => {
    expect(coverWindows({ start: 0, end: 5 }, { start: 3, end: 9 })).toEqual({ start: 0, end: 9 });
    expect(coverWindows({ start: 10, end: 11 }, { start: -3, end: 0 })).toEqual({ start: -3, end: 11 });
    expect(windowEquals({ start: 0, end: 5 }, { start: 0, end: 5 })).toBe(true);
    expect(windowEquals({ start: 0, end: 5 }, { start: 0, end: 6 })).toBe(false);
    const sorted = [
      { start: 5, end: 9 },
      { start: -1, end: 3 },
      { start: 5, end: 6 },
    ].sort(compareWindows);
    expect(sorted).toEqual([
      { start: -1, end: 3 },
      { start: 5, end: 6 },
      { start: 5, end: 9 },
    ]);
    expect(formatWindow({ start: -1000, end: 0 })).toBe('[-1000, 0)');
  });
});
