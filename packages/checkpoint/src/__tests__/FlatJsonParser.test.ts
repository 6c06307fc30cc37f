import fc from 'fast-check';
import { FlatJsonParser } from '../FlatJsonParser';

/** What JSON.parse makes of `line`: its value, or the fact that it throws. */
function reference(line: string): { value: unknown } | { throws: true } {
  try {
    return { value: JSON.parse(line) as unknown };
  } catch {
    return { throws: true };
  }
}

/** Deep equality that also checks key order and tells -0 from 0. */
function expectSame(got: unknown, want: unknown): void {
  if (want !== null && typeof want === 'object') {
    expect(got).not.toBeNull();
    expect(typeof got).toBe('object');
    expect(Array.isArray(got)).toBe(Array.isArray(want));
    expect(Object.getPrototypeOf(got)).toBe(Object.getPrototypeOf(want));
    expect(Object.keys(got as object)).toEqual(Object.keys(want));
    for (const k of Object.keys(want)) expectSame((got as Record<string, unknown>)[k], (want as Record<string, unknown>)[k]);
  } else {
    expect(Object.is(got, want)).toBe(true);
  }
}

function check(parser: FlatJsonParser, line: string): void {
  const want = reference(line);
  if ('throws' in want) {
    expect(() => parser.parse(line)).toThrow(SyntaxError);
  } else {
    expectSame(parser.parse(line), want.value);
  }
}

const key = fc.constantFrom('user', 'ts', 'page', 'n', 'a"b', 'é', '1', '10', 'constructor', '__proto__', '');
const scalar = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 20 }),
  fc.string({ unit: fc.constantFrom('a', '\\', '"', '\n', '\u0001', 'é', '😀'), maxLength: 6 }),
  fc.integer(),
  fc.double(),
  fc.constantFrom(0, -0, 2 ** 53, 2 ** 53 + 2, -(2 ** 53) - 2, 1e21, 123456789012345, 1234567890123456, 9007199254740993, true, false, null),
);
const flatObject = fc.dictionary(key, scalar, { maxKeys: 5 });
/** Numbers as JSON may spell them, which JSON.stringify never does. */
const numberText = fc.oneof(
  fc.constantFrom('0', '-0', '-0.0', '1E5', '1e-7', '1e+2', '2.50', '00', '01', '-', '1.', '.5', '1e', '1e+', '+1', '0x10', '1_0', 'Infinity', '-01', '9007199254740993', '123456789012345678901234567890'),
  fc.tuple(fc.integer({ min: -1e6, max: 1e6 }), fc.nat(999), fc.integer({ min: -30, max: 30 })).map(([i, f, e]) => `${i}.${f}e${e}`),
  fc.bigInt({ min: -(10n ** 20n), max: 10n ** 20n }).map(String), // around 15-17 digits summing would round wrongly
  fc.bigInt({ min: 10n ** 15n, max: 10n ** 17n }).map(String),
);
/** Characters that a one-character edit makes matter: escapes, control characters, JSON punctuation, number parts. */
const edit = fc.oneof(fc.string({ unit: 'binary', minLength: 1, maxLength: 2 }), fc.constantFrom('\t', '\u0001', '\u001f', '\n', '\\', '"', ' ', ',', '}', '{', ':', '-', '+', '0', '9', 'e', 'E', '.', 't', 'n'));

describe('FlatJsonParser', () => {
  it('gives what JSON.parse gives (value, key order, -0) or throws as it does, for lines of repeating and changing shapes', () => {
    const shape = fc.uniqueArray(key, { minLength: 1, maxLength: 4 });
    // lines of two shapes (so the fast path runs), their values spelled as JSON.stringify spells them or otherwise, and mutations
    const lines = fc.tuple(shape, shape).chain(([s1, s2]) => {
      const ofShape = fc.tuple(fc.boolean(), fc.array(scalar, { minLength: 4, maxLength: 4 })).map(([first, values]) => {
        const keys = first ? s1 : s2;
        return JSON.stringify(Object.fromEntries(keys.map((k, i) => [k, values[i]])));
      });
      const spelled = fc.tuple(fc.boolean(), fc.array(numberText, { minLength: 4, maxLength: 4 })).map(([first, values]) => {
        const keys = first ? s1 : s2;
        return `{${keys.map((k, i) => `${JSON.stringify(k)}:${values[i]!}`).join(',')}}`;
      });
      const at = (s: string, i: number): number => i % (s.length + 1);
      const line = fc.oneof(
        { weight: 8, arbitrary: ofShape },
        { weight: 3, arbitrary: spelled },
        { weight: 2, arbitrary: flatObject.map((o) => JSON.stringify(o)) },
        { weight: 1, arbitrary: fc.constantFrom('{"user":"a","ts":1}', '{"user":"a", "ts":1}', '{"user":"a","ts":1} ', '{"user":"a","ts":1,}', '{"user":"a","ts":1}}', '{"user":"a","ts":tru}', '{"user":"a","ts":truex}', '{"user":"a","ts":nul}', '{"user":"a","ts":[1]}', '{"user":"a","ts":{"x":1}}', '{"user":"a","user":2}', '{"user":"a\\u0041","ts":1}', '{"user":"a', '{"user":', '{', '[1,2]', '"text"', '12', 'null', '{}', '{"__proto__":1}') },
        { weight: 2, arbitrary: fc.tuple(ofShape, fc.nat(), edit).map(([s, i, ins]) => s.slice(0, at(s, i)) + ins + s.slice(at(s, i))) },
        { weight: 2, arbitrary: fc.tuple(ofShape, fc.nat()).map(([s, i]) => s.slice(0, at(s, i)) + s.slice(at(s, i) + 1)) },
      );
      return fc.array(line, { maxLength: 40 });
    });
    fc.assert(
      fc.property(lines, (ls) => {
        const parser = new FlatJsonParser();
        for (const l of ls) check(parser, l);
      }),
      { numRuns: 300 },
    );
  }, 60_000);

  it('reads a file of one shape on its fast path, and values are fresh objects', () => {
    const parser = new FlatJsonParser();
    const a = parser.parse('{"key":"user-1","ts":1767225600000,"ok":true,"x":null,"v":-1.5e3}');
    const b = parser.parse('{"key":"a longer key than thirteen chars","ts":-0,"ok":false,"x":null,"v":0.1}');
    expect(a).toEqual({ key: 'user-1', ts: 1767225600000, ok: true, x: null, v: -1500 });
    expectSame(b, JSON.parse('{"key":"a longer key than thirteen chars","ts":-0,"ok":false,"x":null,"v":0.1}'));
    expect(a).not.toBe(b);
    // the shape's fast path rejects what it cannot read exactly; JSON.parse reads it
    expectSame(parser.parse('{"key":"\\u00e9","ts":1,"ok":true,"x":null,"v":1}'), { key: 'é', ts: 1, ok: true, x: null, v: 1 });
    expect(() => parser.parse('{"key":"a","ts":01,"ok":true,"x":null,"v":1}')).toThrow(SyntaxError);
    for (const control of ['\t', '\n', '\u0000', '\u001f']) {
      expect(() => parser.parse(`{"key":"a${control}b","ts":1,"ok":true,"x":null,"v":1}`)).toThrow(SyntaxError); // JSON strings hold no raw control character
    }
    expectSame(parser.parse('{"key":"a\u007fb😀","ts":12345678901234567,"ok":true,"x":null,"v":-0}'), JSON.parse('{"key":"a\u007fb😀","ts":12345678901234567,"ok":true,"x":null,"v":-0}'));
  });

  it('an own __proto__ key stays an own property, as JSON.parse makes it', () => {
    const parser = new FlatJsonParser();
    for (let i = 0; i < 3; i++) {
      const v = parser.parse('{"__proto__":1,"a":2}') as Record<string, unknown>;
      expect(Object.getPrototypeOf(v)).toBe(Object.prototype);
      expect(Object.keys(v)).toEqual(['__proto__', 'a']);
    }
  });
});
