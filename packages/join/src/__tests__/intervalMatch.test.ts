import fc from 'fast-check';
import { intervalMatch } from '../index';

describe('intervalMatch', () => {
  const bounds = fc.tuple(fc.integer({ min: -50, max: 50 }), fc.integer({ min: 0, max: 60 }), fc.integer({ min: 0, max: 10 })).map(([lower, span, lateness]) => intervalMatch(lower, lower + span, lateness));
  const t = fc.integer({ min: -1_000, max: 1_000 });

  it('matches exactly within the ranges, seen from either side', () => {
    fc.assert(
      fc.property(bounds, t, t, (m, tl, tr) => {
        const [rlo, rhi] = m.rightRangeOf(tl);
        const [llo, lhi] = m.leftRangeOf(tr);
        expect(m.matches(tl, tr)).toBe(tr >= rlo && tr <= rhi);
        expect(m.matches(tl, tr)).toBe(tl >= llo && tl <= lhi);
      }),
    );
  });

  it('expires a row exactly when no right (left) row that is not late can match it', () => {
    fc.assert(
      fc.property(bounds, t, t, (m, row, wm) => {
        // a future right row is not late: tr > wm - allowedLateness
        const canStillMatch = (tl: number): boolean => m.rightRangeOf(tl)[1] > wm - m.allowedLateness;
        expect(row <= m.leftExpiredBy(wm)).toBe(!canStillMatch(row));
        expect(row <= m.leftExpiredBy(wm)).toBe(m.leftExpiresAt(row) <= wm);
        const canStillBeMatched = (tr: number): boolean => m.leftRangeOf(tr)[1] > wm - m.allowedLateness;
        expect(row <= m.rightExpiredBy(wm)).toBe(!canStillBeMatched(row));
        expect(row <= m.rightExpiredBy(wm)).toBe(m.rightExpiresAt(row) <= wm);
      }),
    );
  });

  it('stamps unmatched rows no earlier than any match of theirs could have been', () => {
    fc.assert(
      fc.property(bounds, t, (m, row) => {
        const [, rhi] = m.rightRangeOf(row);
        expect(m.unmatchedLeftTime(row)).toBe(Math.max(row, rhi));
        const [, lhi] = m.leftRangeOf(row);
        expect(m.unmatchedRightTime(row)).toBe(Math.max(row, lhi));
      }),
    );
  });
});
