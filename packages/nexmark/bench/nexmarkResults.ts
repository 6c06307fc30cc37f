// The Nexmark benchmark's results: their shape in bench/results/nexmark.json, the merge of a run
// of some queries into the figures held for the others, and the table of docs/performance.md.
// Pure functions: the benchmark script does the reading and writing.
import type { MachineInfo } from '../../../bench/lib/report';
import { settingsLabel, type BenchConfig, type BenchMode } from './benchArgs';

/**
 * Flink on RocksDB, 8 TaskManagers of one slot, 100M events: events/s per core, from the result
 * table of the nexmark/nexmark repository (GUIDE_V1.md, "Benchmark Results"). q6 has none: Flink
 * does not run it (FLINK-19059, OVER windows over a changelog).
 */
export const FLINK_PER_CORE: Readonly<Record<string, number>> = {
  q0: 155_000, q1: 158_000, q2: 175_000, q3: 152_000, q4: 34_300, q5: 22_100, q7: 12_300, q8: 146_000, q11: 39_700, q12: 75_700,
  q9: 14_200, q10: 57_800, q13: 131_000, q14: 161_000, q21: 98_500, q22: 130_000,
  q15: 72_400, q16: 18_700, q17: 117_000, q18: 53_700, q19: 44_000, q20: 19_000,
};

/** One query run in one mode, as the child process reports it. */
export interface RunResult {
  readonly query: string;
  readonly mode: BenchMode;
  readonly events: number;
  readonly seconds: number;
  readonly eventsPerSec: number;
  readonly results: number;
  readonly checkpoints: number;
  readonly maxPauseMs: number;
  readonly peakRssMiB: number;
}

/** Where a row's figures come from: the command that measured them, when, at which commit. */
export interface Provenance {
  readonly command: string;
  /** ISO 8601. */
  readonly date: string;
  readonly commit?: string;
  /** The machine's 1-minute load average when the run started (`os.loadavg()[0]`): other work on the 2 cores skews the figures. */
  readonly load?: number;
}

/** One query's figures: plain and checkpointed. */
export interface QueryRow {
  readonly query: string;
  readonly plain: RunResult;
  readonly ckpt: RunResult;
  readonly measured: Provenance;
}

/** The content of bench/results/nexmark.json. */
export interface NexmarkResults {
  readonly benchmark: 'nexmark';
  /** The machine of the latest run (every row was measured on one like it: see {@link mergeResults}). */
  readonly machine: MachineInfo;
  /** The command of the latest run. */
  readonly command: string;
  readonly config: BenchConfig;
  readonly flinkPerCore: Readonly<Record<string, number>>;
  /** One row per query, in the suite's order. */
  readonly results: readonly QueryRow[];
}

/** What {@link mergeResults} returns. */
export interface MergedResults {
  readonly results: NexmarkResults;
  /** The queries whose rows were kept from the earlier file. */
  readonly kept: readonly string[];
  /** Why the earlier rows were not kept, when they were not (and there were some). */
  readonly discarded?: string;
}

/**
 * Merges a run into the results held so far (`previous`: the parsed file, `undefined` when there
 * is none): the rows of the queries the run measured replace theirs, the other queries' rows stay,
 * and the rows are put in `order` (the suite's; a query no longer in it is dropped). Each row keeps
 * its own provenance, so a table mixing runs says which run measured what.
 *
 * Figures are comparable only under the same settings on the same kind of machine: when the
 * earlier file was measured with another {@link BenchConfig}, another CPU, core count or Node
 * version (or is no Nexmark result at all), its rows are discarded and `discarded` says why.
 * Files written before rows carried a provenance or a batch size get the file's own command and
 * date, and the default batch size, the only one those runs used.
 */
export function mergeResults(previous: unknown, run: NexmarkResults, order: readonly string[]): MergedResults {
  const earlier = previous === undefined ? { rows: [] } : earlierRows(previous, run);
  const byQuery = new Map<string, QueryRow>();
  for (const row of earlier.rows) byQuery.set(row.query, row);
  for (const row of run.results) byQuery.set(row.query, row);
  const ran = new Set(run.results.map((r) => r.query));
  const results = order.flatMap((q) => byQuery.get(q) ?? []);
  return {
    results: { ...run, results },
    kept: results.filter((r) => !ran.has(r.query)).map((r) => r.query),
    ...(earlier.discarded === undefined ? {} : { discarded: earlier.discarded }),
  };
}

/** The rows of an earlier file that may stand next to `run`'s, or why none may. */
function earlierRows(previous: unknown, run: NexmarkResults): { rows: QueryRow[]; discarded?: string } {
  const file = previous as Partial<Record<keyof NexmarkResults, unknown>> | null;
  if (typeof file !== 'object' || file === null || file.benchmark !== 'nexmark' || !Array.isArray(file.results)) {
    return { rows: [], discarded: 'the earlier file is not a Nexmark result' };
  }
  const machine = (file.machine ?? {}) as Partial<MachineInfo>;
  for (const key of ['cpu', 'cores', 'node'] as const) {
    if (machine[key] !== run.machine[key]) {
      return { rows: [], discarded: `the earlier figures were measured on another machine (${key} ${String(machine[key])}, now ${String(run.machine[key])})` };
    }
  }
  // files from before the batch size was recorded (tuned runs: they carry a cacheSize) were all
  // measured with batches of 1,000
  const recorded = (file.config ?? {}) as Partial<BenchConfig>;
  const config = recorded.cacheSize !== undefined && recorded.batchSize === undefined ? { ...recorded, batchSize: 1_000 } : recorded;
  if (canonical(config) !== canonical(run.config)) {
    return { rows: [], discarded: `the earlier figures were measured with other settings (${canonical(config)}, now ${canonical(run.config)})` };
  }
  const fallback: Provenance = { command: String(file.command), date: String(machine.date) };
  const rows = (file.results as Array<Partial<QueryRow>>).filter(
    (r): r is Partial<QueryRow> & Pick<QueryRow, 'query' | 'plain' | 'ckpt'> => typeof r?.query === 'string' && typeof r.plain === 'object' && typeof r.ckpt === 'object',
  );
  return { rows: rows.map((r) => ({ query: r.query, plain: r.plain, ckpt: r.ckpt, measured: r.measured ?? fallback })) };
}

/** JSON with the keys sorted at every level, so that equal settings compare equal. */
function canonical(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    typeof v === 'object' && v !== null && !Array.isArray(v) ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => a.localeCompare(b))) : v,
  );
}

/** Events/s for people: `4.71M`, `591k`; `none` for a figure that does not exist (NaN). */
export function formatRate(n: number): string {
  if (Number.isNaN(n)) return 'none';
  return n >= 1e6 ? `${(n / 1e6).toFixed(2)}M` : `${(n / 1e3).toFixed(0)}k`;
}

/** q0's plain events/s: the floor the other queries are compared with (NaN without q0). */
export function floorOf(rows: readonly QueryRow[]): number {
  return rows.find((r) => r.query === 'q0')?.plain.eventsPerSec ?? NaN;
}

/** The Markdown table of docs/performance.md, one line per row. */
export function markdownTable(rows: readonly QueryRow[], queries: ReadonlyArray<{ readonly name: string; readonly description: string }>): string {
  const floor = floorOf(rows);
  const lines = [
    '| query | what | events/s (plain) | vs q0 | events/s (checkpointed) | checkpoint cost | checkpoints | longest pause | results | peak RSS | Flink per core |',
    '|---|---|---|---|---|---|---|---|---|---|---|',
  ];
  for (const { query, plain, ckpt } of rows) {
    const what = queries.find((q) => q.name === query)?.description ?? '';
    const cost = 1 - ckpt.eventsPerSec / plain.eventsPerSec;
    lines.push(
      `| ${query} | ${what} | ${formatRate(plain.eventsPerSec)} | ${(floor / plain.eventsPerSec).toFixed(1)}x | ${formatRate(ckpt.eventsPerSec)} | ${(cost * 100).toFixed(1)}% | ${ckpt.checkpoints} | ${ckpt.maxPauseMs.toFixed(1)} ms | ${plain.results.toLocaleString('en-US')} | ${Math.max(plain.peakRssMiB, ckpt.peakRssMiB).toFixed(0)} MiB | ${formatRate(FLINK_PER_CORE[query] ?? NaN)} |`,
    );
  }
  return lines.join('\n');
}

/**
 * The line above the docs table: which command measured the figures, when, at which commit, on
 * what machine. Rows from several runs name each run with its queries:
 * `` `npm run bench:nexmark`, 2026-11-25 00:18 UTC, commit 8e2e175 (q0-q4, q7-q12); `...` ``.
 */
export function docsHeader(results: NexmarkResults): string {
  const runs = new Map<string, string[]>();
  for (const { query, measured } of results.results) {
    const run = `\`${measured.command}\`, ${measured.date.slice(0, 16).replace('T', ' ')} UTC${measured.commit === undefined ? '' : `, commit ${measured.commit}`}${measured.load === undefined ? '' : `, load average ${measured.load.toFixed(1)}`}`;
    runs.set(run, [...(runs.get(run) ?? []), query]);
  }
  const m = results.machine;
  const which = runs.size === 1 ? [...runs.keys()] : [...runs].map(([run, queries]) => `${run} (${queries.join(', ')})`);
  return `${which.join('; ')}: ${m.cpu}, ${m.cores} cores, ${m.memoryGiB} GiB, ${m.os}, Node ${m.node}; ${settingsLabel(results.config)}.`;
}

/**
 * `doc` with the text between the `start` and `end` markers replaced by `text` (markers kept), or
 * `undefined` when the markers are missing or out of order.
 */
export function replaceBetweenMarkers(doc: string, start: string, end: string, text: string): string | undefined {
  const i = doc.indexOf(start);
  const j = doc.indexOf(end, i + start.length);
  if (i < 0 || j < 0) return undefined;
  return `${doc.slice(0, i + start.length)}\n${text}\n${doc.slice(j)}`;
}
