// The exactly-once promise, tested the hard way: a child process runs a job (an interval join and
// a tumbling window over two JSON Lines files, two JSON Lines sinks, checkpoints on disk) and is
// killed with SIGKILL at random moments, then started again, over and over; the committed output
// must be byte-identical to that of a run that was never interrupted. Seeded, so reproducible.
import { spawn } from 'node:child_process';
import { mkdtemp, mkdir, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readCommittedLines } from '../src';

const ROOT = join(__dirname, '..', '..', '..');
const JOB = join(__dirname, 'crashJob.ts');
const KILLS = Number(process.env.WEIR_CRASH_KILLS ?? 20);
const ORDERS = Number(process.env.WEIR_CRASH_ORDERS ?? 20_000);

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    return s / 2 ** 32;
  };
}

async function writeInput(dir: string): Promise<void> {
  const rand = rng(2026);
  const orders: string[] = [];
  const payments: Array<{ order: number; ts: number }> = [];
  for (let i = 0; i < ORDERS; i++) {
    const ts = i * 20 + Math.floor(rand() * 1_500); // out of order within the 2 s bound
    orders.push(JSON.stringify({ id: i, region: ['eu', 'us', 'apac'][i % 3], ts }));
    if (rand() < 0.7) payments.push({ order: i, ts: ts + Math.floor(rand() * 40_000) }); // some too late to count
  }
  payments.sort((a, b) => a.ts - b.ts);
  await writeFile(join(dir, 'orders.jsonl'), `${orders.join('\n')}\n`);
  await writeFile(join(dir, 'payments.jsonl'), `${payments.map((p) => JSON.stringify(p)).join('\n')}\n`);
}

interface Outcome {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stderr: string;
  readonly stdout: string;
}

/** Runs the job; with `killAfterMs`, kills it that long after it reports it started. */
function runJob(data: string, checkpoints: string, out: string, killAfterMs?: number): Promise<Outcome> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['-r', 'ts-node/register', '-r', 'tsconfig-paths/register', JOB, data, checkpoints, out], {
      cwd: ROOT,
      env: { ...process.env, TS_NODE_TRANSPILE_ONLY: '1', TS_NODE_PROJECT: join(ROOT, 'tsconfig.json') },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      if (killAfterMs !== undefined && stdout.includes('started')) {
        const at = killAfterMs;
        killAfterMs = undefined;
        setTimeout(() => child.kill('SIGKILL'), at);
      }
    });
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, stderr, stdout }));
  });
}

async function committed(out: string): Promise<string> {
  const parts = await Promise.all(['joined', 'counts'].map(async (sink) => (await readCommittedLines(join(out, sink))).join('\n')));
  return parts.join('\n----\n');
}

describe('crash recovery (SIGKILL at random moments)', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'weir-crash-'));
    await mkdir(join(dir, 'data'));
    await writeInput(join(dir, 'data'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it(`the committed output after ${KILLS} kills equals an uninterrupted run's, byte for byte`, async () => {
    const clean = await runJob(join(dir, 'data'), join(dir, 'chk-clean'), join(dir, 'out-clean'));
    expect(clean.stderr).toBe('');
    expect(clean.code).toBe(0);
    const expected = await committed(join(dir, 'out-clean'));
    expect(expected.split('\n').length).toBeGreaterThan(ORDERS);

    const rand = rng(7);
    const chk = join(dir, 'chk');
    const out = join(dir, 'out');
    let killed = 0;
    let finishedEarly = 0;
    for (let attempt = 0; killed < KILLS && attempt < KILLS * 3; attempt++) {
      const outcome = await runJob(join(dir, 'data'), chk, out, Math.floor(rand() * 400));
      if (outcome.signal === 'SIGKILL') killed++;
      else {
        // it got to the end before the kill: start over from scratch, so every kill interrupts work
        expect(outcome.stderr).toBe('');
        finishedEarly++;
        await rm(chk, { recursive: true, force: true });
        await rm(out, { recursive: true, force: true });
      }
    }
    expect(killed).toBe(KILLS);
    expect((await readdir(chk)).some((f) => f.startsWith('chk-'))).toBe(true); // it got somewhere
    const final = await runJob(join(dir, 'data'), chk, out);
    expect(final.stderr).toBe('');
    expect(final.code).toBe(0);
    expect(await committed(out)).toBe(expected);
    void finishedEarly;
  }, 240_000);
});
