import fc from 'fast-check';
import { promises as fs } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CheckpointError } from '../CheckpointError';
import type { Json } from '../Json';
import { jsonLinesSource } from '../jsonLinesSource';
import { readFrom, rejection } from './checkpointFixtures';

let dir: string;
beforeEach(async () => {
  dir = await fs.mkdtemp(join(tmpdir(), 'weir-jsonl-source-'));
});
afterEach(async () => {
  await fs.rm(dir, { recursive: true, force: true });
});

async function file(name: string, content: string | Buffer): Promise<string> {
  const path = join(dir, name);
  await fs.writeFile(path, content);
  return path;
}

describe('jsonLinesSource', () => {
  it('reads every line in order: \\r\\n, blank lines, a last line without newline', async () => {
    const path = await file('a.jsonl', '{"n":1}\n\r\n{"n":2}\r\n   \n\n"three"\n[4]');
    const source = jsonLinesSource<unknown>(path);
    expect(source.describe()).toBe(`JSON lines of ${path}`);
    const { values, offset } = await readFrom(source, undefined, () => 100);
    expect(values).toEqual([{ n: 1 }, { n: 2 }, 'three', [4]]);
    expect(offset).toBe((await fs.stat(path)).size);
  });

  it('offsets are byte positions of the next line, blank lines included', async () => {
    const path = await file('a.jsonl', '1\n\n"é"\n3\n\n');
    const reader = await jsonLinesSource<unknown>(path).open(undefined);
    expect(reader.offset()).toBe(0);
    expect(await reader.read(1)).toEqual([1]);
    expect(reader.offset()).toBe(2);
    expect(await reader.read(1)).toEqual(['é']); // the blank line before it is read too
    expect(reader.offset()).toBe(8); // "é" is 2 bytes
    expect(await reader.read(1)).toEqual([3]);
    expect(reader.offset()).toBe(10);
    expect(await reader.read(5)).toEqual([]);
    expect(reader.offset()).toBe(11); // the trailing blank line is consumed at the end
    await reader.close?.();
  });

  it('resuming at an offset reads exactly the lines after it', async () => {
    const path = await file('a.jsonl', '"a"\n"b"\n"c"\n');
    const source = jsonLinesSource<string>(path);
    expect((await readFrom(source, 4, () => 10)).values).toEqual(['b', 'c']);
    expect((await readFrom(source, 8, () => 10)).values).toEqual(['c']);
    expect((await readFrom(source, 12, () => 10)).values).toEqual([]);
  });

  it('hands each line and its byte position to a custom parse', async () => {
    const path = await file('a.csv', 'x,1\r\ny,22\n\nz,3');
    const seen: Array<[string, number]> = [];
    const source = jsonLinesSource(path, {
      parse: (line, position) => {
        seen.push([line, position]);
        return line.split(',')[0];
      },
      chunkBytes: 3,
    });
    expect((await readFrom(source, undefined, () => 2)).values).toEqual(['x', 'y', 'z']);
    expect(seen).toEqual([['x,1', 0], ['y,22', 5], ['z,3', 11]]);
  });

  it('skips a UTF-8 byte-order mark at the start of the file', async () => {
    const path = await file('bom.jsonl', Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('{"a":1}\n{"a":2}\n')]));
    expect((await readFrom(jsonLinesSource(path, { chunkBytes: 2 }), undefined, () => 10)).values).toEqual([{ a: 1 }, { a: 2 }]);
  });

  it('joins a long line read one byte at a time', async () => {
    const long = 'ü€😀'.repeat(1000);
    const path = await file('long.jsonl', `${JSON.stringify(long)}\n1\n`);
    expect((await readFrom(jsonLinesSource(path, { chunkBytes: 1 }), undefined, () => 10)).values).toEqual([long, 1]);
  });

  it('never returns an empty batch before the end of the file', async () => {
    const path = await file('a.jsonl', `\n\n\n${'\n'.repeat(50)}1\n${'\r\n'.repeat(40)}2\n\n`);
    const reader = await jsonLinesSource<number>(path, { chunkBytes: 4 }).open(undefined);
    expect(await reader.read(10)).toEqual([1]);
    expect(await reader.read(10)).toEqual([2]);
    expect(await reader.read(10)).toEqual([]);
  });

  it('resuming at offset() after random batches and tiny chunks reads exactly the rest', async () => {
    const value = fc.oneof(
      fc.string({ unit: 'binary', maxLength: 12 }),
      fc.string({ unit: 'grapheme', maxLength: 6 }),
      fc.integer(),
      fc.record({ s: fc.string({ unit: 'binary', maxLength: 6 }), n: fc.double({ noDefaultInfinity: true, noNaN: true }) }),
      fc.constant(null),
    );
    const line = fc.record({
      value,
      crlf: fc.boolean(),
      blanks: fc.array(fc.constantFrom('', ' ', '\r', '\t '), { maxLength: 2 }),
      pad: fc.boolean(),
    });
    await fc.assert(
      fc.asyncProperty(
        fc.array(line, { maxLength: 25 }),
        fc.boolean(),
        fc.oneof(fc.integer({ min: 1, max: 7 }), fc.integer({ min: 8, max: 64 }), fc.constant(1 << 20)),
        fc.array(fc.integer({ min: 1, max: 6 }), { minLength: 1, maxLength: 8 }),
        fc.nat(12),
        fc.nat(2),
        async (lines, finalNewline, chunkBytes, sizeList, stopAfter, restarts) => {
          let text = '';
          lines.forEach((l, i) => {
            for (const b of l.blanks) text += `${b}${l.crlf ? '\r\n' : '\n'}`;
            const json = JSON.stringify(l.value);
            text += l.pad ? ` ${json}\t` : json;
            if (i < lines.length - 1 || finalNewline) text += l.crlf ? '\r\n' : '\n';
          });
          const path = await file('p.jsonl', text);
          const expected = lines.map((l) => JSON.parse(JSON.stringify(l.value)) as unknown);
          const source = jsonLinesSource<unknown>(path, { chunkBytes });
          let k = 0;
          const sizes = () => sizeList[k++ % sizeList.length]!;
          const got: unknown[] = [];
          let offset: Json | undefined;
          for (let r = 0; r < restarts; r++) {
            const part = await readFrom(source, offset, sizes, stopAfter);
            got.push(...part.values);
            offset = part.offset;
          }
          const rest = await readFrom(source, offset, sizes);
          got.push(...rest.values);
          expect(got).toEqual(expected);
          expect(rest.offset).toBe(Buffer.byteLength(text));
        },
      ),
      { numRuns: 200 },
    );
  }, 60_000); // file operations: slow on a loaded machine

  it('a line that is not JSON throws SOURCE naming the file, line, byte position and the line', async () => {
    const path = await file('bad.jsonl', '{"a":1}\n\n{"a":2}\n{"a": oops}\n{"a":3}\n');
    const source = jsonLinesSource(path, { chunkBytes: 5 });
    const reader = await source.open(undefined);
    expect(await reader.read(1)).toEqual([{ a: 1 }]);
    expect(await reader.read(1)).toEqual([{ a: 2 }]);
    const err = await rejection(reader.read(10));
    expect(err.code).toBe('SOURCE');
    expect(err.message).toContain(path);
    expect(err.message).toContain('line 4 at byte 17 is not valid JSON');
    expect(err.message).toContain('"{\\"a\\": oops}"');
    expect(err.cause).toBeInstanceOf(SyntaxError);
    expect(reader.offset()).toBe(17); // after the last value returned
    expect((await rejection(reader.read(10))).message).toBe(err.message); // the reader stays failed
    await reader.close?.();

    // resumed past the start, the line number is still the file's
    const resumed = await source.open(9);
    expect(await resumed.read(1)).toEqual([{ a: 2 }]);
    expect((await rejection(resumed.read(1))).message).toContain('line 4 at byte 17');
    await resumed.close?.();
  });

  it('routes lines that do not parse to the `invalid` side output, counted, and reads on; a resumed reader does not meet them again', async () => {
    const path = await file('mixed.jsonl', '{"a":1}\n{"a": oops}\n\n{"a":2}\nnot json\n{"a":3}');
    const seen: Array<{ line: string; position: number; count: number; isSyntaxError: boolean }> = [];
    const source = jsonLinesSource<{ a: number }>(path, {
      invalid: ({ line, position, error, count }) => seen.push({ line, position, count, isSyntaxError: error instanceof SyntaxError }),
    });
    const reader = await source.open(undefined);
    expect(await reader.read(2)).toEqual([{ a: 1 }, { a: 2 }]);
    const afterTwo = reader.offset();
    expect(afterTwo).toBe(29); // after {"a":2}
    expect(await reader.read(10)).toEqual([{ a: 3 }]);
    expect(await reader.read(10)).toEqual([]);
    expect(seen).toEqual([
      { line: '{"a": oops}', position: 8, count: 1, isSyntaxError: true },
      { line: 'not json', position: 29, count: 2, isSyntaxError: true },
    ]);
    await reader.close?.();

    // property: for any chunk size, the values are the valid lines and the side output the others, each once
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: 40 }), async (chunkBytes) => {
        const bad: string[] = [];
        const values = (await readFrom(jsonLinesSource<{ a: number }>(path, { chunkBytes, invalid: (l) => bad.push(l.line) }), undefined, () => 2)).values;
        expect(values).toEqual([{ a: 1 }, { a: 2 }, { a: 3 }]);
        expect(bad).toEqual(['{"a": oops}', 'not json']);
      }),
      { numRuns: 40 },
    );

    // resumed after the first bad line: only the second is reported
    const later: string[] = [];
    const resumed = await readFrom(jsonLinesSource<{ a: number }>(path, { invalid: (l) => later.push(l.line) }), 20, () => 10);
    expect(resumed.values).toEqual([{ a: 2 }, { a: 3 }]);
    expect(later).toEqual(['not json']);

    // a custom parse that throws goes there too; a throwing side output fails the read
    const strict = jsonLinesSource<number>(path, { parse: (line) => (JSON.parse(line) as { a: number }).a, invalid: () => { throw new Error('side output down'); } });
    const r = await strict.open(undefined);
    await expect(r.read(10)).rejects.toThrow('side output down');
    expect(r.offset()).toBe(8); // after the last line delivered
    await r.close?.();
  });

  it('a long bad line is previewed, not dumped', async () => {
    const path = await file('bad.jsonl', `{"x":"${'y'.repeat(10_000)}"\n`);
    const err = await rejection(readFrom(jsonLinesSource(path), undefined, () => 10));
    expect(err.message).toContain('line 1 at byte 0');
    expect(err.message.length).toBeLessThan(400);
  });

  it('an error from a custom parse names the position', async () => {
    const path = await file('a.txt', 'ok\nno\n');
    const source = jsonLinesSource(path, { parse: (line) => { if (line === 'no') throw new Error('nope'); return line; } });
    const err = await rejection(readFrom(source, undefined, () => 10));
    expect(err.message).toContain('line 2 at byte 3 could not be parsed (nope)');
  });

  it('a missing file or a directory throws SOURCE naming the path', async () => {
    const missing = join(dir, 'missing.jsonl');
    const err = await rejection(jsonLinesSource(missing).open(undefined));
    expect(err.code).toBe('SOURCE');
    expect(err.message).toContain(missing);
    expect(err.message).toContain('no such file');
    const asDir = await rejection(readFrom(jsonLinesSource(dir), undefined, () => 1));
    expect(asDir.code).toBe('SOURCE');
    expect(asDir.message).toContain(dir);
  });

  it('rejects an offset that is not the start of a line of the file', async () => {
    const path = await file('a.jsonl', '"a"\n"b"\n"c"');
    const source = jsonLinesSource(path);
    for (const [bad, what] of [[5, 'not the start of a line'], [12, 'beyond the end'], [-1, 'byte position'], ['4', 'byte position'], [{ index: 4 }, 'byte position']] as const) {
      const err = await rejection(source.open(bad as Json));
      expect(err.code).toBe('SOURCE');
      expect(err.message).toContain(what);
    }
    expect((await readFrom(source, 11, () => 1)).values).toEqual([]); // the end of a file without final newline
  });

  it('validates its options and read(max)', async () => {
    const path = await file('a.jsonl', '1\n');
    const bad: Array<[() => unknown, string]> = [
      [() => jsonLinesSource(''), 'file path'],
      [() => jsonLinesSource(42 as never), 'number 42'],
      [() => jsonLinesSource(path, { chunkBytes: 0 }), '`chunkBytes`'],
      [() => jsonLinesSource(path, { chunkBytes: 1.5 }), 'number 1.5'],
      [() => jsonLinesSource(path, { parse: 'JSON' as never }), '`parse`'],
      [() => jsonLinesSource(path, null as never), 'options'],
    ];
    for (const [fn, part] of bad) {
      let err: unknown;
      try {
        fn();
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(CheckpointError);
      expect((err as CheckpointError).code).toBe('INVALID_ARGUMENT');
      expect((err as CheckpointError).message).toContain(part);
    }
    const reader = await jsonLinesSource(path).open(undefined);
    expect((await rejection(reader.read(0))).code).toBe('INVALID_ARGUMENT');
    await reader.close?.();
  });

  it('refuses a read after close and overlapping reads', async () => {
    const path = await file('a.jsonl', '1\n2\n');
    const reader = await jsonLinesSource(path, { chunkBytes: 1 }).open(undefined);
    const first = reader.read(1);
    expect((await rejection(reader.read(1))).code).toBe('STATE');
    expect(await first).toEqual([1]);
    await reader.close?.();
    await reader.close?.(); // idempotent
    expect((await rejection(reader.read(1))).message).toContain('after close');
  });
});
