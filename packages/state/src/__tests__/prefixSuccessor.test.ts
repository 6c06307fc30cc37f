import fc from 'fast-check';
import { compareBytes, prefixSuccessor } from '@weir/state';

const b = (...xs: number[]): Uint8Array => Uint8Array.from(xs);

describe('prefixSuccessor', () => {
  it('handles the edges', () => {
    expect(prefixSuccessor(b())).toBeUndefined();
    expect(prefixSuccessor(b(0xff))).toBeUndefined();
    expect(prefixSuccessor(b(0xff, 0xff, 0xff))).toBeUndefined();
    expect(prefixSuccessor(b(1, 2))).toEqual(b(1, 3));
    expect(prefixSuccessor(b(1, 0xff))).toEqual(b(2));
    expect(prefixSuccessor(b(0, 0xff, 0xff))).toEqual(b(1));
    expect(prefixSuccessor(b(0xfe))).toEqual(b(0xff));
  });

  it('does not modify its input', () => {
    const p = b(1, 0xff);
    prefixSuccessor(p);
    expect(p).toEqual(b(1, 0xff));
  });

  it('is above every extension of the prefix and at or below every larger non-extension (property)', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 4 }), fc.uint8Array({ maxLength: 6 }), (prefix, key) => {
        const succ = prefixSuccessor(prefix);
        const extends_ = key.length >= prefix.length && compareBytes(key.subarray(0, prefix.length), prefix) === 0;
        if (extends_) {
          if (succ !== undefined) expect(compareBytes(key, succ)).toBe(-1);
        } else if (compareBytes(key, prefix) > 0) {
          expect(succ).toBeDefined();
          expect(compareBytes(key, succ!)).toBeGreaterThanOrEqual(0);
        }
      }),
      { numRuns: 2000 },
    );
  });

  it('names the function in its argument error', () => {
    expect(() => prefixSuccessor([1] as unknown as Uint8Array)).toThrow('prefixSuccessor: prefix must be a Uint8Array, got [1]');
  });
});

it('never changes the prefix it is given, a Buffer included (whose slice() is a view)', () => {
  const buf = Buffer.from([1, 2, 0xff]);
  const out = prefixSuccessor(buf);
  expect([...out!]).toEqual([1, 3]);
  expect([...buf]).toEqual([1, 2, 0xff]);
  const arr = Uint8Array.of(7, 7);
  prefixSuccessor(arr);
  expect([...arr]).toEqual([7, 7]);
});
