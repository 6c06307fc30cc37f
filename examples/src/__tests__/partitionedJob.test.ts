// The partitioned window job over NATS (examples/src/partitioned-job; issue 17 items 5 and 7):
// run end to end as `npm start` runs it (runPartitioned starting the workers), and its workers,
// started here one by one as a supervisor would, under faults: worker 0 killed with
// SIGKILL repeatedly and restarted, while worker 1's first instance is frozen (SIGSTOP) after a
// checkpoint, a second instance of worker 1 takes over and finishes, and the first, thawed, is
// fenced off; every worker's committed counts together must equal a plain count of the clicks.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { NatsConnection } from '@nats-io/nats-core';
import { connectNats, readJetStreamSinkOutput } from '@weir/nats';
import { startNatsServer, type NatsServerHandle } from '@weir/nats/testing';
import { compareViews, expectedViews, type PageViews } from '../nats-job/expected';
import { createPartitionedJob, FENCED_EXIT_CODE, partitionOfKey } from '@weir/partition';
import { LAYOUT, MAX_OUT_OF_ORDERNESS, outputStreams } from '../partitioned-job/layout';
import { createStreams, publishPartitioned } from '../partitioned-job/publish';
import { rng, seededClicks } from './natsJobHarness';
import { transpileChild, type TranspiledChild } from './transpiledChild';

const EVENTS = 40_000;
const KILLS = 5;

interface Outcome {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Workers still running: stopped (SIGKILL, by pid) when a test fails midway, so none outlives the run. */
const children = new Set<ChildProcess>();

interface Worker {
  readonly child: ChildProcess;
  readonly done: Promise<Outcome>;
}

/** Starts worker `i` of the job in `dir` (the example's worker mode, as a supervisor would); `onLine` sees each line it prints. */
function startWorker(program: TranspiledChild, dir: string, url: string, i: number, onLine: (line: string, child: ChildProcess) => void = () => undefined, freezeAt?: number, extraEnv: Record<string, string> = {}): Worker {
  // freezeAt: the worker freezes itself on the turn after that checkpoint, so a kill meant for it never races its end
  const env = { ...program.env, WEIR_PARTITION_DIR: dir, WEIR_WORKER: String(i), WEIR_NATS_URL: url, WEIR_CHECKPOINT_EVERY: '250', ...(freezeAt === undefined ? {} : { WEIR_TEST_FREEZE_AT_CHECKPOINT: String(freezeAt) }), ...extraEnv };
  const child = spawn(process.execPath, [program.entry], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  children.add(child);
  child.on('close', () => children.delete(child));
  let stdout = '';
  let stderr = '';
  let partial = '';
  child.stdout!.on('data', (chunk: Buffer) => {
    stdout += chunk.toString();
    partial += chunk.toString();
    const lines = partial.split('\n');
    partial = lines.pop()!;
    for (const line of lines) onLine(line, child);
  });
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const done = new Promise<Outcome>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
  return { child, done };
}

/** A loopback port p with p + 1 free too (the two workers' --http ports). */
async function twoFreePorts(): Promise<number> {
  const listen = (port: number): Promise<ReturnType<typeof createServer> | undefined> =>
    new Promise((resolve) => {
      const srv = createServer();
      srv.once('error', () => resolve(undefined));
      srv.listen(port, '127.0.0.1', () => resolve(srv));
    });
  for (;;) {
    const first = (await listen(0))!;
    const port = (first.address() as { port: number }).port;
    const second = port < 65_535 ? await listen(port + 1) : undefined;
    await Promise.all([first, second].map((srv) => (srv === undefined ? undefined : new Promise((r) => srv.close(r)))));
    if (second !== undefined) return port;
  }
}

/** Every committed page-view count of the 2 workers' streams. */
async function committedViews(nc: NatsConnection): Promise<PageViews[]> {
  const out = outputStreams(2);
  const decoder = new TextDecoder();
  const views: PageViews[] = [];
  for (const i of [0, 1]) {
    const { stream, subject } = out.sinkTarget(i);
    for (const r of await readJetStreamSinkOutput(nc, { stream, subject })) views.push(JSON.parse(decoder.decode(r.data)) as PageViews);
  }
  return views;
}

describe('the partitioned job over NATS', () => {
  let program: TranspiledChild | undefined;
  let server: NatsServerHandle | undefined;
  let nc: NatsConnection | undefined;
  let jobDir: string | undefined;

  beforeAll(async () => {
    program = await transpileChild(join(__dirname, '..', 'partitioned-job', 'main.ts'));
  }, 60_000);
  afterAll(async () => {
    for (const child of children) child.kill('SIGKILL');
    await nc?.close();
    await server?.stop();
    if (program !== undefined) await rm(program.dir, { recursive: true, force: true });
    if (jobDir !== undefined) await rm(jobDir, { recursive: true, force: true });
  });

  it('runs end to end with 2 worker processes, as npm start runs it, and checks its results', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'weir-partitioned-job-'));
    try {
      const r = spawnSync(process.execPath, [program!.entry, '--events', '20k', '--dir', dir], { env: program!.env, encoding: 'utf8', timeout: 120_000 });
      expect(r.stderr).toBe('');
      expect(r.status).toBe(0);
      expect(r.stdout).toMatch(/ran 2 worker processes \(runPartitioned, [^)]*\): 20,000 clicks/);
      expect(r.stdout).toMatch(/^\s+0\s+0 1 2 3\s+\[0, 64\)/m);
      expect(r.stdout).toMatch(/^\s+1\s+4 5 6 7\s+\[64, 128\)/m);
      expect(r.stdout).toMatch(/checked: all [\d,]+ page-minute counts, from 2 workers' streams, equal a plain count/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }, 150_000);

  it(`worker 0 killed ${KILLS} times mid-run and restarted; worker 1 started twice, the frozen first instance fenced off: the counts equal a plain count`, async () => {
    const clicks = await seededClicks(EVENTS, 17);
    server = await startNatsServer();
    nc = await connectNats({ servers: server.url });
    await createStreams(nc, 2);
    await publishPartitioned(nc, clicks);
    const url = server.url;
    jobDir = await mkdtemp(join(tmpdir(), 'weir-partitioned-job-'));
    await createPartitionedJob(jobDir, { ...LAYOUT, workers: 2 });
    const dir = jobDir;

    // worker 1, first instance: frozen right after its first checkpoint
    let frozen: () => void = () => undefined;
    const frozenNow = new Promise<void>((resolve) => (frozen = resolve));
    const zombie = startWorker(program!, dir, url, 1, (line, child) => {
      if (line === 'checkpoint 1') {
        child.kill('SIGSTOP');
        frozen();
      }
    });
    await Promise.race([frozenNow, zombie.done.then((o) => Promise.reject(new Error(`worker 1 ended before its first checkpoint: ${o.stderr}`)))]);

    // worker 0: killed a few checkpoints (and a random moment) into each run, until it finishes or was killed KILLS times
    const rand = rng(23);
    let kills = 0;
    let outcome: Outcome | undefined;
    const starts: string[] = [];
    for (;;) {
      const at = 1 + Math.floor(rand() * 2);
      const delay = Math.floor(rand() * 20);
      let seen = 0;
      const run = startWorker(program!, dir, url, 0, (line, child) => {
        if (line.startsWith('started ')) starts.push(line);
        if (kills < KILLS && line.startsWith('checkpoint ') && ++seen === at) setTimeout(() => child.kill('SIGKILL'), delay);
      }, kills < KILLS ? at : undefined);
      outcome = await run.done;
      if (outcome.signal !== 'SIGKILL') break;
      kills++;
    }
    expect(outcome.stderr).toBe('');
    expect(outcome.code).toBe(0);
    expect(kills).toBe(KILLS);
    expect(starts[0]).toBe('started -');
    for (const s of starts.slice(1)) expect(s).toMatch(/^started [1-9]\d*$/); // each restart resumed from a checkpoint

    // worker 1, second instance: takes over from the frozen one's checkpoint and finishes
    const successor = await startWorker(program!, dir, url, 1).done;
    expect(successor.stderr).toBe('');
    expect(successor.code).toBe(0);
    expect(successor.stdout).toMatch(/^started [1-9]\d*$/m);
    const committed = await committedViews(nc);

    // thawed, the first instance is fenced off and writes nothing more
    zombie.child.kill('SIGCONT');
    const fenced = await zombie.done;
    expect(fenced.code).toBe(FENCED_EXIT_CODE);
    expect(fenced.stderr).toMatch(/(NatsError|PartitionError) FENCED/);
    expect(await committedViews(nc)).toEqual(committed);

    const expected = expectedViews(clicks, MAX_OUT_OF_ORDERNESS);
    expect(expected.late).toBe(0);
    expect(compareViews(committed, expected)).toEqual({ missing: [], wrong: [], duplicated: [] });
  }, 240_000);

  it('serves each worker over HTTP (--http): its status says what it owns, a key of the other worker answers 421 with its URL', async () => {
    const clicks = await seededClicks(20_000, 5);
    const own = await startNatsServer();
    const conn = await connectNats({ servers: own.url });
    const dir = await mkdtemp(join(tmpdir(), 'weir-partitioned-job-http-'));
    try {
      await createStreams(conn, 2);
      await publishPartitioned(conn, clicks);
      await createPartitionedJob(dir, { ...LAYOUT, workers: 2 });
      const port = await twoFreePorts();
      const gate = join(dir, 'gate');
      const env = { WEIR_HTTP_PORT: String(port), WEIR_TEST_GATE: gate };
      const workers = [0, 1].map((i) => startWorker(program!, dir, own.url, i, () => undefined, undefined, env));
      // both open and serving, held before reading
      while (![0, 1].every((i) => existsSync(`${gate}.ready-${i}`))) {
        const ended = await Promise.race([Promise.all(workers.map((w) => w.done)), new Promise<undefined>((r) => setTimeout(() => r(undefined), 50))]);
        if (ended !== undefined) throw new Error(`the workers ended before serving: ${ended.map((o) => o.stderr).join('\n')}`);
      }
      const base = (i: number): string => `http://127.0.0.1:${port + i}`;
      for (const i of [0, 1]) {
        const status = (await (await fetch(`${base(i)}/status`)).json()) as { job: string; worker: unknown };
        expect(status.job).toBe(`partitioned-job worker ${i}`);
        expect(status.worker).toEqual({ index: i, workers: 2, partitions: i === 0 ? [0, 1, 2, 3] : [4, 5, 6, 7], keyGroups: i === 0 ? { start: 0, end: 64 } : { start: 64, end: 128 } });
      }
      const page = clicks.map((c) => c.page).find((p) => partitionOfKey(p, LAYOUT) >= 4)!;
      const misdirected = await fetch(`${base(0)}/query/page-views?key=${encodeURIComponent(JSON.stringify(page))}`);
      expect(misdirected.status).toBe(421);
      expect(((await misdirected.json()) as { owner: unknown }).owner).toEqual({ worker: 1, url: base(1) });
      const answered = await fetch(`${base(1)}/query/page-views?key=${encodeURIComponent(JSON.stringify(page))}`);
      expect(answered.status).toBe(200);

      await writeFile(gate, '');
      for (const w of workers) {
        const o = await w.done;
        expect(o.stderr).toBe('');
        expect(o.code).toBe(0);
        expect(o.stdout).toContain(`serving ${base(workers.indexOf(w))}/`);
      }
      expect(compareViews(await committedViews(conn), expectedViews(clicks, MAX_OUT_OF_ORDERNESS))).toEqual({ missing: [], wrong: [], duplicated: [] });
    } finally {
      await conn.close();
      await own.stop();
      await rm(dir, { recursive: true, force: true });
    }
  }, 150_000);
});
