import { promises as fs } from 'node:fs';
import { CheckpointError } from './CheckpointError';
import { describeValue, messageOf, optionKeys } from '@weir/state';
import { checkCheckpointOptionKeys } from './checkCheckpointOptionKeys';
import type { Json } from './Json';
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
}

const KEYS = optionKeys<JsonLinesSourceOptions<unknown>>({ parse: true, chunkBytes: true });

const DEFAULT_CHUNK = 1 << 20;
const NEWLINE = 0x0a;
const CR = 0x0d;

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
 * **Reading.** The file is read in chunks of `chunkBytes` with `FileHandle.read`; lines split
 * across chunks (and multi-byte characters split across them) are joined before decoding.
 * `read(max)` returns at most `max` values, and fewer when its buffered chunk runs out (never
 * none before the end of the file). Cost: O(bytes) to scan and decode, plus one `parse` per
 * line; memory is one chunk plus the longest line. The file handle is closed at the end of the
 * file or by `close()`.
 *
 * **Errors** (`CheckpointError` `SOURCE`): a missing or unreadable file (naming the path); a line
 * that is not valid JSON (naming the file, the line number, its byte position and a preview of
 * the line). After an error the reader's offset stays after the last value returned.
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
    throw new CheckpointError('INVALID_ARGUMENT', `${kind}: expected options { parse?, chunkBytes? }, got ${describeValue(options)}`);
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
  const where = `${kind} (${path})`;

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
        throw fileError(where, path, 'open', err);
      }
      try {
        if (start > 0) await checkLineStart(fh, path, where, start);
      } catch (err) {
        await fh.close().catch(() => undefined);
        throw err;
      }
      return lineReader(fh, path, where, start, chunkBytes, parse);
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
    throw fileError(where, path, 'read', err);
  }
  if (start > size) {
    throw new CheckpointError('SOURCE', `${where}: offset ${start} is beyond the end of the file (${size} bytes): did the file change since the checkpoint?`);
  }
  if (start < size && before !== NEWLINE) {
    throw new CheckpointError('SOURCE', `${where}: offset ${start} is not the start of a line: did the file change since the checkpoint?`);
  }
}

function lineReader<T>(
  fh: fs.FileHandle,
  path: string,
  where: string,
  startOffset: number,
  chunkBytes: number,
  parse: ((line: string, position: number) => T) | undefined,
): SourceReader<T> {
  let handle: fs.FileHandle | undefined = fh; // undefined once the end of the file is reached or on close
  let buf = Buffer.allocUnsafe(Math.min(chunkBytes, DEFAULT_CHUNK));
  let view = buf.subarray(0, 0); // the valid bytes, buf[0, view.length)
  let base = startOffset; // the file position of buf[0]
  let pos = 0; // the first unconsumed byte of view (the start of the next line)
  let scan = 0; // where to look for the next newline: view[pos, scan) holds none
  let lines = 0; // lines consumed since startOffset
  let committed = startOffset; // the offset after the last value returned
  let reading = false;
  let closed = false;
  let failure: unknown;

  /** Appends the next chunk of the file to view; returns false at the end of the file. */
  async function readMore(): Promise<boolean> {
    if (handle === undefined) return false;
    const have = view.length - pos;
    if (pos > 0) {
      buf.copy(buf, 0, pos, view.length); // drop the consumed lines: only a partial line is kept
      base += pos;
      scan -= pos;
      pos = 0;
    }
    if (buf.length - have < chunkBytes) {
      // a line longer than the buffer: grow it geometrically, so a long line costs O(its length)
      const bigger = Buffer.allocUnsafe(Math.max(buf.length * 2, have + chunkBytes));
      buf.copy(bigger, 0, 0, have);
      buf = bigger;
    }
    let bytesRead: number;
    try {
      ({ bytesRead } = await handle.read(buf, have, chunkBytes, base + have));
    } catch (err) {
      throw fileError(where, path, 'read', err);
    }
    view = buf.subarray(0, have + bytesRead);
    if (bytesRead > 0) return true;
    const h = handle;
    handle = undefined;
    await h.close().catch(() => undefined);
    return false;
  }

  /** Parses the line in view[from, to) at file position `at`; NO_VALUE for a blank line. */
  function parseLine(from: number, to: number, at: number): T | typeof NO_VALUE {
    if (to > from && view[to - 1] === CR) to--;
    if (at === 0 && to - from >= 3 && view[from] === 0xef && view[from + 1] === 0xbb && view[from + 2] === 0xbf) from += 3; // BOM
    if (to === from) return NO_VALUE;
    const text = view.toString('utf8', from, to);
    if (text.charCodeAt(0) <= 32 && text.trim() === '') return NO_VALUE;
    try {
      return parse === undefined ? (JSON.parse(text) as T) : parse(text, at);
    } catch (err) {
      throw new LineError(err, text);
    }
  }

  /** The 1-based number of the line `linesBefore` lines after the open offset (error path only). */
  async function lineNumber(linesBefore: number): Promise<number | undefined> {
    if (startOffset === 0) return linesBefore + 1;
    let h: fs.FileHandle | undefined;
    try {
      h = await fs.open(path, 'r');
      const chunk = Buffer.allocUnsafe(1 << 16);
      let n = 0;
      for (let p = 0; p < startOffset; ) {
        const { bytesRead } = await h.read(chunk, 0, Math.min(chunk.length, startOffset - p), p);
        if (bytesRead === 0) break;
        for (let i = 0; i < bytesRead; i++) if (chunk[i] === NEWLINE) n++;
        p += bytesRead;
      }
      return n + linesBefore + 1;
    } catch {
      return undefined;
    } finally {
      await h?.close().catch(() => undefined);
    }
  }

  async function readBatch(max: number): Promise<T[]> {
    const out: T[] = [];
    while (out.length < max) {
      let nl = view.indexOf(NEWLINE, scan);
      let last = false;
      if (nl === -1) {
        scan = view.length;
        if (out.length > 0) break; // return what the buffered chunk gave; the next read continues
        if (await readMore()) continue;
        if (pos === view.length) break; // the end of the file
        nl = view.length; // the last line, without a newline
        last = true;
      }
      const at = base + pos;
      const from = pos;
      pos = last ? nl : nl + 1;
      scan = pos;
      lines++;
      let value: T | typeof NO_VALUE;
      try {
        value = parseLine(from, nl, at);
      } catch (err) {
        if (!(err instanceof LineError)) throw err;
        const line = await lineNumber(lines - 1);
        const what = parse === undefined ? 'is not valid JSON' : 'could not be parsed';
        const why = messageOf(err.cause);
        throw new CheckpointError('SOURCE', `${where}: ${line === undefined ? '' : `line ${line} `}at byte ${at} ${what} (${why}): ${describeValue(err.text)}`, {
          cause: err.cause,
        });
      }
      if (value !== NO_VALUE) out.push(value);
    }
    return out;
  }

  return {
    async read(max: number): Promise<readonly T[]> {
      if (!Number.isSafeInteger(max) || max < 1) {
        throw new CheckpointError('INVALID_ARGUMENT', `${where}: read(max) needs a positive integer, got ${describeValue(max)}`);
      }
      if (failure !== undefined) throw failure;
      if (closed) throw new CheckpointError('SOURCE', `${where}: read() after close()`);
      if (reading) throw new CheckpointError('STATE', `${where}: read() was called again before the previous read resolved`);
      reading = true;
      try {
        const out = await readBatch(max);
        committed = base + pos;
        return out;
      } catch (err) {
        failure = err; // the buffer has moved past the failed line: this reader cannot continue
        throw err;
      } finally {
        reading = false;
      }
    },
    offset: () => committed,
    async close(): Promise<void> {
      closed = true;
      const h = handle;
      handle = undefined;
      if (h === undefined) return;
      try {
        await h.close();
      } catch (err) {
        throw fileError(where, path, 'close', err);
      }
    },
  };
}

/** A line that `parse` rejected (internal: becomes a CheckpointError naming the line). */
class LineError {
  constructor(
    readonly cause: unknown,
    readonly text: string,
  ) {}
}

const NO_VALUE: unique symbol = Symbol('blank line');

function fileError(where: string, path: string, op: string, err: unknown): CheckpointError {
  const code = (err as { code?: unknown } | null)?.code;
  const reason = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'it is a directory' : messageOf(err);
  return new CheckpointError('SOURCE', `${where}: cannot ${op} ${path}: ${reason}`, { cause: err });
}
