import { promises as fs } from 'node:fs';
import { CheckpointError } from './CheckpointError';
import { describeValue, optionKeys } from '@weir/state';
import { checkCheckpointOptionKeys } from './checkCheckpointOptionKeys';
import type { Json } from './Json';
import { fileError, JsonLinesReader, type JsonLinesFile } from './JsonLinesReader';
import type { Source, SourceReader } from './Source';

/** Options of {@link jsonLinesSource}. */
export interface JsonLinesSourceOptions<T> {
  /**
   * Turns one line (without its line ending) into a value; default `JSON.parse`. `position` is the
   * line's byte position in the file. An error it throws becomes a `CheckpointError` `SOURCE`
   * naming the file, the position and the line.
   */
  readonly parse?: (line: string, position: number) => T;
  /** How many bytes each file read asks for; default 1 MiB. A positive integer. */
  readonly chunkBytes?: number;
  /**
   * The side output for lines that do not parse (not valid JSON, or `parse` threw): each such line
   * is handed here, with its byte position, the error and how many invalid lines this reader
   * has met so far, and reading goes on. Without it an invalid line fails the job (the default:
   * nothing is dropped unless you say where it goes). A line is reported again when a job resumes
   * from a checkpoint taken before it (at least once, like every side effect outside a sink).
   * An error this callback throws fails the job.
   */
  readonly invalid?: (line: InvalidJsonLine) => void;
}

/** What {@link JsonLinesSourceOptions.invalid} receives for a line that does not parse. */
export interface InvalidJsonLine {
  /** The line, without its line ending. */
  readonly line: string;
  /** Its byte position in the file. */
  readonly position: number;
  /** Why it did not parse (`JSON.parse`'s or your `parse`'s error). */
  readonly error: unknown;
  /** Invalid lines this reader has met, this one included (a count since the reader was opened). */
  readonly count: number;
}

const KEYS = optionKeys<JsonLinesSourceOptions<unknown>>({ parse: true, chunkBytes: true, invalid: true });

const DEFAULT_CHUNK = 1 << 20;
const NEWLINE = 0x0a;

/**
 * A replayable {@link Source} over a JSON Lines file: one JSON value per line, in file order.
 *
 * **Format.** Lines end with `\n` or `\r\n`; the last line may lack one. Blank lines (empty or
 * only whitespace) are skipped. A UTF-8 byte-order mark at the start of the file is ignored. The
 * file is read as UTF-8 and must not change while a job (or its replay) reads it.
 *
 * **Offset.** The byte position of the next line to read (a number; blank lines read so far are
 * counted in it): a reader opened at it reads exactly the lines after the last value returned.
 * An offset that is not the start of a line of the file (the file changed) throws a
 * `CheckpointError` `SOURCE`.
 *
 * **Reading.** The file is read in chunks of `chunkBytes` with `FileHandle.read`; the complete
 * lines of a chunk are decoded from UTF-8 about 64 KiB at a time (lines and multi-byte characters
 * split across chunks are joined first) and each line is parsed where it lies in that text, with
 * no copy of its own. The default parse is `JSON.parse`'s result, read on a fast path when every
 * line is a flat object of the same keys written compactly (about a third of `JSON.parse`'s
 * CPU time; anything else goes to `JSON.parse`). The coordinator reads with `readEach`: each value
 * goes downstream as it is parsed, and a call its decoded text can serve returns synchronously.
 * `read(max)` returns at most `max` values, and fewer when its buffered chunk runs out (never
 * none before the end of the file). Cost: O(bytes) to scan and decode, plus one parse per line;
 * memory is one chunk plus the longest line.
 * The file handle is closed at the end of the file or by `close()`.
 *
 * **Errors** (`CheckpointError` `SOURCE`): a missing or unreadable file (naming the path); a line
 * that is not valid JSON, unless the `invalid` side output takes it (naming the file, the line
 * number, its byte position and a preview of the line). After an error the reader's offset
 * stays after the last value returned.
 *
 * @param path - the file to read
 * @param options - see {@link JsonLinesSourceOptions}
 *
 * @example
 * ```ts
 * // clicks.jsonl: {"user":"ada","time":1000}\n{"user":"bob","time":1500}\n...
 * const clicks = jsonLinesSource<Click>('data/clicks.jsonl');
 * const reader = await clicks.open(undefined);
 * const batch = await reader.read(1000); // up to 1,000 clicks
 * const offset = reader.offset();        // the byte position after them
 * ```
 */
export function jsonLinesSource<T>(path: string, options: JsonLinesSourceOptions<T> = {}): Source<T> {
  const kind = 'jsonLinesSource';
  if (typeof path !== 'string' || path === '') {
    throw new CheckpointError('INVALID_ARGUMENT', `${kind}: expected a file path, got ${describeValue(path)}`);
  }
  if (options === null || typeof options !== 'object') {
    throw new CheckpointError('INVALID_ARGUMENT', `${kind}: expected options { parse?, chunkBytes?, invalid? }, got ${describeValue(options)}`);
  }
  checkCheckpointOptionKeys(kind, options, KEYS);
  const chunkBytes = options.chunkBytes ?? DEFAULT_CHUNK;
  if (!Number.isSafeInteger(chunkBytes) || chunkBytes < 1) {
    throw new CheckpointError('INVALID_ARGUMENT', `${kind} (${path}): option \`chunkBytes\` must be a positive integer, got ${describeValue(options.chunkBytes)}`);
  }
  const parse = options.parse;
  if (parse !== undefined && typeof parse !== 'function') {
    throw new CheckpointError('INVALID_ARGUMENT', `${kind} (${path}): option \`parse\` must be a function (line, position) => value, got ${describeValue(parse)}`);
  }
  const invalid = options.invalid;
  if (invalid !== undefined && typeof invalid !== 'function') {
    throw new CheckpointError('INVALID_ARGUMENT', `${kind} (${path}): option \`invalid\` must be a function (line) => void, got ${describeValue(invalid)}`);
  }
  const where = `${kind} (${path})`;
  const file: JsonLinesFile = { path, where, reopen: () => fs.open(path, 'r') };

  return {
    describe: () => `JSON lines of ${path}`,
    async open(offset: Json | undefined): Promise<SourceReader<T>> {
      const start = offset === undefined ? 0 : offset;
      if (typeof start !== 'number' || !Number.isSafeInteger(start) || start < 0) {
        throw new CheckpointError('SOURCE', `${where}: offset must be a byte position (a non-negative integer), got ${describeValue(offset)}`);
      }
      let fh: fs.FileHandle;
      try {
        fh = await fs.open(path, 'r');
      } catch (err) {
        throw fileError(file, 'open', err);
      }
      try {
        if (start > 0) await checkLineStart(fh, path, where, start);
      } catch (err) {
        await fh.close().catch(() => undefined);
        throw err;
      }
      return new JsonLinesReader<T>(fh, file, start, chunkBytes, parse, invalid);
    },
  };
}

/** Throws unless `start` is the file's end or the byte before it is a newline. */
async function checkLineStart(fh: fs.FileHandle, path: string, where: string, start: number): Promise<void> {
  let size: number;
  let before: number | undefined;
  try {
    size = (await fh.stat()).size;
    const byte = Buffer.alloc(1);
    const { bytesRead } = await fh.read(byte, 0, 1, start - 1);
    before = bytesRead === 1 ? byte[0] : undefined;
  } catch (err) {
    throw fileError({ where, path }, 'read', err);
  }
  if (start > size) {
    throw new CheckpointError('SOURCE', `${where}: offset ${start} is beyond the end of the file (${size} bytes): did the file change since the checkpoint?`);
  }
  if (start < size && before !== NEWLINE) {
    throw new CheckpointError('SOURCE', `${where}: offset ${start} is not the start of a line: did the file change since the checkpoint?`);
  }
}
