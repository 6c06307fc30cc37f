/**
 * Internal: complete lines of a buffer, decoded from UTF-8 one window of about
 * {@link LINE_TEXT_WINDOW} bytes at a time, and a cursor over them that keeps the file's byte
 * offsets exact (used by {@link JsonLinesReader}).
 *
 * Why windows: a decoded string of 128 KiB or more goes to V8's large-object space, and decoding
 * a file in 1 MiB strings cost 15x as much as in 64 KiB ones (Node 20: 280 vs 19 ms CPU for 74
 * MiB). A window ends after its last newline, so no line (nor character) is cut; a single line
 * longer than the window is decoded whole.
 *
 * Each line comes out as a slice of the decoded text (a V8 sliced string, no copy for lines of 13
 * characters or more: keep a copy, not the line, if it must outlive the window, see
 * {@link detachedString}), without its `\n` or `\r\n`; blank lines (empty, or only whitespace)
 * are skipped but counted. Byte offsets: when a window is ASCII (its text has as many characters
 * as it has bytes) a character index is a byte index; otherwise the cursor also steps through
 * the bytes from newline to newline, so an offset is exact whatever the text holds (multi-byte
 * characters, a byte-order mark, invalid UTF-8 decoded as U+FFFD): a `\n` byte never occurs
 * inside a multi-byte character, so the k-th newline of the text is the k-th `\n` byte.
 */
export class LineText {
  #text = '';
  /** The character index of the next line, and of the line `next()` returned last. */
  #next = 0;
  #from = 0;
  /** Non-ASCII text: the bytes it was decoded from; the byte index of the next line and of the last one returned. */
  #bytes: Buffer | undefined;
  #nextByte = 0;
  #fromByte = 0;
  /** The file position of the buffer's byte 0. */
  #base: number;
  /** The window: bytes [start, end) of the buffer. */
  #start = 0;
  end = 0;
  /** Lines stepped over (blank ones included) since the reader opened. */
  lines = 0;

  constructor(base: number) {
    this.#base = base;
  }

  /**
   * Decodes the next window of `bytes[from, limit)`, whose bytes are complete lines (the last
   * one ends in `\n` unless it is the file's last line) and whose byte 0 is at file position
   * `base`: up to the last newline within {@link LINE_TEXT_WINDOW} bytes of `from` (or the
   * first newline after, for a longer line). A byte-order mark at file position 0 is skipped.
   * O(window).
   */
  decode(bytes: Buffer, from: number, limit: number, base: number): void {
    let end = limit;
    if (limit - from > LINE_TEXT_WINDOW) {
      const nl = bytes.lastIndexOf(0x0a, from + LINE_TEXT_WINDOW - 1);
      end = nl >= from ? nl + 1 : bytes.indexOf(0x0a, from + LINE_TEXT_WINDOW) + 1;
      if (end === 0 || end > limit) end = limit;
    }
    const text = end === from ? '' : bytes.toString('utf8', from, end);
    this.#text = text;
    this.#base = base;
    this.#start = from;
    this.end = end;
    this.#bytes = text.length === end - from ? undefined : bytes; // ASCII: no byte became part of a longer character
    this.#next = base + from === 0 && text.charCodeAt(0) === 0xfeff ? 1 : 0;
    this.#from = this.#next;
    this.#nextByte = from;
    this.#fromByte = from;
  }

  /** The next non-blank line, without its line ending; `undefined` when the window is used up. */
  next(): string | undefined {
    const text = this.#text;
    for (;;) {
      const from = this.#next;
      if (from >= text.length) return undefined;
      let nl = text.indexOf('\n', from);
      this.#next = nl === -1 ? (nl = text.length) : nl + 1;
      this.#from = from;
      this.lines++;
      const bytes = this.#bytes;
      if (bytes !== undefined) {
        this.#fromByte = this.#nextByte;
        const b = bytes.indexOf(0x0a, this.#nextByte);
        this.#nextByte = b === -1 || b >= this.end ? this.end : b + 1;
      }
      let to = nl;
      if (to > from && text.charCodeAt(to - 1) === 0x0d) to--;
      if (to === from) continue;
      const line = text.slice(from, to);
      if (text.charCodeAt(from) <= 0x20 && line.trim() === '') continue;
      return line;
    }
  }

  /** The file position of the next line (after every line stepped over). */
  get offset(): number {
    return this.#base + (this.#bytes === undefined ? this.#start + this.#next : this.#nextByte);
  }

  /** The file position of the line `next()` returned last. */
  lineStart(): number {
    return this.#base + (this.#bytes === undefined ? this.#start + this.#from : this.#fromByte);
  }
}

/** Bytes decoded at a time: under V8's large-object threshold (128 KiB). */
export const LINE_TEXT_WINDOW = 1 << 16;

/**
 * A copy of `s` that does not keep the string it was sliced from alive: V8 makes a slice of 13
 * characters or more a view into its parent (here a whole decoded window), so a value kept in
 * state would pin the window. Shorter strings are copies already. Costs about 50 ns for a long
 * string (a concatenation flattened by the slice).
 */
export function detachedString(s: string): string {
  return s.length < 13 ? s : (s + ' ').slice(0, -1);
}
