// The Nexmark benchmark's results (packages/nexmark/bench/nexmarkResults.ts): the merge of a run of
// some queries into the figures held for the others, and the docs table.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import type { MachineInfo } from '../../../../bench/lib/report';
import { DEFAULT_BENCH_CONFIG, type BenchConfig } from '../../bench/benchArgs';
import { FLINK_PER_CORE, docsHeader, markdownTable, mergeResults, replaceBetweenMarkers, type NexmarkResults, type QueryRow, type RunResult } from '../../bench/nexmarkResults';
import { NEXMARK_QUERIES } from '../index';

const NAMES = NEXMARK_QUERIES.map((q) => q.name);
const MACHINE: MachineInfo = { cpu: 'AMD EPYC', cores: 2, memoryGiB: 24, os: 'linux 6.18 x64', node: 'v20.20.2', date: '2026-12-04T10:00:00.000Z' };

function result(query: string, mode: RunResult['mode'], eventsPerSec: number): RunResult {
  return { query, mode, events: 1000, seconds: 1000 / eventsPerSec, eventsPerSec, results: 10, checkpoints: mode === 'plain' ? 0 : 3, maxPauseMs: 0, peakRssMiB: 100 };
}

function row(query: string, eventsPerSec: number, command = 'npm run bench:nexmark', date = MACHINE.date): QueryRow {
  return { query, plain: result(query, 'plain', eventsPerSec), ckpt: result(query, 'checkpointed', eventsPerSec / 2), measured: { command, date, commit: 'abc1234' } };
}

function run(rows: QueryRow[], overrides: Partial<NexmarkResults> = {}): NexmarkResults {
  return { benchmark: 'nexmark', machine: MACHINE, command: rows[0]?.measured.command ?? '', config: DEFAULT_BENCH_CONFIG, flinkPerCore: FLINK_PER_CORE, results: rows, ...overrides };
}

/** The settings the benchmark used by default before its headline became the library's defaults. */
const OLD_TUNED: BenchConfig = { events: 10_000_000, cacheSize: 10_000, batchSize: 1_000, checkpointEvery: { events: 1_000_000, ms: 10_000 } };

/** A file as the benchmark wrote it before rows carried a provenance and the config a batch size. */
function legacyFile(queries: readonly string[]): unknown {
  const { batchSize: _, ...config } = OLD_TUNED;
  return {
    benchmark: 'nexmark',
    machine: { ...MACHINE, date: '2026-11-25T00:18:10.099Z' },
    command: 'npm run bench:nexmark',
    config,
    flinkPerCore: FLINK_PER_CORE,
    results: queries.map((q) => {
      const { measured: _m, ...rest } = row(q, 1e6);
      return rest;
    }),
  };
}

describe('mergeResults', () => {
  it('a rerun of q5 replaces q5 and keeps every other query, in the suite order', () => {
    const rerun = run([row('q5', 3e6, 'npm run bench:nexmark -- --queries q5')], { config: OLD_TUNED });
    const merged = mergeResults(legacyFile(NAMES), rerun, NAMES);
    expect(merged.discarded).toBeUndefined();
    expect(merged.results.results.map((r) => r.query)).toEqual(NAMES);
    expect(merged.kept).toEqual(NAMES.filter((q) => q !== 'q5'));
    expect(merged.results.results.find((r) => r.query === 'q5')).toEqual(rerun.results[0]);
    // the kept rows carry the earlier file's command and date
    expect(merged.results.results.find((r) => r.query === 'q0')?.measured).toEqual({ command: 'npm run bench:nexmark', date: '2026-11-25T00:18:10.099Z' });
    expect(merged.results.command).toBe('npm run bench:nexmark -- --queries q5');
  });

  it('the committed bench/results/nexmark.json merges with a rerun measured on its machine', () => {
    const file = JSON.parse(readFileSync(join(__dirname, '..', '..', '..', '..', 'bench', 'results', 'nexmark.json'), 'utf8')) as Pick<NexmarkResults, 'machine' | 'config' | 'results'>;
    const rerun = run([row('q5', 3e6)], { machine: { ...file.machine, date: MACHINE.date }, config: { ...DEFAULT_BENCH_CONFIG, ...(file.config.cacheSize !== undefined && file.config.batchSize === undefined ? { batchSize: 1_000 } : {}), ...file.config } });
    const merged = mergeResults(file, rerun, NAMES);
    expect(merged.discarded).toBeUndefined();
    // every query with committed figures, and q5 (a query new to the suite has none until a run measures it)
    const measured = new Set([...file.results.map((r) => r.query), 'q5']);
    expect(merged.results.results.map((r) => r.query)).toEqual(NAMES.filter((q) => measured.has(q)));
  });

  it('with no earlier file, the run alone', () => {
    const merged = mergeResults(undefined, run([row('q5', 1e6)]), NAMES);
    expect(merged).toEqual({ results: run([row('q5', 1e6)]), kept: [] });
  });

  it.each([
    ['the settings differ', legacyFile(NAMES), run([row('q5', 1e6)], { config: { ...OLD_TUNED, events: 1_000_000 } }), /other settings/],
    ['defaults follow tuned figures', legacyFile(NAMES), run([row('q5', 1e6)]), /other settings/],
    ['the CPU differs', legacyFile(NAMES), run([row('q5', 1e6)], { machine: { ...MACHINE, cpu: 'Apple M3' } }), /another machine \(cpu AMD EPYC, now Apple M3\)/],
    ['the Node version differs', legacyFile(NAMES), run([row('q5', 1e6)], { machine: { ...MACHINE, node: 'v22.1.0' } }), /another machine \(node/],
    ['the file is another benchmark\'s', { benchmark: 'join', results: [] }, run([row('q5', 1e6)]), /not a Nexmark result/],
    ['the file holds no object', 'oops', run([row('q5', 1e6)]), /not a Nexmark result/],
  ])('earlier figures are not kept when %s, and the merge says why', (_what, previous, next, why) => {
    const merged = mergeResults(previous, next, NAMES);
    expect(merged.results.results.map((r) => r.query)).toEqual(['q5']);
    expect(merged.kept).toEqual([]);
    expect(merged.discarded).toMatch(why);
  });

  it('is, for any earlier and rerun query sets: the union in the suite order, the rerun rows winning', () => {
    const subset = fc.subarray(NAMES);
    fc.assert(
      fc.property(subset, subset, (earlier, rerun) => {
        const previous = run(earlier.map((q) => row(q, 1e6, 'earlier')));
        const merged = mergeResults(JSON.parse(JSON.stringify(previous)), run(rerun.map((q) => row(q, 2e6, 'rerun'))), NAMES);
        expect(merged.results.results.map((r) => r.query)).toEqual(NAMES.filter((q) => earlier.includes(q) || rerun.includes(q)));
        for (const r of merged.results.results) expect(r.measured.command).toBe(rerun.includes(r.query) ? 'rerun' : 'earlier');
        expect(merged.kept).toEqual(NAMES.filter((q) => earlier.includes(q) && !rerun.includes(q)));
      }),
    );
  });

  it('drops a query the suite no longer has', () => {
    const previous = run([row('q0', 1e6), row('q99', 1e6)]);
    expect(mergeResults(previous, run([row('q5', 1e6)]), NAMES).results.results.map((r) => r.query)).toEqual(['q0', 'q5']);
  });
});

describe('the docs table', () => {
  it('has one line per query of the merged results, compared with q0', () => {
    const merged = mergeResults(legacyFile(NAMES), run([row('q5', 2e6)], { config: OLD_TUNED }), NAMES).results;
    const lines = markdownTable(merged.results, NEXMARK_QUERIES).split('\n');
    expect(lines).toHaveLength(2 + NAMES.length);
    expect(lines.slice(2).map((l) => l.split(' | ')[0])).toEqual(NAMES.map((q) => `| ${q}`));
    expect(lines.find((l) => l.startsWith('| q5 |'))).toBe(`| q5 | ${NEXMARK_QUERIES.find((q) => q.name === 'q5')!.description} | 2.00M | 0.5x | 1.00M | 50.0% | 3 | 0.0 ms | 10 | 100 MiB | 22k |`);
  });

  it('the header names each run with its queries when the rows come from several', () => {
    const one = run([row('q0', 1e6), row('q1', 1e6)]);
    expect(docsHeader(one)).toBe('`npm run bench:nexmark`, 2026-12-04 10:00 UTC, commit abc1234: AMD EPYC, 2 cores, 24 GiB, linux 6.18 x64, Node v20.20.2; library defaults.');
    const loaded: NexmarkResults = { ...one, results: one.results.map((r) => ({ ...r, measured: { ...r.measured, load: 1.26 } })) };
    expect(docsHeader(loaded)).toBe('`npm run bench:nexmark`, 2026-12-04 10:00 UTC, commit abc1234, load average 1.3: AMD EPYC, 2 cores, 24 GiB, linux 6.18 x64, Node v20.20.2; library defaults.');
    const merged = mergeResults(legacyFile(['q0', 'q1', 'q5']), run([row('q5', 1e6, 'npm run bench:nexmark -- --queries q5')], { config: OLD_TUNED }), NAMES).results;
    expect(docsHeader(merged)).toBe(
      '`npm run bench:nexmark`, 2026-11-25 00:18 UTC (q0, q1); `npm run bench:nexmark -- --queries q5`, 2026-12-04 10:00 UTC, commit abc1234 (q5): AMD EPYC, 2 cores, 24 GiB, linux 6.18 x64, Node v20.20.2; tuned: cacheSize 10000, batchSize 1000, a checkpoint every 1000000 events, a checkpoint every 10000 ms.',
    );
  });

  it('replaceBetweenMarkers keeps the markers and what is around them', () => {
    expect(replaceBetweenMarkers('a\n<!-- s -->\nold\n<!-- e -->\nb', '<!-- s -->', '<!-- e -->', 'new')).toBe('a\n<!-- s -->\nnew\n<!-- e -->\nb');
    expect(replaceBetweenMarkers('<!-- e --> <!-- s -->', '<!-- s -->', '<!-- e -->', 'new')).toBeUndefined();
    expect(replaceBetweenMarkers('no markers', '<!-- s -->', '<!-- e -->', 'new')).toBeUndefined();
  });
});
