import fc from 'fast-check';
import {
  KeyWriter,
  OperatorKeys,
  StateError,
  compareBytes,
  decodeI64,
  decodeTuple,
  encodeBytes,
  encodeI64,
  encodeString,
  encodeTuple,
  type KeyPart,
} from '@weir/state';

// The natural order of key parts, written plainly: integers numerically, strings by code point,
// byte strings lexicographically, mixed types by type (bytes < string < integer), tuples
// component-wise with a shorter prefix first.
function typeRank(p: KeyPart): number {
  return p instanceof Uint8Array ? 0 : typeof p === 'string' ? 1 : 2;
}
function compareCodePoints(a: string, b: string): number {
  const x = [...a].map((c) => c.codePointAt(0)!);
  const y = [...b].map((c) => c.codePointAt(0)!);
  for (let i = 0; i < Math.min(x.length, y.length); i++) if (x[i] !== y[i]) return x[i]! < y[i]! ? -1 : 1;
  return Math.sign(x.length - y.length);
}
function comparePart(a: KeyPart, b: KeyPart): number {
  const r = typeRank(a) - typeRank(b);
  if (r !== 0) return Math.sign(r);
  if (a instanceof Uint8Array && b instanceof Uint8Array) return compareBytes(a, b);
  if (typeof a === 'string' && typeof b === 'string') return compareCodePoints(a, b);
  const x = BigInt(a as number | bigint);
  const y = BigInt(b as number | bigint);
  return x < y ? -1 : x > y ? 1 : 0;
}
function compareTuple(a: KeyPart[], b: KeyPart[]): number {
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    const c = comparePart(a[i]!, b[i]!);
    if (c !== 0) return c;
  }
  return Math.sign(a.length - b.length);
}

const int64 = fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n });
const partArb: fc.Arbitrary<KeyPart> = fc.oneof(
  fc.integer({ min: -5, max: 5 }),
  fc.maxSafeInteger(),
  fc.constantFrom(0, -1, 1, 2 ** 32, -(2 ** 32), 2 ** 32 - 1, Number.MAX_SAFE_INTEGER, Number.MIN_SAFE_INTEGER),
  int64,
  fc.string({ unit: 'grapheme', maxLength: 4 }),
  fc.string({ unit: fc.constantFrom('a', 'b', '\u0000', '\u00ff', '\uffff', '\u{10000}', '\u{10ffff}'), maxLength: 4 }),
  fc.uint8Array({ maxLength: 4 }),
  fc.array(fc.constantFrom(0, 1, 0xff), { maxLength: 4 }).map((a) => Uint8Array.from(a)),
);
const tupleArb = fc.array(partArb, { maxLength: 4 });

function normalise(parts: KeyPart[]): KeyPart[] {
  return parts.map((p) => (typeof p === 'bigint' && p >= BigInt(Number.MIN_SAFE_INTEGER) && p <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(p) : p));
}

describe('order-preserving key codecs', () => {
  it('byte order of encoded tuples equals the natural order of the tuples (property)', () => {
    fc.assert(
      fc.property(tupleArb, tupleArb, (a, b) => {
        expect(Math.sign(compareBytes(encodeTuple(a), encodeTuple(b)))).toBe(compareTuple(a, b));
      }),
      { numRuns: 3000 },
    );
  });

  it('decodeTuple inverts encodeTuple (property)', () => {
    fc.assert(
      fc.property(tupleArb, (a) => {
        expect(decodeTuple(encodeTuple(a))).toEqual(normalise(a));
      }),
      { numRuns: 2000 },
    );
  });

  it('the encoding of a tuple prefix is a byte prefix of the whole (property)', () => {
    fc.assert(
      fc.property(tupleArb, tupleArb, (a, b) => {
        const whole = encodeTuple([...a, ...b]);
        const prefix = encodeTuple(a);
        expect(compareBytes(whole.subarray(0, prefix.length), prefix)).toBe(0);
      }),
    );
  });

  it('encodeI64 orders every signed 64-bit integer, numbers and bigints alike (property)', () => {
    const anyInt = fc.oneof(int64, fc.maxSafeInteger());
    fc.assert(
      fc.property(anyInt, anyInt, (a, b) => {
        const x = BigInt(a);
        const y = BigInt(b);
        expect(Math.sign(compareBytes(encodeI64(a), encodeI64(b)))).toBe(x < y ? -1 : x > y ? 1 : 0);
        expect(BigInt(decodeI64(encodeI64(a)))).toBe(x);
      }),
      { numRuns: 3000 },
    );
  });

  it('encodes timestamps big-endian with the sign bit flipped', () => {
    expect([...encodeI64(0)]).toEqual([0x80, 0, 0, 0, 0, 0, 0, 0]);
    expect([...encodeI64(-1)]).toEqual([0x7f, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff]);
    expect([...encodeI64(1_700_000_000_000)]).toEqual([0x80, 0, 0x01, 0x8b, 0xcf, 0xe5, 0x68, 0x00]);
    expect([...encodeI64(-(2n ** 63n))]).toEqual([0, 0, 0, 0, 0, 0, 0, 0]);
    expect([...encodeI64(2n ** 63n - 1n)]).toEqual([0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff]);
    expect(decodeI64(encodeI64(Number.MIN_SAFE_INTEGER))).toBe(Number.MIN_SAFE_INTEGER);
    expect(decodeI64(encodeI64(BigInt(Number.MIN_SAFE_INTEGER) - 1n))).toBe(BigInt(Number.MIN_SAFE_INTEGER) - 1n);
    expect(decodeI64(encodeI64(2n ** 53n))).toBe(2n ** 53n);
  });

  it('escapes zero bytes so a shorter string sorts before its extensions', () => {
    expect([...encodeString('a')]).toEqual([0x02, 0x61, 0x00]);
    expect([...encodeString('a\u0000')]).toEqual([0x02, 0x61, 0x00, 0xff, 0x00]);
    expect([...encodeBytes(Uint8Array.of(0, 1))]).toEqual([0x01, 0x00, 0xff, 0x01, 0x00]);
    expect(compareBytes(encodeTuple(['a', 5]), encodeTuple(['a\u0000']))).toBe(-1);
  });

  it('KeyWriter builds the same bytes as encodeTuple after a raw tag byte', () => {
    const w = new KeyWriter(16);
    const key = w.reset().byte(0x10).string('user-7').int(1_700_000_000_000).bytes(Uint8Array.of(0, 9)).finish();
    expect(key[0]).toBe(0x10);
    expect(compareBytes(key.subarray(1), encodeTuple(['user-7', 1_700_000_000_000, Uint8Array.of(0, 9)]))).toBe(0);
    expect(decodeTuple(key, 1)).toEqual(['user-7', 1_700_000_000_000, Uint8Array.of(0, 9)]);
    const long = 'x'.repeat(1000);
    expect(decodeTuple(w.reset().string(long).view())).toEqual([long]);
    expect(w.length).toBe(1002);
  });

  it('rejects what it cannot encode with a StateError naming the value', () => {
    const fails = (fn: () => unknown, message: RegExp): void => {
      expect(fn).toThrow(StateError);
      expect(fn).toThrow(message);
    };
    fails(() => encodeI64(1.5), /safe integer.*number 1\.5/);
    fails(() => encodeI64(Number.NaN), /number NaN/);
    fails(() => encodeI64(2 ** 60), /use a bigint/);
    fails(() => encodeI64(2n ** 63n), /signed 64-bit integer, got bigint 9223372036854775808/);
    fails(() => encodeTuple(['ok', { id: 1 } as unknown as KeyPart]), /key part must be.*got \{"id":1\}$/);
    fails(() => encodeTuple('abc' as unknown as KeyPart[]), /expected an array/);
    fails(() => encodeString('bad \ud800 surrogate'), /lone surrogate U\+D800 at index 4/);
    fails(() => new KeyWriter().byte(256), /0\.\.255, got number 256/);
    try {
      encodeI64(Infinity);
    } catch (err) {
      expect((err as StateError).code).toBe('SERIALIZATION');
    }
  });

  it('rejects malformed keys on decode with DESERIALIZATION', () => {
    const bad = (bytes: number[], message: RegExp): void => {
      const fn = (): unknown => decodeTuple(Uint8Array.from(bytes));
      expect(fn).toThrow(StateError);
      expect(fn).toThrow(message);
    };
    bad([0x05, 1, 2], /truncated integer/);
    bad([0x02, 0x61], /unterminated string/);
    bad([0x09], /unknown component tag 0x09/);
    bad([0x02, 0xc3, 0x00], /invalid UTF-8/);
    expect(() => decodeI64(Uint8Array.of(1, 2, 3))).toThrow(/need 8 bytes/);
  });
});

describe('KeyWriter.part', () => {
  it('writes each kind of key part like its own method, and refuses anything else', () => {
    const w = new KeyWriter();
    const via = (p: KeyPart): Uint8Array => w.reset().part(p).finish();
    expect(via('ada')).toEqual(new KeyWriter().string('ada').finish());
    expect(via(-42)).toEqual(new KeyWriter().int(-42).finish());
    expect(via(2n ** 62n)).toEqual(new KeyWriter().int(2n ** 62n).finish());
    expect(via(new Uint8Array([0, 1]))).toEqual(new KeyWriter().bytes(new Uint8Array([0, 1])).finish());
    expect(() => w.reset().part({} as never)).toThrow(/KeyWriter.part: a key part must be/);
  });
});

describe('OperatorKeys', () => {
  class CounterKeys extends OperatorKeys {
    count(key: string): Uint8Array {
      return this.writer.reset().raw(this.prefix).byte(0x01).string(key).finish();
    }
  }

  it('prefixes every key with the operator name and a section tag', () => {
    const a = new CounterKeys('a');
    expect(a.prefix).toEqual(encodeTuple(['a']));
    expect(a.section(0x01)).toEqual(Uint8Array.from([...encodeTuple(['a']), 0x01]));
    const k = a.count('x');
    expect(compareBytes(k.subarray(0, a.section(0x01).length), a.section(0x01))).toBe(0);
    // another operator's keys never share the prefix, even when its name extends this one's
    expect(compareBytes(new CounterKeys('ab').count('x').subarray(0, a.prefix.length), a.prefix)).not.toBe(0);
  });
});
