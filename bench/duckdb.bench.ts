// npm run bench:duckdb   (also the last part of `npm run bench`; the script builds the packages first)
//
// weir against the peer a user would pick for the same job on one machine: DuckDB
// (@duckdb/node-api, one thread). The job: count clicks per key in 10 s tumbling windows over a
// JSON Lines file and write the counts as JSON Lines. The file (default 2M clicks, 10k keys,
// 200 s of event time, 5% of clicks up to 1 s out of order, so no click is late for weir's 1 s
// bound) is generated once in a temp directory; the expected counts are computed while writing it.
//
// Whole processes are timed, from spawn to exit, in alternating rounds (the order reverses every
// round), after one untimed warm-up round: (a) DuckDB, SET threads = 1, read_ndjson + GROUP BY +
// COPY TO; (b) weir with default options: CheckpointCoordinator (checkpoints every 100k records to
// a FileCheckpointStorage, fsync on) + jsonLinesSource + tumblingWindow + jsonLinesSink; (c) the
// same with the window's cacheSize set (a tuned row); (d) the coordinator reading the file alone
// (no window, nothing written), weir's floor. The processes run bench/duckdb/job.ts transpiled to
// JavaScript, loading the packages' built dist/ (as an application does), with no TypeScript
// compiler in the timed process. Every output is checked against the expected counts.
// The ratio of a row is the median over rounds of its wall time / DuckDB's in the same round;
// the target (issue 15): weir's default job <= 1.5x DuckDB's wall time.
//
// Prints a table; writes bench/results/duckdb.json (not with --quick).
// Options: --events 2000000  --keys 10000  --runs 5  --cache 10000  --keep (keep the temp dir)
//          --quick (200k events, 2 runs: a smoke run)
import { spawn } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, mkdtempSync, openSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync, writeSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import ts from 'typescript';
import { readCommittedLines } from '@weir/checkpoint';
import { machineInfo, printTable, writeResults } from './lib/report';
import { median, pairedRatio } from './operators/rounds';

const { values: opts } = parseArgs({
  options: {
    events: { type: 'string' },
    keys: { type: 'string', default: '10000' },
    runs: { type: 'string' },
    cache: { type: 'string', default: '10000' },
    keep: { type: 'boolean', default: false },
    quick: { type: 'boolean', default: false },
  },
});
const positive = (name: string, text: string | undefined, fallback: number): number => {
  const n = text === undefined ? fallback : Number(text);
  if (!Number.isSafeInteger(n) || n <= 0) throw new Error(`--${name} must be a positive integer, got ${text}`);
  return n;
};
const EVENTS = positive('events', opts.events, opts.quick ? 200_000 : 2_000_000);
const KEYS = positive('keys', opts.keys, 10_000);
const RUNS = positive('runs', opts.runs, opts.quick ? 2 : 5);
const CACHE = positive('cache', opts.cache, 10_000);
const SPAN_MS = 200_000;
const WINDOW_MS = 10_000;
const T0 = Date.UTC(2026, 0, 1);
const ROOT = join(__dirname, '..');

interface Mode {
  readonly mode: 'duckdb' | 'weir' | 'weir-cache' | 'weir-read';
  readonly label: string;
  /** Whether its output is the counts (checked). */
  readonly counts: boolean;
}
const MODES: readonly Mode[] = [
  { mode: 'duckdb', label: 'DuckDB, one thread', counts: true },
  { mode: 'weir', label: 'weir, default options', counts: true },
  { mode: 'weir-cache', label: `weir, cacheSize ${CACHE.toLocaleString('en')} (tuned)`, counts: true },
  { mode: 'weir-read', label: 'weir, coordinator + source alone (no window)', counts: false },
];

/** Warns when a package's dist/ is older than its sources (the npm script builds first). */
function warnIfStale(): void {
  for (const pkg of ['state', 'stream', 'window', 'checkpoint']) {
    const dist = join(ROOT, 'packages', pkg, 'dist', 'index.js');
    if (!existsSync(dist)) throw new Error(`packages/${pkg}/dist is missing: run \`npm run build\` (npm run bench:duckdb does)`);
    const src = join(ROOT, 'packages', pkg, 'src');
    const newest = Math.max(...readdirSync(src, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.ts') && !f.includes('__tests__')).map((f) => statSync(join(src, f)).mtimeMs));
    if (newest > statSync(dist).mtimeMs) console.log(`warning: packages/${pkg}/dist is older than its sources: run \`npm run build\` first`);
  }
}

/** Writes the clicks file; returns the expected count of every (key, window start). */
function generate(file: string): Map<string, number> {
  let seed = 424242;
  const rand = (): number => {
    seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
    return seed / 2 ** 32;
  };
  const expected = new Map<string, number>();
  const fd = openSync(file, 'w');
  let chunk: string[] = [];
  for (let i = 0; i < EVENTS; i++) {
    let ts = T0 + Math.floor((i / EVENTS) * SPAN_MS);
    if (rand() < 0.05) ts = Math.max(T0, ts - Math.floor(rand() * 999));
    const key = `user-${Math.floor(rand() * KEYS)}`;
    chunk.push(`{"key":"${key}","ts":${ts}}`);
    const id = `${key}|${ts - (ts % WINDOW_MS)}`;
    expected.set(id, (expected.get(id) ?? 0) + 1);
    if (chunk.length === 65_536) {
      writeSync(fd, `${chunk.join('\n')}\n`);
      chunk = [];
    }
  }
  if (chunk.length > 0) writeSync(fd, `${chunk.join('\n')}\n`);
  closeSync(fd);
  return expected;
}

/** Throws unless `lines` (JSON {key, start, n}) are exactly the expected counts. */
function check(label: string, lines: string[], expected: Map<string, number>): void {
  let rows = 0;
  for (const line of lines) {
    if (line.trim() === '') continue;
    const { key, start, n } = JSON.parse(line) as { key: string; start: number; n: number };
    rows++;
    const want = expected.get(`${key}|${start}`);
    if (want !== Number(n)) throw new Error(`${label}: key ${key}, window ${start}: count ${n}, expected ${want}`);
  }
  if (rows !== expected.size) throw new Error(`${label}: ${rows} result rows, expected ${expected.size}`);
}

interface Run {
  wallMs: number;
  report: Record<string, unknown>;
}

/** Runs one timed process of `mode` with an empty output directory. */
function runProcess(jobJs: string, mode: Mode, input: string, out: string): Promise<Run> {
  rmSync(out, { recursive: true, force: true });
  mkdirSync(out);
  return new Promise((resolve, reject) => {
    let stdout = '';
    const t0 = performance.now();
    const child = spawn(process.execPath, [jobJs, mode.mode, input, out, String(CACHE)], {
      env: { ...process.env, NODE_PATH: join(ROOT, 'node_modules') },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.on('error', reject);
    child.on('exit', (code) => {
      const wallMs = performance.now() - t0;
      if (code !== 0) return reject(new Error(`${mode.label}: exit code ${code}`));
      const last = stdout.trim().split('\n').pop() ?? '{}';
      resolve({ wallMs, report: JSON.parse(last) as Record<string, unknown> });
    });
  });
}

async function outputLines(mode: Mode, out: string): Promise<string[]> {
  if (mode.mode === 'duckdb') return readFileSync(join(out, 'counts.jsonl'), 'utf8').split('\n');
  return readCommittedLines(join(out, 'counts'));
}

async function main(): Promise<void> {
  warnIfStale();
  const machine = machineInfo();
  const loadBefore = loadavg();
  const dir = mkdtempSync(join(tmpdir(), 'weir-duckdb-'));
  try {
    const jobJs = join(dir, 'job.js');
    const source = readFileSync(join(__dirname, 'duckdb', 'job.ts'), 'utf8');
    writeFileSync(jobJs, ts.transpileModule(source, { compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, esModuleInterop: true } }).outputText);
    const input = join(dir, 'clicks.jsonl');
    const expected = generate(input);
    console.log(`DuckDB vs weir: ${EVENTS.toLocaleString('en')} clicks (${(statSync(input).size / 2 ** 20).toFixed(0)} MiB), ${KEYS.toLocaleString('en')} keys, ${expected.size.toLocaleString('en')} counts; ${RUNS} timed rounds after a warm-up round`);
    console.log(`${machine.cpu} (${machine.cores} cores, ${machine.memoryGiB} GiB), ${machine.os}, Node ${machine.node}, ${machine.date}; load average ${loadBefore.map((l) => l.toFixed(2)).join(' ')}`);

    const wall = MODES.map(() => [] as number[]);
    const jobMs = MODES.map(() => [] as number[]);
    const reports: Array<Record<string, unknown>> = MODES.map(() => ({}));
    for (let round = 0; round <= RUNS; round++) {
      const order = MODES.map((_, i) => (round % 2 === 0 ? i : MODES.length - 1 - i));
      for (const i of order) {
        const mode = MODES[i]!;
        const out = join(dir, `out-${mode.mode}`);
        const run = await runProcess(jobJs, mode, input, out);
        if (mode.counts) check(mode.label, await outputLines(mode, out), expected);
        else if (run.report.records !== EVENTS) throw new Error(`${mode.label}: read ${String(run.report.records)} records, expected ${EVENTS}`);
        if (round === 0) continue; // warm-up
        wall[i]!.push(run.wallMs);
        jobMs[i]!.push(Number(run.report.jobMs));
        reports[i] = run.report;
      }
      process.stdout.write(round === 0 ? 'warm-up ' : '.');
    }
    process.stdout.write('\n');

    const loadAfter = loadavg();
    const duck = wall[0]!;
    const rows = MODES.map((m, i) => {
      const ratio = pairedRatio(wall[i]!, duck);
      return {
        mode: m.mode,
        contender: m.label,
        medianWallMs: median(wall[i]!),
        wallMsPerRound: wall[i]!,
        medianInProcessMs: median(jobMs[i]!),
        vsDuckdb: ratio,
        ...(m.mode === 'weir' ? { target: 1.5, targetMet: ratio <= 1.5 } : {}),
        report: reports[i],
      };
    });
    console.log(`\nwhole-process wall time, median of ${RUNS} alternating rounds (ratio: median of per-round ratios); load average after: ${loadAfter.map((l) => l.toFixed(2)).join(' ')}\n`);
    printTable(
      ['contender', 'wall time', 'x DuckDB', 'in-process job', 'target'],
      rows.map((r) => [
        r.contender,
        `${(r.medianWallMs / 1_000).toFixed(2)} s`,
        r.mode === 'duckdb' ? '1 (floor)' : `${r.vsDuckdb.toFixed(2)}x`,
        `${(r.medianInProcessMs / 1_000).toFixed(2)} s`,
        r.targetMet === undefined ? (r.mode === 'weir-cache' ? '(tuned: no target)' : '') : `<= 1.5x DuckDB: ${r.targetMet ? 'met' : 'MISSED'}`,
      ]),
    );
    console.log(`\nevery process's output matched the expected counts (${expected.size.toLocaleString('en')} rows); DuckDB ${String(reports[0]?.duckdb)}, threads ${String(reports[0]?.threads)}`);
    if (opts.quick) {
      console.log('--quick: a smoke run, bench/results/duckdb.json left as it was');
      return;
    }
    const file = writeResults('duckdb', {
      benchmark: 'DuckDB vs weir: 10 s tumbling count per key over a JSON Lines file (issue 15)',
      machine,
      loadAverage: { before: loadBefore, after: loadAfter },
      config: { events: EVENTS, keys: KEYS, spanMs: SPAN_MS, windowMs: WINDOW_MS, runs: RUNS, tunedCacheSize: CACHE, fileBytes: statSync(input).size, counts: expected.size },
      results: rows,
    });
    console.log(`wrote ${file}`);
  } finally {
    if (opts.keep) console.log(`kept ${dir}`);
    else rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
