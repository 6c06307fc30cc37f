import { isLate } from '@weir/stream';

describe('isLate', () => {
  it('is late at or below the watermark minus the allowed lateness', () => {
    expect(isLate(100, 100)).toBe(true);
    expect(isLate(101, 100)).toBe(false);
    expect(isLate(95, 100, 10)).toBe(false);
    expect(isLate(90, 100, 10)).toBe(true);
  });

  it('nothing is late at the initial watermark, everything at the final one', () => {
    expect(isLate(-1e15, -Infinity)).toBe(false);
    expect(isLate(1e15, Infinity)).toBe(true);
  });
});
