import fc from 'fast-check';
import { arraySource } from '../arraySource';
import { CheckpointError } from '../CheckpointError';
import { readFrom } from './checkpointFixtures';

function expectError(fn: () => unknown, code: string, ...parts: string[]): void {
  let caught: unknown;
  try {
    fn();
  } catch (err) {
    caught = err;
  }
  expect(caught).toBeInstanceOf(CheckpointError);
  expect((caught as CheckpointError).code).toBe(code);
  for (const p of parts) expect((caught as CheckpointError).message).toContain(p);
}

describe('arraySource', () => {
  it('reads every value in order, in batches of at most max', async () => {
    const source = arraySource(['a', 'b', 'c', 'd', 'e']);
    expect(source.describe()).toBe('array of 5 values');
    const reader = await source.open(undefined);
    expect(reader.offset()).toBe(0);
    expect(await reader.read(2)).toEqual(['a', 'b']);
    expect(reader.offset()).toBe(2);
    expect(await reader.read(10)).toEqual(['c', 'd', 'e']);
    expect(reader.offset()).toBe(5);
    expect(await reader.read(10)).toEqual([]);
    expect(reader.offset()).toBe(5);
  });

  it('materialises an iterable once, so every reader sees the same values', async () => {
    let made = 0;
    function* gen(): Generator<number> {
      made++;
      yield* [1, 2, 3];
    }
    const source = arraySource(gen());
    expect(source.describe()).toBe('array of 3 values');
    expect((await readFrom(source, undefined, () => 2)).values).toEqual([1, 2, 3]);
    expect((await readFrom(source, 1, () => 2)).values).toEqual([2, 3]);
    expect(made).toBe(1);
    expect((await readFrom(arraySource(new Set(['x', 'y'])), undefined, () => 1)).values).toEqual(['x', 'y']);
  });

  it('an empty array is exhausted at once', async () => {
    const reader = await arraySource([]).open(undefined);
    expect(await reader.read(5)).toEqual([]);
    expect(reader.offset()).toBe(0);
  });

  it('resuming at offset() after any batches reads exactly the rest', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.integer(), { maxLength: 60 }),
        fc.array(fc.integer({ min: 1, max: 9 }), { minLength: 1, maxLength: 20 }),
        fc.nat(25),
        async (items, sizeList, stopAfter) => {
          const source = arraySource(items);
          let k = 0;
          const sizes = () => sizeList[k++ % sizeList.length]!;
          const first = await readFrom(source, undefined, sizes, stopAfter);
          const rest = await readFrom(source, first.offset, sizes);
          expect([...first.values, ...rest.values]).toEqual(items);
        },
      ),
    );
  });

  it('rejects what is not an array or an iterable', () => {
    expectError(() => arraySource(42 as never), 'INVALID_ARGUMENT', 'arraySource', 'number 42');
    expectError(() => arraySource(null as never), 'INVALID_ARGUMENT', 'null');
    expectError(() => arraySource('abc' as never), 'INVALID_ARGUMENT', 'string "abc"');
  });

  it('rejects an offset that is not an index into the array', () => {
    const source = arraySource([1, 2, 3]);
    expectError(() => source.open(4), 'SOURCE', 'from 0 to 3', 'number 4');
    expectError(() => source.open(-1), 'SOURCE', 'number -1');
    expectError(() => source.open(1.5), 'SOURCE', 'number 1.5');
    expectError(() => source.open('1'), 'SOURCE', 'string "1"');
    expect(() => source.open(3)).not.toThrow();
  });

  it('rejects read(max) without a positive integer', async () => {
    const reader = await arraySource([1]).open(undefined);
    expectError(() => reader.read(0), 'INVALID_ARGUMENT', 'read(max)', 'number 0');
    expectError(() => reader.read(Infinity), 'INVALID_ARGUMENT', 'Infinity');
    expectError(() => reader.read(NaN), 'INVALID_ARGUMENT', 'NaN');
  });
});
