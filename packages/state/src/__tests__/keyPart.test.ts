import fc from 'fast-check';
import { asKeyPart, keyPartId, type KeyPart } from '../index';

describe('asKeyPart', () => {
  it('accepts strings, safe integers, 64-bit bigints and byte strings', () => {
    expect(asKeyPart('ada')).toBe('ada');
    expect(asKeyPart(-7)).toBe(-7);
    expect(asKeyPart(42n)).toBe(42);
    expect(asKeyPart(2n ** 62n)).toBe(2n ** 62n);
    const bytes = new Uint8Array([1, 2]);
    expect(asKeyPart(bytes)).toBe(bytes);
  });

  it('rejects everything else', () => {
    for (const bad of [1.5, NaN, Infinity, 2 ** 53, 2n ** 63n, -(2n ** 63n) - 1n, null, undefined, {}, [], true]) {
      expect(asKeyPart(bad)).toBeUndefined();
    }
  });
});

describe('keyPartId', () => {
  const keyPart: fc.Arbitrary<KeyPart> = fc.oneof(
    fc.string({ unit: 'binary' }),
    fc.integer(),
    fc.uint8Array({ maxLength: 6 }),
    fc.bigInt({ min: 2n ** 53n, max: 2n ** 63n - 1n }),
  );
  const same = (a: KeyPart, b: KeyPart): boolean =>
    a instanceof Uint8Array && b instanceof Uint8Array ? a.length === b.length && a.every((x, i) => x === b[i]) : a === b;

  it('gives equal identities exactly to equal key parts', () => {
    fc.assert(
      fc.property(keyPart, keyPart, (a, b) => {
        expect(keyPartId(a) === keyPartId(b)).toBe(same(a, b));
      }),
    );
  });

  it('keeps a string starting with U+0000 apart from a byte string with the same text', () => {
    expect(keyPartId('\u0000b\u0001')).not.toBe(keyPartId(new Uint8Array([1])));
    expect(keyPartId('\u0000')).not.toBe(keyPartId(new Uint8Array([])));
  });
});
