// The Nexmark benchmark's command line, read with node:util's parseArgs (strict: an unknown option
// or a malformed number is refused before the 10M-event suite starts).
import { parseArgs } from 'node:util';

/**
 * What one benchmark run measures: every (query, mode) child process runs with the same. A setting
 * left out is the library's default (what a user who sets nothing runs: the headline); a setting
 * given is a tuned run, labelled as such in the table.
 */
export interface BenchConfig {
  /** Generated events per query. */
  readonly events: number;
  /** The `cacheSize` of every window and join operator (tuned; absent: the operators' default). */
  readonly cacheSize?: number;
  /** Records a source hands the coordinator at a time, checkpointed mode (absent: the coordinator's default). */
  readonly batchSize?: number;
  /** A checkpoint every this many events or ms, whichever comes first, checkpointed mode (absent: the coordinator's default interval). */
  readonly checkpointEvery?: { readonly events?: number; readonly ms?: number };
}

/** The two ways each query runs. */
export type BenchMode = 'plain' | 'checkpointed';

/** What the command line asks for. */
export type BenchCommand =
  | { readonly kind: 'help' }
  /** Run `queries`, each in child processes, and report. */
  | { readonly kind: 'suite'; readonly config: BenchConfig; readonly queries: readonly string[] }
  /** (A child process) run one query in one mode and print its result as JSON. */
  | { readonly kind: 'one'; readonly config: BenchConfig; readonly query: string; readonly mode: BenchMode };

/** The defaults of {@link BenchConfig}: 10M events and the library's defaults for everything else (the headline of docs/performance.md). */
export const DEFAULT_BENCH_CONFIG: BenchConfig = { events: 10_000_000 };

/** The settings a run changed from the library's defaults, for labels: `defaults` or `tuned: cacheSize 10000, ...`. */
export function settingsLabel(config: BenchConfig): string {
  const tuned: string[] = [];
  if (config.cacheSize !== undefined) tuned.push(`cacheSize ${config.cacheSize}`);
  if (config.batchSize !== undefined) tuned.push(`batchSize ${config.batchSize}`);
  if (config.checkpointEvery?.events !== undefined) tuned.push(`a checkpoint every ${config.checkpointEvery.events} events`);
  if (config.checkpointEvery?.ms !== undefined) tuned.push(`a checkpoint every ${config.checkpointEvery.ms} ms`);
  return tuned.length === 0 ? 'library defaults' : `tuned: ${tuned.join(', ')}`;
}

/** The usage `--help` prints. */
export function benchUsage(queryNames: readonly string[]): string {
  const d = DEFAULT_BENCH_CONFIG;
  return `usage: npm run bench:nexmark [-- options]

Runs each Nexmark query over generated events, plain and checkpointed, each in a fresh process;
prints a table and merges the figures into bench/results/nexmark.json (the rows of the queries
run are replaced, the others kept). When every query has figures, the table between the nexmark
markers of docs/performance.md is rewritten.

options:
  --queries LIST             comma-separated queries to run (default: all: ${queryNames.join(',')})
  --events N                 events per query (default ${d.events}; 1e6 and 1_000_000 are read too)
  --cache N                  tuned: cacheSize of every window and join operator (default: the operators' own)
  --batch N                  tuned: records per source batch, checkpointed mode (default: the coordinator's)
  --checkpoint-events N      tuned: a checkpoint every N events (default: the coordinator's interval)
  --checkpoint-ms N          tuned: or every N ms of processing time (default: the coordinator's interval)

Without the tuned options every operator and the coordinator run with the library's defaults:
what a user who sets nothing gets, the headline figures.
  -h, --help                 print this and exit
  --one QUERY --mode MODE    (internal) run one query plain or checkpointed in this process`;
}

const OPTIONS = {
  queries: { type: 'string' },
  events: { type: 'string' },
  cache: { type: 'string' },
  batch: { type: 'string' },
  'checkpoint-events': { type: 'string' },
  'checkpoint-ms': { type: 'string' },
  one: { type: 'string' },
  mode: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

/**
 * Reads the benchmark's arguments (`process.argv.slice(2)`). Throws an Error naming the option and
 * the value at fault: an unknown option or query, a count that is not an integer in range, a
 * stray argument. `queryNames` are the queries there are, in the order they run.
 */
export function parseBenchArgs(argv: readonly string[], queryNames: readonly string[]): BenchCommand {
  const { values } = parseArgs({ args: [...argv], options: OPTIONS, strict: true, allowPositionals: false });
  if (values.help === true) return { kind: 'help' };
  const d = DEFAULT_BENCH_CONFIG;
  const cacheSize = optionalCount('--cache', values.cache, 0);
  const batchSize = optionalCount('--batch', values.batch, 1);
  const everyEvents = optionalCount('--checkpoint-events', values['checkpoint-events'], 1);
  const everyMs = optionalCount('--checkpoint-ms', values['checkpoint-ms'], 1);
  const config: BenchConfig = {
    events: count('--events', values.events, d.events, 1),
    ...(cacheSize === undefined ? {} : { cacheSize }),
    ...(batchSize === undefined ? {} : { batchSize }),
    ...(everyEvents === undefined && everyMs === undefined
      ? {}
      : { checkpointEvery: { ...(everyEvents === undefined ? {} : { events: everyEvents }), ...(everyMs === undefined ? {} : { ms: everyMs }) } }),
  };
  const known = (query: string, option: string): string => {
    if (!queryNames.includes(query)) throw new Error(`${option}: unknown query ${JSON.stringify(query)} (the queries: ${queryNames.join(', ')})`);
    return query;
  };
  if (values.one !== undefined) {
    const mode = values.mode ?? 'plain';
    if (mode !== 'plain' && mode !== 'checkpointed') throw new Error(`--mode: expected plain or checkpointed, got ${JSON.stringify(mode)}`);
    if (values.queries !== undefined) throw new Error('--one runs one query: --queries does not go with it');
    return { kind: 'one', config, query: known(values.one, '--one'), mode };
  }
  if (values.mode !== undefined) throw new Error('--mode goes with --one (the suite runs both modes)');
  if (values.queries === undefined) return { kind: 'suite', config, queries: queryNames };
  const asked = values.queries.split(',').map((q) => q.trim());
  if (asked.some((q) => q === '')) throw new Error(`--queries: expected a comma-separated list such as q0,q5, got ${JSON.stringify(values.queries)}`);
  const wanted = new Set(asked.map((q) => known(q, '--queries')));
  // the suite's order, whatever the list's: q0, the floor, first when it is asked for
  return { kind: 'suite', config, queries: queryNames.filter((q) => wanted.has(q)) };
}

/** An integer option `>= min` (`1e6` and `1_000_000` are accepted), or `fallback` when absent. */
function count(option: string, text: string | undefined, fallback: number, min: number): number {
  if (text === undefined) return fallback;
  const n = /^[\d_.e]+$/i.test(text) ? Number(text.replace(/_/g, '')) : NaN;
  if (!Number.isSafeInteger(n) || n < min) throw new Error(`${option}: expected an integer of at least ${min}, got ${JSON.stringify(text)}`);
  return n;
}

/** An integer option `>= min`, or `undefined` (the library's default) when absent. */
function optionalCount(option: string, text: string | undefined, min: number): number | undefined {
  return text === undefined ? undefined : count(option, text, NaN, min);
}

/** The arguments that make a child process run `query` in `mode` with `config` (see `--one`). */
export function childArgs(config: BenchConfig, query: string, mode: BenchMode): string[] {
  const args = ['--one', query, '--mode', mode, '--events', String(config.events)];
  if (config.cacheSize !== undefined) args.push('--cache', String(config.cacheSize));
  if (config.batchSize !== undefined) args.push('--batch', String(config.batchSize));
  if (config.checkpointEvery?.events !== undefined) args.push('--checkpoint-events', String(config.checkpointEvery.events));
  if (config.checkpointEvery?.ms !== undefined) args.push('--checkpoint-ms', String(config.checkpointEvery.ms));
  return args;
}
