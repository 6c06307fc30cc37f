import fc from 'fast-check';
import { describeValue, messageOf } from '@weir/state';

describe('describeValue', () => {
  it.each<[unknown, string]>([
    [undefined, 'undefined'],
    [null, 'null'],
    [NaN, 'number NaN'],
    [-0, 'number -0'],
    [1.5, 'number 1.5'],
    [-Infinity, 'number -Infinity'],
    [5n, 'bigint 5n'],
    [true, 'boolean true'],
    ['x', 'string "x"'],
    ['', 'string ""'],
    [Symbol('id'), 'symbol Symbol(id)'],
    [function parse() {}, 'function parse'],
    [{ user: 'ada' }, '{"user":"ada"}'],
    [{ big: 1n }, '{"big":"1n"}'],
    [[1, 2], '[1,2]'],
    [Object.create(null) as object, '{}'],
    [new Map([[1, 2]]), 'Map object'],
    [new Date(0), 'Date object'],
    [Uint8Array.of(10, 11, 12), 'Uint8Array of 3 bytes 0a0b0c'],
    [new Uint8Array(0), 'Uint8Array of 0 bytes'],
    [Buffer.from([255]), 'Buffer of 1 bytes ff'],
  ])('describes %p as %s', (value, expected) => {
    expect(describeValue(value)).toBe(expected);
  });

  it('names anonymous functions as function', () => {
    expect(describeValue([() => 1][0])).toBe('function');
  });

  it('cuts long strings, JSON and byte arrays, keeping their length', () => {
    expect(describeValue('a'.repeat(100))).toBe(`string "${'a'.repeat(80)}..." (length 100)`);
    expect(describeValue(Array.from({ length: 50 }, (_, i) => i))).toMatch(/^\[0,1,2,.{60,}\.\.\. \(array of length 50\)$/);
    expect(describeValue({ text: 'b'.repeat(200) })).toBe(`${JSON.stringify({ text: 'b'.repeat(200) }).slice(0, 80)}...`);
    expect(describeValue(new Uint8Array(40))).toBe(`Uint8Array of 40 bytes ${'00'.repeat(32)}...`);
  });

  it('falls back to the kind when a value has no JSON', () => {
    const cyclic: unknown[] = [];
    cyclic.push(cyclic);
    expect(describeValue(cyclic)).toBe('array of length 1');
    const throwing = { toJSON: (): never => { throw new Error('no'); } };
    expect(describeValue(throwing)).toBe('object');
  });

  it('never throws and stays short for any value', () => {
    fc.assert(
      fc.property(fc.anything({ withBigInt: true, withMap: true, withSet: true, withTypedArray: true, withDate: true, withNullPrototype: true }), (value) => {
        const text = describeValue(value);
        expect(text.length).toBeLessThanOrEqual(120);
      }),
    );
  });
});

describe('messageOf', () => {
  it("gives an Error's message and any other thrown value as a string", () => {
    expect(messageOf(new RangeError('too big'))).toBe('too big');
    expect(messageOf('plain')).toBe('plain');
    expect(messageOf(42)).toBe('42');
    expect(messageOf(undefined)).toBe('undefined');
  });
});
