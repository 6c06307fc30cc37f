import fc from 'fast-check';
import { promises as fs } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { jsonLinesSource } from '../jsonLinesSource';
import { LINE_TEXT_WINDOW } from '../LineText';

let dir: string;
beforeAll(async () => {
  dir = await fs.mkdtemp(join(tmpdir(), 'weir-jsonl-reader-'));
});
afterAll(async () => {
  await fs.rm(dir, { recursive: true, force: true });
});

/** The reference: split the bytes at every `\n`, drop a `\r` before it, skip blank lines; each value and the byte offset after its line. */
function reference(bytes: Buffer): Array<{ value: unknown; end: number }> {
  const out: Array<{ value: unknown; end: number }> = [];
  let start = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? 3 : 0;
  while (start < bytes.length) {
    let nl = bytes.indexOf(0x0a, start);
    const end = nl === -1 ? bytes.length : nl + 1;
    if (nl === -1) nl = bytes.length;
    const text = bytes.toString('utf8', start, nl).replace(/\r$/, '');
    if (text.trim() !== '') out.push({ value: JSON.parse(text) as unknown, end });
    start = end;
  }
  return out;
}

const piece = fc.constantFrom('a', 'key', ' ', 'é', '€', '😀', '\\"', '\\n', '7');
/** A line's value: long strings (so a file spans several decode windows), flat objects and numbers. */
const value = fc.oneof(
  fc.array(piece, { maxLength: 2_000, size: 'max' }).map((p) => p.join('')).map((s) => JSON.parse(`"${s}"`) as string),
  fc.record({ key: fc.array(piece, { maxLength: 8 }).map((p) => JSON.parse(`"${p.join('')}"`) as string), ts: fc.integer() }),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
);
const line = fc.record({ value, crlf: fc.boolean(), blanks: fc.array(fc.constantFrom('', ' ', '\r', '\t'), { maxLength: 2 }) });

describe('jsonLinesSource over files larger than a decode window', () => {
  it('reads what the reference splitter reads, across chunk and window boundaries (multi-byte characters split by them included), and resumes exactly at every offset', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(line, { minLength: 1, maxLength: 300, size: 'max' }),
        fc.boolean(),
        fc.boolean(),
        fc.constantFrom(7, 1_000, LINE_TEXT_WINDOW - 1, LINE_TEXT_WINDOW, LINE_TEXT_WINDOW + 1, 100_003, 1 << 20),
        fc.array(fc.integer({ min: 1, max: 300 }), { minLength: 1, maxLength: 5 }),
        fc.array(fc.nat(6), { maxLength: 4 }),
        async (lines, bom, finalNewline, chunkBytes, sizes, stops) => {
          let text = '';
          lines.forEach((l, i) => {
            const eol = l.crlf ? '\r\n' : '\n';
            for (const b of l.blanks) text += b + eol;
            text += JSON.stringify(l.value);
            if (i < lines.length - 1 || finalNewline) text += eol;
          });
          const bytes = Buffer.concat([bom ? Buffer.from([0xef, 0xbb, 0xbf]) : Buffer.alloc(0), Buffer.from(text)]);
          const path = join(dir, 'p.jsonl');
          await fs.writeFile(path, bytes);
          const want = reference(bytes);
          const source = jsonLinesSource<unknown>(path, { chunkBytes });
          const got: unknown[] = [];
          let offset: number | undefined;
          let k = 0;
          for (let segment = 0; segment <= stops.length; segment++) {
            const reader = await source.open(offset);
            try {
              for (let reads = 0; segment === stops.length || reads < stops[segment]!; reads++) {
                const max = sizes[k++ % sizes.length]!;
                let handed = 0;
                const r = reader.readEach!(max, (v) => {
                  got.push(v);
                  handed++;
                });
                const n = typeof r === 'number' ? r : await r;
                expect(n).toBe(handed);
                expect(n).toBeLessThanOrEqual(max);
                offset = reader.offset() as number;
                // the offset is after the last value's line and no later than the next value's line
                const last = want[got.length - 1];
                expect(offset).toBeGreaterThanOrEqual(last === undefined ? 0 : last.end);
                const next = want[got.length];
                if (next !== undefined) expect(offset).toBeLessThan(next.end);
                if (n === 0) break;
              }
            } finally {
              await reader.close?.();
            }
          }
          expect(got).toEqual(want.map((w) => w.value));
          expect(offset).toBe(bytes.length);
        },
      ),
      { numRuns: 25 },
    );
  }, 120_000);
});
