import fc from 'fast-check';
import { promises as fs } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { jsonLinesSink } from '../jsonLinesSink';
import { LINE_CHUNK_BYTES } from '../LineChunks';

/**
 * The `fields` option against its model: every line is `JSON.stringify(value, fields)`, byte for
 * byte, whatever the fields hold (escapes, non-ASCII and lone surrogates, -0, NaN, fractions,
 * nested objects, toJSON, missing fields), and lines over a chunk boundary keep their order.
 */
let dir: string;
beforeEach(async () => {
  dir = await fs.mkdtemp(join(tmpdir(), 'weir-jsonl-fields-'));
});
afterEach(async () => {
  await fs.rm(dir, { recursive: true, force: true });
});

const FIELDS = ['page', 'start', 'views', '0', '__proto__'];

const fieldValue: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 4, arbitrary: fc.string() },
  { weight: 2, arbitrary: fc.string({ unit: 'binary' }) },
  { weight: 4, arbitrary: fc.integer() },
  { weight: 2, arbitrary: fc.maxSafeInteger() },
  { weight: 2, arbitrary: fc.double() },
  { weight: 1, arbitrary: fc.constantFrom(-0, 2 ** 53, -(2 ** 60), 1e21, true, false, null, undefined, () => 1, Symbol('s')) },
  { weight: 1, arbitrary: fc.record({ a: fc.string(), page: fc.integer() }) },
  { weight: 1, arbitrary: fc.date({ noInvalidDate: true }) },
  { weight: 1, arbitrary: fc.array(fc.integer(), { maxLength: 3 }) },
);

const row: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 8, arbitrary: fc.dictionary(fc.constantFrom(...FIELDS, 'other'), fieldValue, { noNullPrototype: true }) },
  { weight: 1, arbitrary: fc.constantFrom(7, 'text', null, [1, 2], { toJSON: () => ({ page: 'j' }) }) },
);

async function written(values: readonly unknown[], fields: readonly string[]): Promise<Buffer> {
  await fs.rm(dir, { recursive: true, force: true });
  const w = await jsonLinesSink<unknown>(dir, { fields, fsync: false }).open(undefined);
  for (const v of values) w.write(v);
  await w.preCommit(1);
  await w.commit(1);
  await w.close?.();
  return fs.readFile(join(dir, 'part-000000000001.jsonl'));
}

describe('jsonLinesSink with fields', () => {
  it('writes JSON.stringify(value, fields) for every value', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(row, { minLength: 1, maxLength: 40 }), fc.shuffledSubarray(FIELDS, { minLength: 1 }), async (values, fields) => {
        const expected = values.map((v) => `${JSON.stringify(v, fields)}\n`).join('');
        expect((await written(values, fields)).toString('utf8')).toBe(expected);
        expect(Buffer.from(expected, 'utf8').equals(await written(values, fields))).toBe(true);
      }),
      { numRuns: 150 },
    );
  });

  it('keeps lines whole and in order across chunks, and a line longer than a chunk', async () => {
    const big = 'x'.repeat(LINE_CHUNK_BYTES / 8); // fits a chunk (at 6 bytes a character at most): crosses chunk ends
    const values = Array.from({ length: 3000 }, (_, i) => ({ page: i % 50 === 0 ? big : `page-${i}`, start: i * 1000, views: i }));
    values.push({ page: 'y'.repeat(LINE_CHUNK_BYTES), start: -1, views: 0 });
    const fields = ['page', 'start', 'views'];
    expect((await written(values, fields)).toString('utf8')).toBe(values.map((v) => `${JSON.stringify(v)}\n`).join(''));
  });

  it('refuses a value JSON.stringify refuses, and bad fields', async () => {
    const w = await jsonLinesSink<unknown>(dir, { fields: ['a'], fsync: false }).open(undefined);
    expect(() => w.write({ a: 10n })).toThrow(expect.objectContaining({ code: 'SINK' }) as Error);
    expect(() => w.write(undefined)).toThrow(expect.objectContaining({ code: 'SINK' }) as Error);
    for (const fields of [['a', 'a'], [1], 'a']) {
      expect(() => jsonLinesSink(dir, { fields: fields as string[] })).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT', message: expect.stringContaining('fields') as unknown }) as Error);
    }
    expect(() => jsonLinesSink<unknown>(dir, { fields: ['a'], serialize: String })).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }) as Error);
  });
});
