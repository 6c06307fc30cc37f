import fc from 'fast-check';
import { copyRange } from '../index';

describe('copyRange', () => {
  it('copies n bytes from src[from] to out[at], touching nothing else, and returns at + n, short or long runs (property)', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), fc.nat({ max: 300 }), fc.nat({ max: 300 }), fc.nat({ max: 40 }), (src, a, b, at) => {
        const from = Math.min(a, src.length);
        const n = Math.min(b, src.length - from);
        const out = new Uint8Array(at + n + 5).fill(9);
        const want = out.slice();
        want.set(src.subarray(from, from + n), at);
        expect(copyRange(out, at, src, from, n)).toBe(at + n);
        expect(out).toEqual(want);
      }),
    );
  });
});
