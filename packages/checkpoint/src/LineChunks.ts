/** The largest chunk {@link LineChunks} fills before handing it over: 1 MiB. */
export const LINE_CHUNK_BYTES = 1 << 20;
/** A new chunk's size when no full-size one is spare; it doubles (by copying) up to {@link LINE_CHUNK_BYTES}. */
const FIRST_CHUNK_BYTES = 1 << 16;
/** Full-size chunks kept for reuse once written (each 1 MiB). */
const MAX_SPARE = 4;

/**
 * Internal (used by {@link jsonLinesSink}): lines of text encoded as UTF-8, each followed by
 * `\n`, straight into reusable byte chunks, instead of kept as strings and joined.
 *
 * Why: a line kept as a string until a 1 MiB flush survives a young-generation collection or two
 * and is promoted, the joined text (1M characters) is a large object, and its encoding a third
 * copy; with chunks each line is garbage as soon as it is encoded, and a chunk's memory is
 * reused once its write is done ({@link release}), so the writer allocates almost nothing per
 * line. A chunk starts at 64 KiB and doubles up to 1 MiB, so a writer with little output (one
 * per partition, say) holds little.
 *
 * **Cost.** `add` O(line): one UTF-8 encode into the chunk. A full chunk (about 1 MiB) goes to
 * `onFull`; a line longer than a chunk goes to `onFull` on its own, after the chunk before it.
 *
 * @example
 * ```ts
 * const chunks = new LineChunks((bytes) => enqueueWrite(bytes)); // then chunks.release(bytes)
 * chunks.add('{"n":1}');
 * const rest = chunks.take(); // the bytes buffered since the last hand-over, or undefined
 * ```
 */
export class LineChunks {
  #chunk: Buffer | undefined;
  #pos = 0;
  /** The size of the next new chunk: the largest this writer needed so far. */
  #size = FIRST_CHUNK_BYTES;
  readonly #spare: Buffer[] = [];
  readonly #onFull: (bytes: Buffer) => void;

  /** @param onFull - receives each full chunk's bytes (a view of the chunk; pass it to {@link release} once written) */
  constructor(onFull: (bytes: Buffer) => void) {
    this.#onFull = onFull;
  }

  /** Bytes buffered since the last hand-over. */
  get bytes(): number {
    return this.#pos;
  }

  /** Appends `line` (it must not contain `\n`) and a `\n`. */
  add(line: string): void {
    // UTF-8 takes at most 3 bytes per UTF-16 code unit (4 for a surrogate pair, 2 units)
    const most = line.length * 3 + 1;
    let chunk = this.#chunk;
    if (chunk === undefined || chunk.length - this.#pos < most) {
      chunk = this.#room(most, line);
      if (chunk === undefined) return;
    }
    const pos = this.#pos + chunk.write(line, this.#pos);
    chunk[pos] = 0x0a;
    this.#pos = pos + 1;
  }

  /** The bytes buffered since the last hand-over (a view of the chunk), or `undefined` if none; the next line starts a new chunk. */
  take(): Buffer | undefined {
    const chunk = this.#chunk;
    if (chunk === undefined || this.#pos === 0) return undefined;
    const bytes = chunk.subarray(0, this.#pos);
    this.#chunk = undefined;
    this.#pos = 0;
    return bytes;
  }

  /**
   * Room for `most` bytes (at most {@link LINE_CHUNK_BYTES}) at {@link position}: the chunk to
   * write them into directly; then {@link advance} past them (the line's `\n` included).
   */
  reserve(most: number): Buffer {
    const chunk = this.#chunk;
    if (chunk !== undefined && chunk.length - this.#pos >= most) return chunk;
    return this.#room(most, undefined)!;
  }

  /** Where the next byte goes in the chunk {@link reserve} returned. */
  get position(): number {
    return this.#pos;
  }

  /** Marks the chunk's bytes up to `to` as written (after {@link reserve}). */
  advance(to: number): void {
    this.#pos = to;
  }

  /** Drops what is buffered. */
  clear(): void {
    this.#pos = 0;
  }

  /** Gives back the bytes of a chunk handed over by `take` or `onFull` once they are written: a full-size chunk is reused. */
  release(bytes: Buffer): void {
    const buffer = bytes.buffer;
    if (bytes.byteOffset === 0 && buffer.byteLength === LINE_CHUNK_BYTES && this.#spare.length < MAX_SPARE) this.#spare.push(Buffer.from(buffer, 0, LINE_CHUNK_BYTES));
  }

  /** Makes room for `most` bytes: grows the chunk, or hands it over and starts the next; `undefined` when the line went out on its own. */
  #room(most: number, line: string | undefined): Buffer | undefined {
    const chunk = this.#chunk;
    const pos = this.#pos;
    if (chunk !== undefined && chunk.length < LINE_CHUNK_BYTES && pos + most <= LINE_CHUNK_BYTES) {
      let size = chunk.length * 2;
      while (size < pos + most) size *= 2;
      size = Math.min(size, LINE_CHUNK_BYTES);
      this.#size = size;
      const grown = Buffer.allocUnsafe(size);
      chunk.copy(grown, 0, 0, pos);
      this.#chunk = grown;
      return grown;
    }
    if (pos > 0) this.#onFull(chunk!.subarray(0, pos));
    this.#chunk = undefined;
    this.#pos = 0;
    if (most > LINE_CHUNK_BYTES && line !== undefined) {
      const size = Buffer.byteLength(line);
      const alone = Buffer.allocUnsafe(size + 1);
      alone.write(line, 0);
      alone[size] = 0x0a;
      this.#onFull(alone);
      return undefined;
    }
    const next = this.#spare.pop() ?? Buffer.allocUnsafe(Math.min(LINE_CHUNK_BYTES, Math.max(this.#size, most)));
    this.#chunk = next;
    return next;
  }
}
