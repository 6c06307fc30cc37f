// Runs Debian's headless chromium on a URL for the page tests: a child process with a temp
// profile, stopped by its pid (its process group) if it outlives its deadline.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';

/** The command that installs chromium on Debian, named when it is missing (.ci/run runs it). */
export const INSTALL_CHROMIUM = 'apt-get install -y chromium';

/** The chromium executable on PATH or /usr/bin; throws (never skips) when there is none. */
export function findChromium(): string {
  for (const dir of [...(process.env.PATH ?? '').split(delimiter), '/usr/bin']) {
    if (dir === '') continue;
    const candidate = join(dir, 'chromium');
    if (existsSync(candidate)) return candidate;
  }
  throw new Error(`chromium was not found on PATH or in /usr/bin; the live page tests need it: install it with: ${INSTALL_CHROMIUM}`);
}

/**
 * Runs `chromium --headless` on `url` with `args` (e.g. `--dump-dom`, `--screenshot=<file>`),
 * letting the page's timers run for `virtualTimeMs` of virtual time; resolves with its stdout.
 * Rejects when it exits with an error or runs past `timeoutMs` (then its process group is killed).
 */
export async function runChromium(url: string, args: readonly string[], { virtualTimeMs = 20_000, timeoutMs = 60_000 } = {}): Promise<string> {
  const profile = await mkdtemp(join(tmpdir(), 'weir-chromium-'));
  try {
    const child = spawn(
      findChromium(),
      ['--headless', '--disable-gpu', '--no-sandbox', '--hide-scrollbars', '--no-first-run', `--user-data-dir=${profile}`, '--window-size=1200,900', `--virtual-time-budget=${virtualTimeMs}`, ...args, url],
      { stdio: ['ignore', 'pipe', 'pipe'], detached: true },
    );
    let out = '';
    let err = '';
    child.stdout.setEncoding('utf8').on('data', (s: string) => (out += s));
    child.stderr.setEncoding('utf8').on('data', (s: string) => (err += s));
    const timer = setTimeout(() => {
      if (child.pid !== undefined) process.kill(-child.pid, 'SIGKILL');
    }, timeoutMs);
    const code = await new Promise<number | null>((resolve, reject) => {
      child.on('error', reject);
      child.on('exit', (c, signal) => resolve(signal === null ? c : -1));
    });
    clearTimeout(timer);
    if (code !== 0) throw new Error(`chromium exited with ${code} on ${url}: ${err.slice(-2_000)}`);
    return out;
  } finally {
    await rm(profile, { recursive: true, force: true });
  }
}
