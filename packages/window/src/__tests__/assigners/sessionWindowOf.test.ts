import fc from 'fast-check';
import { sessionWindowOf } from '../../assigners/sessionWindowOf';
import { MAX_TIMESTAMP, MAX_WINDOW_SIZE } from '../../limits';
import { windowContains } from '../../Window';
import { WindowError } from '../../WindowError';
import { timestamp } from '../arbitraries';

describe('sessionWindowOf', () => {
  it('is [t, t + gap)', () => {
    expect(sessionWindowOf(1_000, 30_000)).toEqual({ start: 1_000, end: 31_000 });
    expect(sessionWindowOf(-5, 10)).toEqual({ start: -5, end: 5 });
    expect(sessionWindowOf(MAX_TIMESTAMP, MAX_WINDOW_SIZE)).toEqual({ start: MAX_TIMESTAMP, end: Number.MAX_SAFE_INTEGER });
  });

  it('rejects a bad gap or timestamp with named errors', () => {
    expect(() => sessionWindowOf(0, 0)).toThrow(/^sessionWindowOf: gap must be .* got number 0$/);
    expect(() => sessionWindowOf(0, 1.5)).toThrow(WindowError);
    expect(() => sessionWindowOf(NaN, 10)).toThrow(/^sessionWindowOf: timestamp .* got number NaN$/);
    expect(() => sessionWindowOf(0.5, 10)).toThrow(WindowError);
  });

  it('property: contains t and has length gap', () => {
    fc.assert(
      fc.property(timestamp(), fc.integer({ min: 1, max: MAX_WINDOW_SIZE }), (t, gap) => {
        const w = sessionWindowOf(t, gap);
        expect(windowContains(w, t)).toBe(true);
        expect(w.end - w.start).toBe(gap);
      }),
    );
  });
});
