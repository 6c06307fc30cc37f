// npm run bench:nexmark [-- --events 10000000 --queries q0,q5 --cache 10000]   (--help: the options)
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
// Prints a table and merges the figures into bench/results/nexmark.json (a run of some queries
// replaces their rows and keeps the others'); once every query has figures, writes the table
// between the nexmark markers of docs/performance.md. The command line is read in benchArgs.ts,
// the results merged and formatted in nexmarkResults.ts.
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { SingleBar } from 'cli-progress';
import { Observable } from 'rxjs';
import { InMemoryStore, messageOf } from '@weir/state';
import { withEventTime, type StreamElement } from '@weir/stream';
import { CheckpointCoordinator, FileCheckpointStorage, type Sink, type Source } from '@weir/checkpoint';
import { NEXMARK_QUERIES, eventTime, nexmarkEvent, nexmarkSource, DEFAULT_NEXMARK_CONFIG, type NexmarkEvent, type QueryContext } from '../src';
import { machineInfo, printTable, readResults, writeResults } from '../../../bench/lib/report';
import { benchUsage, childArgs, parseBenchArgs, settingsLabel, type BenchCommand, type BenchConfig, type BenchMode } from './benchArgs';
import { FLINK_PER_CORE, docsHeader, floorOf, formatRate, markdownTable, mergeResults, replaceBetweenMarkers, type NexmarkResults, type QueryRow, type RunResult } from './nexmarkResults';

const QUERY_NAMES = NEXMARK_QUERIES.map((q) => q.name);

interface Progress {
  update(done: number): void;
  stop(): void;
}

/**
 * Progress on stderr. On a terminal: a bar redrawn in place (cli-progress). Otherwise a plain
 * line per 10%, written here: cli-progress's non-terminal mode prints from a timer, which the
 * plain run (one synchronous loop) never lets fire, so it would stay silent until the end.
 */
function progress(label: string, total: number): Progress {
  const t0 = performance.now();
  const millions = (n: number): string => `${(n / 1e6).toFixed(1)}M`;
  const rate = (done: number): string => `${(done / ((performance.now() - t0) / 1000) / 1e6).toFixed(2)}M`;
  if (process.stderr.isTTY === true) {
    const bar = new SingleBar({
      format: `${label.padEnd(18)} [{bar}] {percentage}% {done}/{all}  {rate} ev/s`,
      barsize: 30,
      barCompleteChar: '#',
      barIncompleteChar: '.',
      hideCursor: false,
      gracefulExit: true,
      stream: process.stderr,
    });
    bar.start(total, 0, { done: millions(0), all: millions(total), rate: '-' });
    return { update: (done) => bar.update(Math.min(done, total), { done: millions(done), rate: rate(done) }), stop: () => bar.stop() };
  }
  let lastDecile = -1;
  const update = (done: number): void => {
    const decile = Math.floor((Math.min(done, total) / total) * 10);
    if (decile === lastDecile) return;
    lastDecile = decile;
    process.stderr.write(`${label.padEnd(18)} ${String(decile * 10).padStart(3)}% ${millions(done)}/${millions(total)}  ${rate(done)} ev/s\n`);
  };
  return { update, stop: () => update(total) };
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

async function runPlain(queryName: string, config: BenchConfig): Promise<RunResult> {
  const query = NEXMARK_QUERIES.find((q) => q.name === queryName)!;
  const ctx: QueryContext = { store: () => new InMemoryStore(), ...(config.cacheSize === undefined ? {} : { cacheSize: config.cacheSize }) };
  const { events } = config;
  let results = 0;
  const bar = progress(`${queryName} plain`, events);
  try {
    settleHeap();
    const t0 = performance.now();
    await new Promise<void>((resolve, reject) => {
      generated(events, (done) => bar.update(done))
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
    return { query: queryName, mode: 'plain', events, seconds, eventsPerSec: events / seconds, results, checkpoints: 0, maxPauseMs: 0, peakRssMiB: peakRss / 2 ** 20 };
  } finally {
    bar.stop();
  }
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

async function runCheckpointed(queryName: string, config: BenchConfig): Promise<RunResult> {
  const query = NEXMARK_QUERIES.find((q) => q.name === queryName)!;
  const { events } = config;
  const dir = mkdtempSync(join(tmpdir(), 'weir-nexmark-'));
  const bar = progress(`${queryName} checkpointed`, events);
  try {
    let checkpoints = 0;
    let maxPauseMs = 0;
    const job = await CheckpointCoordinator.open({
      storage: new FileCheckpointStorage(dir, { retain: 2 }),
      ...(config.checkpointEvery === undefined ? {} : { interval: config.checkpointEvery }),
      ...(config.batchSize === undefined ? {} : { batchSize: config.batchSize }),
      onCheckpoint: (r) => {
        checkpoints++;
        maxPauseMs = Math.max(maxPauseMs, r.pauseMs);
      },
    });
    let results = 0;
    const events$ = job.source('nexmark', counted(nexmarkSource({ events }), (done) => bar.update(done)), { timestamp: eventTime, maxOutOfOrderness: 0 });
    const ctx: QueryContext = { store: (name) => job.store(name), checkpoint: job, ...(config.cacheSize === undefined ? {} : { cacheSize: config.cacheSize }) };
    settleHeap();
    const t0 = performance.now();
    await job.run(events$.pipe(query.build(ctx), job.sink('out', countingSink(() => results++))));
    const seconds = (performance.now() - t0) / 1000;
    bar.update(events);
    return { query: queryName, mode: 'checkpointed', events, seconds, eventsPerSec: events / seconds, results, checkpoints, maxPauseMs, peakRssMiB: peakRss / 2 ** 20 };
  } finally {
    bar.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Runs one (query, mode) in a child process and reads its JSON result from the last stdout line. */
function child(config: BenchConfig, query: string, mode: BenchMode): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const p = spawn(process.execPath, [...process.execArgv, __filename, ...childArgs(config, query, mode)], {
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

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  let command: BenchCommand;
  try {
    command = parseBenchArgs(args, QUERY_NAMES);
  } catch (err) {
    process.stderr.write(`${messageOf(err)}\n\n${benchUsage(QUERY_NAMES)}\n`);
    process.exitCode = 2;
    return;
  }
  if (command.kind === 'help') {
    process.stdout.write(`${benchUsage(QUERY_NAMES)}\n`);
    return;
  }
  const { config } = command;
  if (command.kind === 'one') {
    const result = command.mode === 'plain' ? await runPlain(command.query, config) : await runCheckpointed(command.query, config);
    process.stdout.write(`${JSON.stringify(result)}\n`);
    return;
  }
  const machine = machineInfo();
  const commit = gitCommit();
  const startLoad = loadavg()[0] ?? 0;
  const line = `npm run bench:nexmark${args.length > 0 ? ` -- ${args.join(' ')}` : ''}`;
  console.log(`Nexmark on weir: ${config.events.toLocaleString('en-US')} events per query, ${settingsLabel(config)}, ${machine.cpu}, ${machine.cores} cores, Node ${machine.node}`);
  const rows: QueryRow[] = [];
  for (const query of command.queries) {
    const plain = await child(config, query, 'plain');
    const ckpt = await child(config, query, 'checkpointed');
    rows.push({ query, plain, ckpt, measured: { command: line, date: machine.date, load: startLoad, ...(commit === undefined ? {} : { commit }) } });
  }
  const run: NexmarkResults = { benchmark: 'nexmark', machine, command: line, config, flinkPerCore: FLINK_PER_CORE, results: rows };

  let previous: unknown;
  try {
    previous = readResults('nexmark');
  } catch (err) {
    console.log(`bench/results/nexmark.json is unreadable (${messageOf(err)}): replaced`);
  }
  const merged = mergeResults(previous, run, QUERY_NAMES);
  if (merged.discarded !== undefined) console.log(`earlier figures not kept: ${merged.discarded}`);

  const floor = floorOf(merged.results.results);
  printTable(
    ['query', 'plain ev/s', 'vs q0', 'checkpointed ev/s', 'ckpt cost', 'checkpoints', 'max pause', 'results', 'peak RSS', 'Flink/core'],
    rows.map(({ query, plain, ckpt }) => [
      query,
      formatRate(plain.eventsPerSec),
      `${(floor / plain.eventsPerSec).toFixed(1)}x`,
      formatRate(ckpt.eventsPerSec),
      `${((1 - ckpt.eventsPerSec / plain.eventsPerSec) * 100).toFixed(1)}%`,
      String(ckpt.checkpoints),
      `${ckpt.maxPauseMs.toFixed(2)} ms`,
      plain.results.toLocaleString('en-US'),
      `${Math.max(plain.peakRssMiB, ckpt.peakRssMiB).toFixed(0)} MiB`,
      formatRate(FLINK_PER_CORE[query] ?? NaN),
    ]),
  );
  const file = writeResults('nexmark', merged.results);
  console.log(`wrote ${file}${merged.kept.length > 0 ? ` (kept the earlier figures of ${merged.kept.join(', ')})` : ''}`);
  const missing = QUERY_NAMES.filter((q) => !merged.results.results.some((r) => r.query === q));
  if (missing.length > 0) console.log(`docs/performance.md not updated: no figures yet for ${missing.join(', ')}`);
  else updateDocs(merged.results);
}

/** The short hash of HEAD, or `undefined` outside a git checkout. */
function gitCommit(): string | undefined {
  try {
    return execFileSync('git', ['rev-parse', '--short', 'HEAD'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return undefined;
  }
}

/** Replaces the table between the nexmark markers of docs/performance.md with every query's figures. */
function updateDocs(results: NexmarkResults): void {
  const file = join(__dirname, '..', '..', '..', 'docs', 'performance.md');
  const start = '<!-- nexmark:start -->';
  const end = '<!-- nexmark:end -->';
  const doc = replaceBetweenMarkers(readFileSync(file, 'utf8'), start, end, `${docsHeader(results)}\n\n${markdownTable(results.results, NEXMARK_QUERIES)}`);
  if (doc === undefined) {
    console.log(`docs/performance.md has no ${start} ... ${end} markers: table not written`);
    return;
  }
  writeFileSync(file, doc);
  console.log('updated docs/performance.md');
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
