import type { FileHandle } from 'node:fs/promises';
import { describeValue, messageOf } from '@weir/state';
import { CheckpointError } from './CheckpointError';
import { FlatJsonParser } from './FlatJsonParser';
import { detachedString, LineText } from './LineText';
import type { SourceReader } from './Source';
import type { InvalidJsonLine } from './jsonLinesSource';

/** How the reader names its file in errors, and opens it again (to number a bad line). */
export interface JsonLinesFile {
  readonly path: string;
  /** `jsonLinesSource (path)`, the prefix of every error message. */
  readonly where: string;
  /** Opens the file again for reading. */
  reopen(): Promise<FileHandle>;
}

/**
 * Internal: the open reader of a {@link jsonLinesSource}. It reads the file in chunks of
 * `chunkBytes` into one buffer, decodes the complete lines of each chunk with one UTF-8 decode
 * ({@link LineText}) and walks them in place: each line is a slice of that text (no per-line
 * decode or copy) handed straight to `JSON.parse` (or the custom `parse`), and in
 * {@link JsonLinesReader.readEach} each value goes to `emit` at once, so none waits in an array.
 * A call that its decoded text can serve returns synchronously; only a call that needs the next
 * chunk returns a promise.
 */
export class JsonLinesReader<T> implements SourceReader<T> {
  readonly #file: JsonLinesFile;
  readonly #parse: ((line: string, position: number) => T) | undefined;
  readonly #invalid: ((line: InvalidJsonLine) => void) | undefined;
  #invalidCount = 0;
  readonly #chunkBytes: number;
  readonly #startOffset: number;
  /** undefined once the end of the file is reached, or on close. */
  #handle: FileHandle | undefined;
  #buf: Buffer;
  /** Valid bytes in #buf: [0, #bufLen). */
  #bufLen = 0;
  /** The file position of #buf[0]. */
  #bufBase: number;
  /** #buf[0, #complete) holds complete lines (the rest, a partial one). */
  #complete = 0;
  /** The window of those lines being read. */
  readonly #text: LineText;
  readonly #json = new FlatJsonParser();
  /** The offset after the last value returned or handed to emit (and the blank lines after it, at the end of a call). */
  #committed: number;
  #reading = false;
  #closed = false;
  #failure: unknown = undefined;

  constructor(
    handle: FileHandle,
    file: JsonLinesFile,
    startOffset: number,
    chunkBytes: number,
    parse: ((line: string, position: number) => T) | undefined,
    invalid?: (line: InvalidJsonLine) => void,
  ) {
    this.#handle = handle;
    this.#invalid = invalid;
    this.#file = file;
    this.#startOffset = startOffset;
    this.#chunkBytes = chunkBytes;
    this.#parse = parse;
    this.#buf = Buffer.allocUnsafe(chunkBytes);
    this.#bufBase = startOffset;
    this.#committed = startOffset;
    this.#text = new LineText(startOffset);
  }

  /** See {@link SourceReader.read}: at most `max` values; fewer when the decoded chunk runs out, none only at the end. */
  async read(max: number): Promise<readonly T[]> {
    const out: T[] = [];
    const n = this.readEach(max, (v) => out.push(v));
    if (typeof n !== 'number') await n;
    return out;
  }

  /** See {@link SourceReader.readEach}: synchronous unless the next chunk must be read first. */
  readEach(max: number, emit: (value: T) => void): number | Promise<number> {
    this.#check(max);
    const got = this.#scan(max, emit);
    if (got !== 0 || this.#handle === undefined) {
      if (got >= 0) this.#committed = this.#text.offset;
      return got >= 0 ? got : this.#lineFailed();
    }
    return this.#readMoreAndScan(max, emit);
  }

  offset(): number {
    return this.#committed;
  }

  async close(): Promise<void> {
    this.#closed = true;
    const h = this.#handle;
    this.#handle = undefined;
    if (h === undefined) return;
    try {
      await h.close();
    } catch (err) {
      throw fileError(this.#file, 'close', err);
    }
  }

  #check(max: number): void {
    const where = this.#file.where;
    if (!Number.isSafeInteger(max) || max < 1) throw new CheckpointError('INVALID_ARGUMENT', `${where}: read(max) needs a positive integer, got ${describeValue(max)}`);
    if (this.#failure !== undefined) throw this.#failure;
    if (this.#closed) throw new CheckpointError('SOURCE', `${where}: read() after close()`);
    if (this.#reading) throw new CheckpointError('STATE', `${where}: read() was called again before the previous read resolved`);
  }

  async #readMoreAndScan(max: number, emit: (value: T) => void): Promise<number> {
    this.#reading = true;
    try {
      for (;;) {
        if (!(await this.#readMore())) {
          this.#committed = this.#text.offset; // the end of the file, blank lines before it read
          return 0;
        }
        const got = this.#scan(max, emit);
        if (got < 0) return await this.#lineFailed();
        if (got > 0 || this.#handle === undefined) {
          this.#committed = this.#text.offset;
          return got;
        }
      }
    } catch (err) {
      this.#failure = err; // the buffer may have moved past the failed line: this reader cannot continue
      throw err;
    } finally {
      this.#reading = false;
    }
  }

  /**
   * Walks the decoded lines: parses each non-blank one and hands its value to `emit`, at most
   * `max`. Returns how many, or -1 when a line failed to parse (#badLine holds it).
   */
  #scan(max: number, emit: (value: T) => void): number {
    const text = this.#text;
    const parse = this.#parse;
    const json = this.#json;
    let n = 0;
    while (n < max) {
      const line = text.next();
      if (line === undefined) {
        if (text.end === this.#complete) break;
        text.decode(this.#buf, text.end, this.#complete, this.#bufBase); // the next window of the chunk
        continue;
      }
      let value: T;
      try {
        value = parse === undefined ? (json.parse(line) as T) : parse(detachedString(line), text.lineStart());
      } catch (err) {
        const invalid = this.#invalid;
        if (invalid === undefined) {
          this.#badLine = { cause: err, line, at: text.lineStart(), linesBefore: text.lines - 1 };
          return -1;
        }
        invalid({ line: detachedString(line), position: text.lineStart(), error: err, count: ++this.#invalidCount });
        this.#committed = text.offset; // past the invalid line, once the side output took it
        continue;
      }
      this.#committed = text.offset; // emit may throw: the offset then stands after this value
      n++;
      emit(value);
    }
    return n;
  }

  #badLine: { readonly cause: unknown; readonly line: string; readonly at: number; readonly linesBefore: number } | undefined;

  async #lineFailed(): Promise<never> {
    const bad = this.#badLine!;
    const line = await this.#lineNumber(bad.linesBefore);
    const what = this.#parse === undefined ? 'is not valid JSON' : 'could not be parsed';
    const err = new CheckpointError(
      'SOURCE',
      `${this.#file.where}: ${line === undefined ? '' : `line ${line} `}at byte ${bad.at} ${what} (${messageOf(bad.cause)}): ${describeValue(bad.line)}`,
      { cause: bad.cause },
    );
    this.#failure = err; // the reader has moved past the failed line: it cannot continue
    throw err;
  }

  /**
   * Reads the next chunk after the unread partial line and decodes its complete lines (the rest
   * of the file at its end). Returns false at the end of the file.
   */
  async #readMore(): Promise<boolean> {
    for (;;) {
      const handle = this.#handle;
      if (handle === undefined) return false;
      const used = this.#complete; // bytes of #buf read as lines already
      let have = this.#bufLen - used; // a partial line, without a newline
      if (used > 0) {
        this.#buf.copy(this.#buf, 0, used, this.#bufLen);
        this.#bufBase += used;
        this.#bufLen = have;
        this.#complete = 0;
        this.#text.decode(this.#buf, 0, 0, this.#bufBase);
      }
      if (this.#buf.length - have < this.#chunkBytes) {
        // a line longer than the buffer: grow it geometrically, so a long line costs O(its length)
        const bigger = Buffer.allocUnsafe(Math.max(this.#buf.length * 2, have + this.#chunkBytes));
        this.#buf.copy(bigger, 0, 0, have);
        this.#buf = bigger;
      }
      let bytesRead: number;
      try {
        ({ bytesRead } = await handle.read(this.#buf, have, this.#chunkBytes, this.#bufBase + have));
      } catch (err) {
        throw fileError(this.#file, 'read', err);
      }
      if (this.#closed) throw new CheckpointError('SOURCE', `${this.#file.where}: read() after close()`);
      have += bytesRead;
      this.#bufLen = have;
      if (bytesRead === 0) {
        this.#handle = undefined;
        await handle.close().catch(() => undefined);
        if (have === 0) return false;
        this.#complete = have; // the last line, without a newline
      } else {
        this.#complete = this.#buf.lastIndexOf(0x0a, have - 1) + 1;
        if (this.#complete === 0) continue; // no complete line yet: read on
      }
      this.#text.decode(this.#buf, 0, this.#complete, this.#bufBase);
      return true;
    }
  }

  /** The 1-based number of the line `linesBefore` lines after the open offset (error path only). */
  async #lineNumber(linesBefore: number): Promise<number | undefined> {
    if (this.#startOffset === 0) return linesBefore + 1;
    let h: FileHandle | undefined;
    try {
      h = await this.#file.reopen();
      const chunk = Buffer.allocUnsafe(1 << 16);
      let n = 0;
      for (let p = 0; p < this.#startOffset; ) {
        const { bytesRead } = await h.read(chunk, 0, Math.min(chunk.length, this.#startOffset - p), p);
        if (bytesRead === 0) break;
        for (let i = 0; i < bytesRead; i++) if (chunk[i] === 0x0a) n++;
        p += bytesRead;
      }
      return n + linesBefore + 1;
    } catch {
      return undefined;
    } finally {
      await h?.close().catch(() => undefined);
    }
  }
}

/** A `SOURCE` error for a failed file operation, naming the path. */
export function fileError(file: { readonly where: string; readonly path: string }, op: string, err: unknown): CheckpointError {
  const code = (err as { code?: unknown } | null)?.code;
  const reason = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'it is a directory' : messageOf(err);
  return new CheckpointError('SOURCE', `${file.where}: cannot ${op} ${file.path}: ${reason}`, { cause: err });
}
