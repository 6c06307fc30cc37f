// npm run bench:nexmark [-- --events 10000000 --queries q0,q5 --cache 10000]
//
// Runs every Nexmark query over N generated events (default 10M) on one core, twice:
// - plain: the generator, withEventTime, the query and a counting sink in one synchronous RxJS
//   pipeline, no checkpoints;
// - checkpointed: the same query under a CheckpointCoordinator reading a nexmarkSource, with a
//   checkpoint every 10 s of processing time or every 1M events (whichever comes first), persisted
//   to a FileCheckpointStorage (fsync on) in a temp directory.
// Events/s counts every event the generator produced (persons, auctions and bids), as Nexmark
// does; the generator's own time is included. q0, the pass-through, is the floor of the run.
// Each (query, mode) runs in a fresh child process so one query's heap does not slow the next.
// Prints a table, writes bench/results/nexmark.json and the table between the nexmark markers of
// docs/performance.md.
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Observable } from 'rxjs';
import { InMemoryStore } from '@weir/state';
import { withEventTime, type StreamElement } from '@weir/stream';
import { CheckpointCoordinator, FileCheckpointStorage, type Sink, type Source } from '@weir/checkpoint';
import { NEXMARK_QUERIES, eventTime, nexmarkEvent, nexmarkSource, DEFAULT_NEXMARK_CONFIG, type NexmarkEvent, type QueryContext } from '../src';
import { machineInfo, printTable, writeResults } from '../../../bench/lib/report';

const args = process.argv.slice(2);
const argOf = (name: string, fallback: string): string => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 && args[i + 1] !== undefined ? args[i + 1]! : fallback;
};
const EVENTS = Number(argOf('events', '10000000'));
const CACHE = Number(argOf('cache', '10000'));
const BATCH = Number(argOf('batch', '1000'));
const QUERIES = argOf('queries', NEXMARK_QUERIES.map((q) => q.name).join(',')).split(',');
const CHECKPOINT_EVENTS = Number(argOf('checkpoint-events', '1000000'));
const CHECKPOINT_MS = Number(argOf('checkpoint-ms', '10000'));

/** Flink 1.13 on RocksDB, 8 TaskManagers: events/s per core (nexmark/nexmark README). */
const FLINK_PER_CORE: Record<string, number> = {
  q0: 155_000, q1: 158_000, q2: 175_000, q3: 152_000, q4: 34_300, q5: 22_100, q7: 12_300, q8: 146_000, q11: 39_700, q12: 75_700,
};

interface RunResult {
  query: string;
  mode: 'plain' | 'checkpointed';
  events: number;
  seconds: number;
  eventsPerSec: number;
  results: number;
  checkpoints: number;
  maxPauseMs: number;
  peakRssMiB: number;
}

/** Progress on stderr: a bar redrawn in place on a terminal, a line per 10% otherwise. */
function progress(label: string, total: number): (done: number) => void {
  const tty = process.stderr.isTTY === true;
  const t0 = performance.now();
  let lastDraw = 0;
  let lastDecile = -1;
  return (done) => {
    const now = performance.now();
    const decile = Math.floor((done / total) * 10);
    if (tty ? now - lastDraw < 250 && done < total : decile === lastDecile) return;
    lastDraw = now;
    lastDecile = decile;
    const frac = Math.min(1, done / total);
    const width = 30;
    const bar = '#'.repeat(Math.round(frac * width)).padEnd(width, '.');
    const rate = done / ((now - t0) / 1000);
    const line = `${label.padEnd(18)} [${bar}] ${(frac * 100).toFixed(0).padStart(3)}% ${(done / 1e6).toFixed(1)}M/${(total / 1e6).toFixed(1)}M  ${(rate / 1e6).toFixed(2)}M ev/s`;
    process.stderr.write(tty ? `\r${line}${done >= total ? '\n' : ''}` : `${line}\n`);
  };
}

/**
 * A full GC before the measured run, so that it starts from a clean heap rather than in the
 * middle of V8's incremental collection of ts-node's start-up garbage. Measured: a job that
 * started while that collection was under way (after any await on file-system IO) made V8
 * pretenure its per-event objects (allocation-site pretenuring), and ran 4-6x slower for its
 * whole life (q1 under the coordinator: 0.9M instead of 6M events/s, in 4 runs of 4). See
 * docs/performance.md.
 */
function settleHeap(): void {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (gc === undefined) throw new Error('run the Nexmark benchmark with node --expose-gc (npm run bench:nexmark does)');
  gc();
}

let peakRss = 0;
const sampleRss = (): void => {
  const rss = process.memoryUsage.rss();
  if (rss > peakRss) peakRss = rss;
};

/** The generator as a synchronous observable, reporting progress every 64k events. */
function generated(n: number, report: (done: number) => void): Observable<NexmarkEvent> {
  return new Observable<NexmarkEvent>((subscriber) => {
    const config = DEFAULT_NEXMARK_CONFIG;
    for (let i = 0; i < n && !subscriber.closed; i++) {
      subscriber.next(nexmarkEvent(i, config));
      if ((i & 0xffff) === 0xffff) {
        report(i + 1);
        sampleRss();
      }
    }
    report(n);
    subscriber.complete();
  });
}

async function runPlain(queryName: string): Promise<RunResult> {
  const query = NEXMARK_QUERIES.find((q) => q.name === queryName)!;
  const ctx: QueryContext = { store: () => new InMemoryStore(), cacheSize: CACHE };
  let results = 0;
  settleHeap();
  const t0 = performance.now();
  await new Promise<void>((resolve, reject) => {
    generated(EVENTS, progress(`${queryName} plain`, EVENTS))
      .pipe(withEventTime(eventTime, { maxOutOfOrderness: 0 }), query.build(ctx))
      .subscribe({
        next: (el: StreamElement<unknown>) => {
          if (el.kind === 'record') results++;
        },
        error: reject,
        complete: resolve,
      });
  });
  const seconds = (performance.now() - t0) / 1000;
  return { query: queryName, mode: 'plain', events: EVENTS, seconds, eventsPerSec: EVENTS / seconds, results, checkpoints: 0, maxPauseMs: 0, peakRssMiB: peakRss / 2 ** 20 };
}

/** The source, reporting progress after each batch it hands over (not per event). */
function counted<T>(source: Source<T>, report: (done: number) => void): Source<T> {
  let seen = 0;
  return {
    describe: () => source.describe(),
    async open(offset) {
      const reader = await source.open(offset);
      return {
        read: (max) => reader.read(max),
        readEach: (max, emit) => {
          const n = reader.readEach!(max, emit) as number;
          if (((seen += n) & ~0xffff) !== ((seen - n) & ~0xffff)) {
            report(seen);
            sampleRss();
          }
          return n;
        },
        offset: () => reader.offset(),
      };
    },
  };
}

/** A sink that counts what it is given (exactly-once needs nothing more for a count). */
function countingSink(onWrite: () => void): Sink<unknown> {
  return {
    describe: () => 'counter',
    open: () => ({
      write: onWrite,
      preCommit: () => null,
      commit: () => undefined,
    }),
  };
}

async function runCheckpointed(queryName: string): Promise<RunResult> {
  const query = NEXMARK_QUERIES.find((q) => q.name === queryName)!;
  const dir = mkdtempSync(join(tmpdir(), 'weir-nexmark-'));
  try {
    let checkpoints = 0;
    let maxPauseMs = 0;
    const job = await CheckpointCoordinator.open({
      storage: new FileCheckpointStorage(dir, { retain: 2 }),
      interval: { events: CHECKPOINT_EVENTS, ms: CHECKPOINT_MS },
      batchSize: BATCH,
      onCheckpoint: (r) => {
        checkpoints++;
        maxPauseMs = Math.max(maxPauseMs, r.pauseMs);
      },
    });
    let results = 0;
    const report = progress(`${queryName} checkpointed`, EVENTS);
    const events$ = job.source('nexmark', counted(nexmarkSource({ events: EVENTS }), report), { timestamp: eventTime, maxOutOfOrderness: 0 });
    const ctx: QueryContext = { store: (name) => job.store(name), checkpoint: job, cacheSize: CACHE };
    settleHeap();
    const t0 = performance.now();
    await job.run(events$.pipe(query.build(ctx), job.sink('out', countingSink(() => results++))));
    const seconds = (performance.now() - t0) / 1000;
    report(EVENTS);
    return { query: queryName, mode: 'checkpointed', events: EVENTS, seconds, eventsPerSec: EVENTS / seconds, results, checkpoints, maxPauseMs, peakRssMiB: peakRss / 2 ** 20 };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Runs one (query, mode) in a child process and reads its JSON result from the last stdout line. */
function child(query: string, mode: string): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const p = spawn(process.execPath, [...process.execArgv, __filename, '--one', query, '--mode', mode, '--events', String(EVENTS), '--cache', String(CACHE), '--batch', String(BATCH)], {
      stdio: ['ignore', 'pipe', 'inherit'],
      env: process.env,
    });
    let out = '';
    p.stdout.on('data', (d: Buffer) => (out += d.toString()));
    p.on('error', reject);
    p.on('exit', (code) => {
      if (code !== 0) return reject(new Error(`${query} ${mode} exited with ${code}`));
      const last = out.trim().split('\n').pop() ?? '';
      resolve(JSON.parse(last) as RunResult);
    });
  });
}

const fmt = (n: number): string => (n >= 1e6 ? `${(n / 1e6).toFixed(2)}M` : `${(n / 1e3).toFixed(0)}k`);

function markdownTable(rows: { query: string; plain: RunResult; ckpt: RunResult }[], floor: number): string {
  const lines = [
    '| query | what | events/s (plain) | vs q0 | events/s (checkpointed) | checkpoint cost | checkpoints | results | Flink per core |',
    '|---|---|---|---|---|---|---|---|---|',
  ];
  for (const { query, plain, ckpt } of rows) {
    const q = NEXMARK_QUERIES.find((x) => x.name === query)!;
    const cost = 1 - ckpt.eventsPerSec / plain.eventsPerSec;
    lines.push(
      `| ${query} | ${q.description} | ${fmt(plain.eventsPerSec)} | ${(floor / plain.eventsPerSec).toFixed(1)}x | ${fmt(ckpt.eventsPerSec)} | ${(cost * 100).toFixed(1)}% | ${ckpt.checkpoints} | ${plain.results.toLocaleString('en-US')} | ${fmt(FLINK_PER_CORE[query] ?? NaN)} |`,
    );
  }
  return lines.join('\n');
}

async function main(): Promise<void> {
  const one = argOf('one', '');
  if (one !== '') {
    const result = argOf('mode', 'plain') === 'plain' ? await runPlain(one) : await runCheckpointed(one);
    process.stdout.write(`${JSON.stringify(result)}\n`);
    return;
  }
  const machine = machineInfo();
  console.log(`Nexmark on weir: ${EVENTS.toLocaleString('en-US')} events per query, cacheSize ${CACHE}, ${machine.cpu}, ${machine.cores} cores, Node ${machine.node}`);
  const rows: { query: string; plain: RunResult; ckpt: RunResult }[] = [];
  for (const query of QUERIES) {
    const plain = await child(query, 'plain');
    const ckpt = await child(query, 'checkpointed');
    rows.push({ query, plain, ckpt });
  }
  const floor = rows.find((r) => r.query === 'q0')?.plain.eventsPerSec ?? NaN;
  printTable(
    ['query', 'plain ev/s', 'vs q0', 'checkpointed ev/s', 'ckpt cost', 'checkpoints', 'max pause', 'results', 'peak RSS', 'Flink/core'],
    rows.map(({ query, plain, ckpt }) => [
      query,
      fmt(plain.eventsPerSec),
      `${(floor / plain.eventsPerSec).toFixed(1)}x`,
      fmt(ckpt.eventsPerSec),
      `${((1 - ckpt.eventsPerSec / plain.eventsPerSec) * 100).toFixed(1)}%`,
      String(ckpt.checkpoints),
      `${ckpt.maxPauseMs.toFixed(2)} ms`,
      plain.results.toLocaleString('en-US'),
      `${Math.max(plain.peakRssMiB, ckpt.peakRssMiB).toFixed(0)} MiB`,
      fmt(FLINK_PER_CORE[query] ?? NaN),
    ]),
  );
  const command = `npm run bench:nexmark${args.length > 0 ? ` -- ${args.join(' ')}` : ''}`;
  const file = writeResults('nexmark', { benchmark: 'nexmark', machine, command, config: { events: EVENTS, cacheSize: CACHE, checkpointEvery: { events: CHECKPOINT_EVENTS, ms: CHECKPOINT_MS } }, flinkPerCore: FLINK_PER_CORE, results: rows });
  console.log(`wrote ${file}`);
  if (QUERIES.length === NEXMARK_QUERIES.length) updateDocs(markdownTable(rows, floor), machine, command);
}

/** Replaces the table between the nexmark markers of docs/performance.md. */
function updateDocs(table: string, machine: ReturnType<typeof machineInfo>, command: string): void {
  const file = join(__dirname, '..', '..', '..', 'docs', 'performance.md');
  const doc = readFileSync(file, 'utf8');
  const start = '<!-- nexmark:start -->';
  const end = '<!-- nexmark:end -->';
  const i = doc.indexOf(start);
  const j = doc.indexOf(end);
  if (i < 0 || j < i) {
    console.log(`docs/performance.md has no ${start} ... ${end} markers: table not written`);
    return;
  }
  let commit = 'unknown';
  try {
    commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { encoding: 'utf8' }).trim();
  } catch {
    // not a git checkout
  }
  const header = `\`${command}\`, ${machine.date.slice(0, 16).replace('T', ' ')} UTC, commit ${commit}: ${machine.cpu}, ${machine.cores} cores, ${machine.memoryGiB} GiB, ${machine.os}, Node ${machine.node}.`;
  writeFileSync(file, `${doc.slice(0, i + start.length)}\n${header}\n\n${table}\n${doc.slice(j)}`);
  console.log('updated docs/performance.md');
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
