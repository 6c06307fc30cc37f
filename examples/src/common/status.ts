// A live status line for a running job: records/s, event time and watermark lag, state size and
// the last checkpoint. On a terminal it redraws one line (every 250 ms); piped into a file or a
// CI log it prints a plain line every 2 s, so progress on long input is never silent.
import { tap, type MonoTypeOperatorFunction } from 'rxjs';
import type { StreamElement } from '@weir/stream';

/** What the status line shows, read from the job whenever the line is drawn. */
export interface Progress {
  /** Input records read by this run. */
  readonly records: number;
  /** The newest event time read, epoch ms (`-Infinity` before the first record). */
  readonly eventTime: number;
  /** The job's output watermark, epoch ms (`+Infinity` once the input is complete). */
  readonly watermark: number;
  /**
   * Bytes in the state stores of the job's operators. (Operators with a write-back `cacheSize`
   * keep recent changes in memory and write them at checkpoints, so between checkpoints the
   * stores hold less than the operators do.)
   */
  readonly storeBytes: number;
  /** The last checkpoint persisted and committed. */
  readonly checkpoint: number | undefined;
  /** Encoded bytes of that checkpoint's state (0: not known, e.g. the checkpoint a run resumed from). */
  readonly checkpointBytes: number;
  /** The checkpoint the run resumed from (`undefined`: it started fresh). */
  readonly resumedFrom: number | undefined;
}

/**
 * Counts the records passing through a stream and remembers the newest event time: pipe a
 * source through `meter.count()` to feed the status line.
 */
export class InputMeter {
  records = 0;
  eventTime = Number.NEGATIVE_INFINITY;

  /** Counts records (and, with `clock`, takes their event time as the job's progress). */
  count<T>({ clock = true }: { clock?: boolean } = {}): MonoTypeOperatorFunction<StreamElement<T>> {
    return tap((el) => {
      if (el.kind !== 'record') return;
      this.records++;
      if (clock && el.timestamp > this.eventTime) this.eventTime = el.timestamp;
    });
  }
}

export interface StatusLineOptions {
  /** Records expected in all, to show a percentage on a fresh run (omit when unknown). */
  readonly total?: number;
  /** Where to draw; default process.stdout. */
  readonly out?: NodeJS.WriteStream;
}

/** Draws `probe()` as a status line until {@link StatusLine.stop}. */
export class StatusLine {
  readonly #label: string;
  readonly #probe: () => Progress;
  readonly #total: number | undefined;
  readonly #out: NodeJS.WriteStream;
  readonly #tty: boolean;
  readonly #timer: NodeJS.Timeout;
  readonly #started = Date.now();
  /** Recent (time, records) samples for the rate. */
  readonly #samples: Array<[number, number]> = [];
  #checkpoint: number | undefined;
  #checkpointAt = 0;
  #drawn = false;
  #ticks = 0;

  constructor(label: string, probe: () => Progress, options: StatusLineOptions = {}) {
    this.#label = label;
    this.#probe = probe;
    this.#total = options.total;
    this.#out = options.out ?? process.stdout;
    this.#tty = this.#out.isTTY === true;
    this.#samples.push([this.#started, 0]);
    // Sampled every 250 ms (so the checkpoint age is right); off a terminal, printed every 2 s.
    this.#timer = setInterval(() => this.#draw(!this.#tty && ++this.#ticks % 8 !== 0), 250);
    this.#timer.unref();
  }

  /** Prints a message above the status line. */
  log(message: string): void {
    this.#clear();
    this.#out.write(`${message}\n`);
  }

  /** Draws the final figures and stops. */
  stop(): void {
    clearInterval(this.#timer);
    this.#draw(false, true);
    if (this.#tty) this.#out.write('\n');
  }

  #clear(): void {
    if (this.#tty && this.#drawn) this.#out.write('\r\x1b[2K');
    this.#drawn = false;
  }

  #draw(quiet: boolean, final = false): void {
    const p = this.#probe();
    const now = Date.now();
    if (p.checkpoint !== this.#checkpoint) {
      this.#checkpoint = p.checkpoint;
      this.#checkpointAt = now;
    }
    // records/s over the last ~2 s (the whole run for the final line)
    this.#samples.push([now, p.records]);
    while (this.#samples.length > 2 && now - this.#samples[1]![0] >= 2_000) this.#samples.shift();
    const [t0, r0] = final ? [this.#started, 0] : this.#samples[0]!;
    const rate = now > t0 ? ((p.records - r0) * 1000) / (now - t0) : 0;

    if (quiet) return;

    const progress = p.resumedFrom === undefined ? this.#percent(p.records) : ` since checkpoint #${p.resumedFrom}`;
    const watermark =
      p.watermark === Number.POSITIVE_INFINITY
        ? 'watermark: end of input'
        : p.watermark === Number.NEGATIVE_INFINITY || p.eventTime === Number.NEGATIVE_INFINITY
          ? 'watermark: none yet'
          : `watermark lag ${formatDuration(p.eventTime - p.watermark)}`;
    const age = now - this.#checkpointAt;
    const checkpoint =
      p.checkpoint === undefined
        ? 'no checkpoint yet'
        : `checkpoint #${p.checkpoint}${p.checkpointBytes > 0 ? ` (${formatBytes(p.checkpointBytes)})` : ''}${final ? '' : age < 250 ? ' just now' : ` ${formatDuration(age)} ago`}`;
    const eventTime = p.eventTime > Number.NEGATIVE_INFINITY ? `event time ${formatTime(p.eventTime)}` : undefined;
    const full = [this.#label, `${formatCount(p.records)} records${progress}`, `${formatCount(rate)}/s`, eventTime, watermark, `store ${formatBytes(p.storeBytes)}`, checkpoint]
      .filter((part) => part !== undefined)
      .join(' | ');
    if (this.#tty) {
      // One line, redrawn in place. On a narrow terminal: without the event time, then abbreviated.
      const width = (this.#out.columns ?? 120) - 1;
      const short = full.replace(` | ${eventTime} |`, ' |');
      const compact = `${this.#label} ${formatCount(p.records)}${progress.replace('since checkpoint', 'since chk')} ${formatCount(rate)}/s ${watermark.replace('watermark', 'wm')} | store ${formatBytes(p.storeBytes)} | ${checkpoint.replace('checkpoint', 'chk').replace(/ \(.*?\)/, '')}`;
      const text = [full, short, compact].find((t) => t.length <= width) ?? compact.slice(0, width);
      this.#out.write(`\r\x1b[2K${text}`);
      this.#drawn = true;
    } else {
      this.#out.write(`${full}\n`);
    }
  }

  #percent(records: number): string {
    if (this.#total === undefined || this.#total <= 0) return '';
    return ` (${Math.min(100, Math.floor((records / this.#total) * 100))}%)`;
  }
}

/** 1234567 -> "1.23M", 12345 -> "12.3k", 999 -> "999". */
export function formatCount(n: number): string {
  if (n >= 1e6) return `${(n / 1e6).toFixed(2)}M`;
  if (n >= 1e4) return `${(n / 1e3).toFixed(1)}k`;
  return String(Math.round(n));
}

export function formatBytes(n: number): string {
  if (n >= 1 << 20) return `${(n / (1 << 20)).toFixed(1)} MB`;
  if (n >= 1 << 10) return `${(n / (1 << 10)).toFixed(1)} kB`;
  return `${n} B`;
}

/** Milliseconds as "850 ms", "12.5 s", "3.2 min", "2.5 h". */
export function formatDuration(ms: number): string {
  if (ms < 1_000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1_000).toFixed(1)} s`;
  if (ms < 3_600_000) return `${(ms / 60_000).toFixed(1)} min`;
  return `${(ms / 3_600_000).toFixed(1)} h`;
}

/** Epoch ms as "2026-03-28 14:05 UTC". */
export function formatTime(ms: number): string {
  return `${new Date(ms).toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}
