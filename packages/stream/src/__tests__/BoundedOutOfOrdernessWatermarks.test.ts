import fc from 'fast-check';
import { BoundedOutOfOrdernessWatermarks } from '../BoundedOutOfOrdernessWatermarks';

describe('BoundedOutOfOrdernessWatermarks', () => {
  it('reports each rise of maxTimestamp - bound - 1 once, and nothing else', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 1_000 }), fc.array(fc.integer({ min: -10_000, max: 10_000 })), (bound, stamps) => {
        const wm = new BoundedOutOfOrdernessWatermarks(bound);
        let max = -Infinity;
        let last = -Infinity;
        for (const ts of stamps) {
          wm.observe(ts);
          max = Math.max(max, ts);
          const expected = max - bound - 1 > last ? max - bound - 1 : undefined;
          expect(wm.advance()).toBe(expected);
          if (expected !== undefined) last = expected;
          expect(wm.watermark).toBe(last);
          expect(wm.maxTimestamp).toBe(max);
          // a record within the bound of the largest timestamp is never at or behind the watermark
          expect(max - bound).toBeGreaterThan(wm.watermark);
        }
      }),
    );
  });

  it('starts at -Infinity and resumes from restored fields', () => {
    const wm = new BoundedOutOfOrdernessWatermarks(10);
    expect(wm.advance()).toBeUndefined();
    expect(wm.watermark).toBe(-Infinity);
    wm.maxTimestamp = 100;
    wm.watermark = 89;
    wm.observe(95);
    expect(wm.advance()).toBeUndefined();
    wm.observe(101);
    expect(wm.advance()).toBe(90);
  });
});
