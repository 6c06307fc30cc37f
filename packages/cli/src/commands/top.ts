import type { JobStatus } from '@weir/http';
import { messageOf } from '@weir/state';
import { CliError, EXIT_OK, reportError, usageError, type CliIO } from '../io';
import { topFrame } from './topFrame';

/** The default of `--interval`, ms. */
export const DEFAULT_TOP_INTERVAL_MS = 1_000;

/** What `weir top` is asked. */
export interface TopOptions {
  /** The job's endpoint (what `serveJob` printed), e.g. `http://127.0.0.1:9464`; `/status` is read under it. */
  readonly url: string;
  /** The bearer token the endpoint requires, if any. */
  readonly token?: string;
  /** Between two frames, ms (default {@link DEFAULT_TOP_INTERVAL_MS}). */
  readonly intervalMs?: number;
  /** Print one frame and stop: two reads of `/status` one interval apart (for the rates), one frame. */
  readonly once?: boolean;
  /** Clear the screen before each frame (a terminal); otherwise frames follow each other, a blank line apart. */
  readonly clear?: boolean;
  /** Stop after this many frames (default: never, unless `once`); for embedding and tests. */
  readonly frames?: number;
  /** Stops the command at the next frame or wait (it then returns 0). */
  readonly signal?: AbortSignal;
}

/** ANSI: cursor home, clear the screen. */
const CLEAR = '\x1b[H\x1b[2J';

/**
 * `weir top <url> [--token T] [--interval ms] [--once]`: reads the job's `/status` every
 * interval and prints a compact view of it (sources with records/s and watermark lag, operators
 * with in/out/late rates, stores, the last checkpoints: see {@link topFrame}), redrawing in a
 * terminal. It runs until interrupted (or `frames`, or `signal`); with `once` it prints one frame
 * and returns. While it runs, a failed read (the job stopped, a restart) prints one line and
 * the next interval tries again; with `once` it fails the command.
 *
 * Never throws: errors go to `io.stderr` as one line. One `/status` request per interval.
 *
 * @returns the exit code: 0, or 1 when `/status` cannot be read with `once` (refused, not found,
 *   401 without the right token, not a status document)
 *
 * @example
 * ```ts
 * const code = await topCommand({ url: 'http://127.0.0.1:9464', once: true }, { stdout: (s) => process.stdout.write(s), stderr: (s) => process.stderr.write(s) });
 * ```
 */
export async function topCommand(options: TopOptions, io: CliIO): Promise<number> {
  try {
    const statusUrl = statusUrlOf(options.url);
    const interval = options.intervalMs ?? DEFAULT_TOP_INTERVAL_MS;
    if (!Number.isSafeInteger(interval) || interval <= 0) throw new CliError(`weir top: the interval must be a positive number of ms, got ${String(interval)}`);
    const read = (): Promise<JobStatus> => readStatus(statusUrl, options.token);
    if (options.once === true) {
      const first = await read();
      await sleep(interval, options.signal);
      const second = await read();
      io.stdout(topFrame(first, second, options.url));
      return EXIT_OK;
    }
    const stopped = (): boolean => options.signal?.aborted === true;
    let previous: JobStatus | undefined;
    for (let frame = 0; options.frames === undefined || frame < options.frames; frame++) {
      if (stopped()) break;
      if (frame > 0) await sleep(interval, options.signal);
      if (stopped()) break;
      let current: JobStatus;
      try {
        current = await read();
      } catch (err) {
        io.stderr(`weir top: ${err instanceof CliError ? err.message : messageOf(err)}; trying again in ${interval} ms\n`);
        previous = undefined;
        continue;
      }
      io.stdout(`${options.clear === true ? CLEAR : frame > 0 ? '\n' : ''}${topFrame(previous, current, options.url)}`);
      previous = current;
    }
    return EXIT_OK;
  } catch (err) {
    return reportError(err, io);
  }
}

/** `<url>/status`, the URL checked: http or https, a trailing `/status` or `/` allowed. */
export function statusUrlOf(url: string): URL {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw usageError(`weir top: ${JSON.stringify(url)} is not a URL (expected e.g. http://127.0.0.1:9464)`);
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') throw usageError(`weir top: expected an http:// or https:// URL, got ${JSON.stringify(url)}`);
  if (parsed.search !== '' || parsed.hash !== '') throw usageError(`weir top: the URL takes no query or fragment (pass a token with --token), got ${JSON.stringify(url)}`);
  const base = parsed.pathname.replace(/\/status$/, '').replace(/\/?$/, '/');
  return new URL(`${base}status`, parsed);
}

/** GETs and checks a `/status` document; a {@link CliError} (exit 1) saying what went wrong otherwise. */
async function readStatus(url: URL, token: string | undefined): Promise<JobStatus> {
  let res: Response;
  try {
    res = await fetch(url, { headers: token === undefined ? {} : { authorization: `Bearer ${token}` } });
  } catch (err) {
    const cause = (err as { cause?: unknown }).cause;
    throw new CliError(`cannot read ${url.href}: ${messageOf(cause ?? err)}`);
  }
  const body = await res.text();
  if (!res.ok) {
    const hint = res.status === 401 ? (token === undefined ? ' (the job has a token: pass --token)' : ' (the token is not the job\'s)') : '';
    throw new CliError(`${url.href} answered ${res.status} ${res.statusText}: ${body.trim().slice(0, 200)}${hint}`);
  }
  let status: unknown;
  try {
    status = JSON.parse(body);
  } catch {
    throw new CliError(`${url.href} answered with something other than JSON: ${JSON.stringify(body.slice(0, 80))}`);
  }
  if (typeof status !== 'object' || status === null || (status as { schema?: unknown }).schema !== 1) {
    throw new CliError(`${url.href} answered with JSON that is not a weir job status of schema 1: ${JSON.stringify(body.slice(0, 80))}`);
  }
  return status as JobStatus;
}

/** Resolves after `ms`, or at once when `signal` aborts. */
function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted === true) return resolve();
    const done = (): void => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
  });
}
