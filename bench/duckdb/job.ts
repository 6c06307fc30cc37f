// One timed process of bench/duckdb.bench.ts. The benchmark transpiles this file to plain
// JavaScript once and runs it with `node job.js <mode> <input.jsonl> <output dir> [cacheSize]`
// and NODE_PATH pointing at the repository's node_modules, so it loads the packages' built `dist/`
// as an application would (no TypeScript compiler in the timed process). Each mode loads only its
// own libraries. The last line on stdout is a JSON report.
//
// Modes:
//   duckdb      DuckDB, one thread: read_ndjson, count per key and 10 s window, COPY TO JSON lines
//   weir        CheckpointCoordinator + jsonLinesSource + tumblingWindow (count) + jsonLinesSink,
//               every option at its default (checkpoints every 100k records to a
//               FileCheckpointStorage, fsync on)
//   weir-cache  the same with the window's cacheSize set (the last argument)
//   weir-read   the same coordinator and source with no window and nothing written: what reading
//               the file through the coordinator costs
import { join } from 'node:path';

interface Click {
  readonly key: string;
  readonly ts: number;
}

const WINDOW_MS = 10_000;

async function duckdb(input: string, out: string): Promise<Record<string, unknown>> {
  const { DuckDBInstance, version } = await import('@duckdb/node-api');
  const instance = await DuckDBInstance.create(':memory:', { threads: '1' });
  const db = await instance.connect();
  await db.run('SET threads = 1');
  const quote = (s: string): string => `'${s.replace(/'/g, "''")}'`;
  await db.run(
    `COPY (SELECT key, (ts // ${WINDOW_MS}) * ${WINDOW_MS} AS start, count(*) AS n ` +
      `FROM read_ndjson(${quote(input)}, columns = {key: 'VARCHAR', ts: 'BIGINT'}) GROUP BY key, start) ` +
      `TO ${quote(join(out, 'counts.jsonl'))} (FORMAT json)`,
  );
  const threads = (await db.runAndReadAll("SELECT current_setting('threads') AS t")).getRowObjects()[0]?.t;
  db.disconnectSync();
  return { duckdb: version(), threads: Number(threads) };
}

async function weir(input: string, out: string, mode: string, cacheSize: number): Promise<Record<string, unknown>> {
  const { CheckpointCoordinator, FileCheckpointStorage, jsonLinesSink, jsonLinesSource } = await import('@weir/checkpoint');
  const { filterRecords, mapRecords } = await import('@weir/stream');
  const { count, tumblingWindow } = await import('@weir/window');
  const job = await CheckpointCoordinator.open({ storage: new FileCheckpointStorage(join(out, 'checkpoints')) });
  const clicks$ = job.source('clicks', jsonLinesSource<Click>(input), { timestamp: (c) => c.ts, maxOutOfOrderness: 1_000 });
  const dir = join(out, 'counts');
  const output$ =
    mode === 'weir-read'
      ? clicks$.pipe(
          filterRecords(() => false),
          job.sink('counts', jsonLinesSink<Click>(dir)),
        )
      : clicks$.pipe(
          tumblingWindow({ size: WINDOW_MS, key: (c: Click) => c.key, aggregate: count<Click>(), store: job.store('counts'), checkpoint: job, ...(mode === 'weir-cache' ? { cacheSize } : {}) }),
          mapRecords((r) => ({ key: r.key, start: r.start, n: r.value })),
          job.sink('counts', jsonLinesSink<{ key: string; start: number; n: number }>(dir)),
        );
  const summary = await job.run(output$);
  return { records: summary.recordsRead, checkpoints: summary.lastCheckpoint };
}

async function main(): Promise<void> {
  const [mode, input, out, cache] = process.argv.slice(2);
  if (mode === undefined || input === undefined || out === undefined) throw new Error('usage: job.js duckdb|weir|weir-cache|weir-read INPUT OUTDIR [CACHESIZE]');
  const started = performance.now();
  const report = mode === 'duckdb' ? await duckdb(input, out) : await weir(input, out, mode, Number(cache ?? 0));
  const end = performance.now();
  process.stdout.write(`${JSON.stringify({ mode, ...report, jobMs: end - started, sinceProcessStartMs: end })}\n`);
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
