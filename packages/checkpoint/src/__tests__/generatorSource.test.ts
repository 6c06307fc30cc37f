import fc from 'fast-check';
import { generatorSource } from '../generatorSource';
import type { Json } from '../Json';
import { caught, readFrom } from './checkpointFixtures';

/** A generator drawing a data-dependent number of randoms per value (0 to many). */
const draws = (i: number, random: () => number): number[] => {
  const out: number[] = [];
  if (i % 5 === 0) return out;
  do out.push(random()); while (random() < 0.6);
  return out;
};

describe('generatorSource', () => {
  it('generates count values in index order', async () => {
    const source = generatorSource({ count: 5, seed: 1, generate: (i) => i * 10 });
    expect(source.describe()).toBe('generator of 5 values (seed 1)');
    const reader = await source.open(undefined);
    expect(await reader.read(3)).toEqual([0, 10, 20]);
    expect(await reader.read(3)).toEqual([30, 40]);
    expect(await reader.read(3)).toEqual([]);
    expect(reader.offset()).toEqual({ index: 5, state: expect.any(Array) as unknown });
  });

  it('is deterministic: pinned sfc32 values for a seed (a changed generator would break resumed checkpoints)', async () => {
    const { values, offset } = await readFrom(generatorSource({ count: 4, seed: 42, generate: (_i, random) => random() }), undefined, () => 10);
    expect(values).toEqual([0.9040731093846262, 0.2740765402559191, 0.3801353091839701, 0.7063514285255224]);
    expect(offset).toEqual({ index: 4, state: [1195713644, 1360910986, 1277581827, 20] });
    const negative = await readFrom(generatorSource({ count: 2, seed: -7, generate: (_i, random) => Math.floor(random() * 2 ** 32) }), undefined, () => 10);
    expect(negative.values).toEqual([2683521233, 1089567759]);
  });

  it('the same seed gives the same values, another seed others', async () => {
    const make = (seed: number) => generatorSource({ count: 50, seed, generate: draws });
    const a = await readFrom(make(7), undefined, () => 7);
    const b = await readFrom(make(7), undefined, () => 50);
    const c = await readFrom(make(8), undefined, () => 50);
    expect(a.values).toEqual(b.values);
    expect(c.values).not.toEqual(a.values);
    const d = await readFrom(make(2 ** 40 + 7), undefined, () => 50);
    expect(d.values).not.toEqual(a.values); // the high bits of the seed count
  });

  it('resuming at offset() yields exactly what an uninterrupted run produces', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 0, max: 120 }),
        fc.integer({ min: Number.MIN_SAFE_INTEGER, max: Number.MAX_SAFE_INTEGER }),
        fc.array(fc.integer({ min: 1, max: 13 }), { minLength: 1, maxLength: 10 }),
        fc.nat(20),
        fc.nat(3),
        async (count, seed, sizeList, stopAfter, restarts) => {
          const source = generatorSource({ count, seed, generate: (i, random) => ({ i, r: draws(i, random) }) });
          const full = await readFrom(source, undefined, () => 1000);
          let k = 0;
          const sizes = () => sizeList[k++ % sizeList.length]!;
          const got: unknown[] = [];
          let offset: Json | undefined;
          for (let r = 0; r < restarts; r++) {
            const part = await readFrom(source, offset, sizes, stopAfter);
            got.push(...part.values);
            offset = part.offset;
          }
          got.push(...(await readFrom(source, offset, sizes)).values);
          expect(got).toEqual(full.values);
          expect(full.values.map((v) => v.i)).toEqual(Array.from({ length: count }, (_, i) => i));
        },
      ),
    );
  });

  it('an endless source resumes too', async () => {
    const source = generatorSource({ count: Infinity, seed: 3, generate: (i, random) => `${i}:${random()}` });
    expect(source.describe()).toBe('generator of Infinity values (seed 3)');
    const a = await readFrom(source, undefined, () => 100, 10);
    expect(a.values).toHaveLength(1000);
    const b = await readFrom(source, a.offset, () => 100, 1);
    const straight = await readFrom(source, undefined, () => 1100, 1);
    expect([...a.values, ...b.values]).toEqual(straight.values);
  });

  it('validates its options, naming the option and the value', () => {
    const generate = (i: number) => i;
    const cases: Array<[unknown, string[]]> = [
      [null, ['options', 'null']],
      [{ count: -1, seed: 1, generate }, ['`count`', 'number -1']],
      [{ count: 1.5, seed: 1, generate }, ['`count`', 'number 1.5']],
      [{ count: NaN, seed: 1, generate }, ['`count`', 'NaN']],
      [{ count: '5', seed: 1, generate }, ['`count`', 'string "5"']],
      [{ count: 5, seed: 0.5, generate }, ['`seed`', 'number 0.5']],
      [{ count: 5, seed: 2 ** 60, generate }, ['`seed`']],
      [{ count: 5, generate }, ['`seed`', 'undefined']],
      [{ count: 5, seed: 1, generate: 'x' }, ['`generate`', 'string "x"']],
    ];
    for (const [options, parts] of cases) {
      const err = caught(() => generatorSource(options as never));
      expect(err.code).toBe('INVALID_ARGUMENT');
      for (const p of parts) expect(err.message).toContain(p);
    }
  });

  it('rejects an offset that is not one of its own', () => {
    const source = generatorSource({ count: 10, seed: 1, generate: (i) => i });
    for (const bad of [5, 'x', null, [], { index: 1 }, { index: -1, state: [1, 2, 3, 4] }, { index: 11, state: [1, 2, 3, 4] }, { index: 1, state: [1, 2, 3] }, { index: 1, state: [1, 2, 3, 2 ** 32] }, { index: 1, state: [1, 2, 3, -1] }]) {
      const err = caught(() => source.open(bad as Json));
      expect(err.code).toBe('SOURCE');
      expect(err.message).toContain('offset');
    }
    expect(() => source.open({ index: 10, state: [1, 2, 3, 4] })).not.toThrow();
  });

  it('an error thrown by generate names the index and leaves the offset at the last value returned', async () => {
    let fail = true;
    const source = generatorSource({ count: 10, seed: 9, generate: (i, random) => {
      const r = random();
      if (i === 4 && fail) throw new Error('boom');
      return r;
    } });
    const reader = await source.open(undefined);
    expect(await reader.read(3)).toHaveLength(3);
    const at = JSON.parse(JSON.stringify(reader.offset())) as Json;
    await expect(async () => reader.read(3)).rejects.toMatchObject({ code: 'SOURCE', message: expect.stringContaining('index 4: Error: boom') as unknown });
    expect(reader.offset()).toEqual(at);
    fail = false;
    const resumed = await readFrom(source, at, () => 10);
    const straight = await readFrom(source, undefined, () => 10);
    expect(resumed.values).toEqual(straight.values.slice(3));
    expect(await reader.read(10)).toEqual(straight.values.slice(3)); // the same reader continues too
  });

  it('random() outside generate is an error (a replay could not reproduce it)', async () => {
    let kept: (() => number) | undefined;
    const reader = await generatorSource({ count: 2, seed: 1, generate: (_i, random) => { kept = random; return 0; } }).open(undefined);
    await reader.read(1);
    expect(caught(() => kept!()).code).toBe('SOURCE');
  });

  it('rejects read(max) without a positive integer', async () => {
    const reader = await generatorSource({ count: Infinity, seed: 1, generate: (i) => i }).open(undefined);
    for (const bad of [0, -1, 2.5, Infinity, NaN]) expect(caught(() => reader.read(bad)).code).toBe('INVALID_ARGUMENT');
  });

  describe('readEach (values handed over one at a time)', () => {
    const gen = (fail: () => boolean) =>
      generatorSource({ count: 50, seed: 3, generate: (i, random) => {
        const r = random() + random() * (i % 3); // a varying number of draws per value
        if (fail() && i === 17) throw new Error('boom');
        return r;
      } });

    it('hands over exactly the values read() returns, in any batch sizes, and resumes from its offset', async () => {
      const straight = await readFrom(gen(() => false), undefined, () => 50);
      await fc.assert(
        fc.asyncProperty(fc.array(fc.integer({ min: 1, max: 12 }), { minLength: 1, maxLength: 10 }), async (sizes) => {
          const reader = await gen(() => false).open(undefined);
          const got: number[] = [];
          for (const n of sizes) {
            const handed = await reader.readEach!(n, (v) => got.push(v));
            expect(handed).toBe(Math.min(n, 50 - (got.length - handed)));
          }
          expect(got).toEqual(straight.values.slice(0, got.length));
          const rest = await readFrom(gen(() => false), JSON.parse(JSON.stringify(reader.offset())) as Json, () => 7);
          expect([...got, ...rest.values]).toEqual(straight.values);
        }),
        { numRuns: 50 },
      );
      const reader = await gen(() => false).open({ index: 50, state: (straight.offset as { state: number[] }).state });
      expect(await reader.readEach!(5, () => undefined)).toBe(0); // end of input
    });

    it('when emit throws, the offset stands after that value', async () => {
      const straight = await readFrom(gen(() => false), undefined, () => 50);
      const reader = await gen(() => false).open(undefined);
      const got: number[] = [];
      expect(() => reader.readEach!(10, (v) => {
        got.push(v);
        if (got.length === 6) throw new Error('downstream');
      })).toThrow('downstream');
      const rest = await readFrom(gen(() => false), JSON.parse(JSON.stringify(reader.offset())) as Json, () => 50);
      expect([...got, ...rest.values]).toEqual(straight.values);
    });

    it('when generate throws, the values before it are handed over and the offset stands after them', async () => {
      const straight = await readFrom(gen(() => false), undefined, () => 50);
      const reader = await gen(() => true).open(undefined);
      const got: number[] = [];
      expect(caught(() => reader.readEach!(30, (v) => got.push(v)))).toMatchObject({ code: 'SOURCE', message: expect.stringContaining('index 17') as unknown });
      expect(got).toEqual(straight.values.slice(0, 17));
      const rest = await readFrom(gen(() => false), JSON.parse(JSON.stringify(reader.offset())) as Json, () => 50);
      expect([...got, ...rest.values]).toEqual(straight.values);
      expect(caught(() => reader.readEach!(0, () => undefined)).code).toBe('INVALID_ARGUMENT');
    });
  });
});
