// The crash-and-resume scenario behind the crash tests: a child process runs crashJob.ts (an
// interval join and a tumbling window over two JSON Lines files, two JSON Lines sinks,
// checkpoints on disk) and is killed with SIGKILL at random moments, then started again, over
// and over; the committed output must be byte-identical to that of a run that was never
// interrupted. Seeded, so reproducible. `store` picks the job's stores: InMemoryStore (the
// default factory) or LmdbStore (packages/state-lmdb), through the coordinator's storeFactory.
import { spawn } from 'node:child_process';
import { mkdtemp, mkdir, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readCommittedLines } from '../index';

const ROOT = join(__dirname, '..', '..', '..', '..');
const JOB = join(__dirname, 'crashJob.ts');

/** Which store the job runs on. */
export type CrashStore = 'memory' | 'lmdb';

export function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    return s / 2 ** 32;
  };
}

/** Writes the job's input (`orders` orders, ~70% of them paid) into a new temporary directory. */
export async function crashInput(orders: number): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'weir-crash-'));
  await mkdir(join(dir, 'data'));
  const rand = rng(2026);
  const lines: string[] = [];
  const payments: Array<{ order: number; ts: number }> = [];
  for (let i = 0; i < orders; i++) {
    const ts = i * 20 + Math.floor(rand() * 1_500); // out of order within the 2 s bound
    lines.push(JSON.stringify({ id: i, region: ['eu', 'us', 'apac'][i % 3], ts }));
    if (rand() < 0.7) payments.push({ order: i, ts: ts + Math.floor(rand() * 40_000) }); // some too late to count
  }
  payments.sort((a, b) => a.ts - b.ts);
  await writeFile(join(dir, 'data', 'orders.jsonl'), `${lines.join('\n')}\n`);
  await writeFile(join(dir, 'data', 'payments.jsonl'), `${payments.map((p) => JSON.stringify(p)).join('\n')}\n`);
  return dir;
}

export interface Outcome {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stderr: string;
  readonly stdout: string;
  /** ms from the job reporting it started to its exit (NaN if it never started). */
  readonly ranMs: number;
}

/** Runs the job; with `killAfterMs`, kills it that long after it reports it started. */
export function runJob(data: string, checkpoints: string, out: string, store: CrashStore, killAfterMs?: number): Promise<Outcome> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['-r', 'ts-node/register', '-r', 'tsconfig-paths/register', JOB, data, checkpoints, out, store], {
      cwd: ROOT,
      env: { ...process.env, TS_NODE_TRANSPILE_ONLY: '1', TS_NODE_PROJECT: join(ROOT, 'tsconfig.json') },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    let startedAt = Number.NaN;
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      if (Number.isNaN(startedAt) && stdout.includes('started')) startedAt = performance.now();
      if (killAfterMs !== undefined && stdout.includes('started')) {
        const at = killAfterMs;
        killAfterMs = undefined;
        setTimeout(() => child.kill('SIGKILL'), at);
      }
    });
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, stderr, stdout, ranMs: performance.now() - startedAt }));
  });
}

/** The committed output of both sinks, as one string. */
export async function committed(out: string): Promise<string> {
  const parts = await Promise.all(['joined', 'counts'].map(async (sink) => (await readCommittedLines(join(out, sink))).join('\n')));
  return parts.join('\n----\n');
}

/** What {@link crashAndResume} observed. */
export interface CrashReport {
  /** The uninterrupted run. */
  readonly clean: Outcome;
  readonly expected: string;
  /** Runs killed, and runs that finished before their kill (started over from scratch). */
  readonly killed: number;
  readonly finishedEarly: number;
  /**
   * How many runs (killed, finished early or the final one) started with a checkpoint on disk,
   * that is, resumed rather than began: the test is vacuous if none did. (Whether one is on disk
   * just before the final run alone is chance: a resumed run that finishes before its kill starts
   * the scenario over from scratch, and the next kill may land before the first checkpoint.)
   */
  readonly resumed: number;
  /** The final, uninterrupted resume. */
  readonly final: Outcome;
  readonly actual: string;
}

/**
 * Runs the job once uninterrupted, then again `kills` times killed at a random moment (within
 * the first half of the uninterrupted run's time, at least 400 ms, so that a slow or busy machine
 * still reaches checkpoints between kills; a run that finishes first is started over from scratch, so every kill
 * interrupts work), then lets it finish; returns both committed outputs.
 */
export async function crashAndResume(dir: string, store: CrashStore, kills: number, seed = 7): Promise<CrashReport> {
  const data = join(dir, 'data');
  const clean = await runJob(data, join(dir, `chk-clean-${store}`), join(dir, `out-clean-${store}`), store);
  const expected = await committed(join(dir, `out-clean-${store}`));
  const killWindowMs = Number.isFinite(clean.ranMs) ? Math.max(400, clean.ranMs / 2) : 400;
  const rand = rng(seed);
  const chk = join(dir, `chk-${store}`);
  const out = join(dir, `out-${store}`);
  let killed = 0;
  let finishedEarly = 0;
  let resumed = 0;
  const hasCheckpoint = async (): Promise<boolean> => (await readdir(chk).catch(() => [] as string[])).some((f) => f.startsWith('chk-'));
  for (let attempt = 0; killed < kills && attempt < kills * 3; attempt++) {
    if (await hasCheckpoint()) resumed++;
    const outcome = await runJob(data, chk, out, store, Math.floor(rand() * killWindowMs));
    if (outcome.signal === 'SIGKILL') killed++;
    else {
      if (outcome.stderr !== '') throw new Error(`a run that was not killed failed: ${outcome.stderr}`);
      finishedEarly++;
      await rm(chk, { recursive: true, force: true });
      await rm(out, { recursive: true, force: true });
    }
  }
  if (await hasCheckpoint()) resumed++;
  const final = await runJob(data, chk, out, store);
  return { clean, expected, killed, finishedEarly, resumed, final, actual: await committed(out) };
}

/**
 * The crash test itself, for one kind of store: input of WEIR_CRASH_ORDERS orders (default 20,000),
 * WEIR_CRASH_KILLS kills (default `defaultKills`), then the committed output must equal an
 * uninterrupted run's, byte for byte.
 */
export function describeCrashRecovery(title: string, store: CrashStore, defaultKills: number, seed?: number): void {
  const kills = Number(process.env.WEIR_CRASH_KILLS ?? defaultKills);
  const orders = Number(process.env.WEIR_CRASH_ORDERS ?? 20_000);
  describe(title, () => {
    let dir: string;
    beforeAll(async () => {
      dir = await crashInput(orders);
    });
    afterAll(async () => {
      await rm(dir, { recursive: true, force: true });
    });

    it(`the committed output after ${kills} kills equals an uninterrupted run's, byte for byte`, async () => {
      const r = await crashAndResume(dir, store, kills, seed);
      expect(r.clean.stderr).toBe('');
      expect(r.clean.code).toBe(0);
      expect(r.expected.split('\n').length).toBeGreaterThan(orders);
      expect(r.killed).toBe(kills);
      expect(r.resumed).toBeGreaterThan(0); // some run started from a checkpoint
      expect(r.final.stderr).toBe('');
      expect(r.final.code).toBe(0);
      expect(r.actual).toBe(r.expected);
    }, 240_000);
  });
}
