// npm run bench:operators   (also the last part of `npm run bench`)
//
// Issue 15's table, measured: every operator with its DEFAULT options against a hand-written
// loop over Maps doing the same work, in the same process, over the same input:
//   tumbling 10 s (in order; 5% out of order), hopping 60 s / 10 s, session 30 s gap (counts per
//   key, 1M clicks, 10k keys), interval join inner +-5 s and as-of join backward (1M events
//   across both inputs, 10k keys), lookup join (a 100k-row table, then 1M lookups).
// Windows are compared with the plain loop. Joins are compared with the plain loop and with the
// fair floor, a hand-written join operator fed by the same RxJS driving code (two inputs,
// watermarks), since that driving alone costs a share of a plain loop; the targets of joins are
// against that floor. Rows with a write-back cache (`--cache`, default 10,000) are tuned rows,
// labelled as such; the targets apply to the defaults.
//
// Method. One driving function per input shape (bench/operators/feed.ts) decides the sequence:
// each record, the watermark it raises (largest timestamp - 1 s - 1), and a checkpoint barrier
// every 100k events (the coordinator's default interval; weir operators get a hook that takes
// the snapshot and drops it, so the cache flush and copy-on-write cost are in, persisting is not).
// The weir operators and the hand-written join operator receive it as stream elements pushed
// through Subjects; the plain loops receive the same calls directly. Every contender hands its
// results to the same kind of sink (a count and an order-independent checksum); after every run
// they must agree with the plain loop, and at start-up every scenario runs on a small input with
// every result line compared, so the loops provably do the same work as the operators.
// Each round runs every contender of a scenario once, the order alternating between rounds, each
// from a full GC (--expose-gc); a ratio is the median over rounds of the two contenders' times in
// the same round.
//
// Record-path latency (bench/operators/latency.ts): for the tumbling window (in order) and the
// interval join, the weir operator (default and tuned) and the floor are driven twice more: once
// unpaced with the latency instrumentation (the maximum throughput), then paced at a fixed rate of
// half that; an event's latency runs from its due time at the source to the return of its push,
// when everything it caused has reached the sink (the pipeline is synchronous); waits behind slow
// events count. p50, p99, p99.9, max, and the longest single push (a stall, not a queue).
//
// Prints tables; writes bench/results/operators.json (not with --quick).
// Options: --events 1000000  --keys 10000  --rounds 5  --cache 10000  --only tumbling,join
//          --skip-latency  --quick (100k events, 1k keys, 3 rounds: a smoke run)
import { loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { machineInfo, printTable, writeResults } from './lib/report';
import { pacer, type LatencyStats } from './operators/latency';
import { alternatingRounds, median, pairedRatio } from './operators/rounds';
import { SCENARIOS, buildScenario, type PacedContender, type Scenario, type Size } from './operators/scenarios';
import { Tally } from './operators/tally';

const { values: opts } = parseArgs({
  options: {
    events: { type: 'string' },
    keys: { type: 'string' },
    rounds: { type: 'string' },
    cache: { type: 'string', default: '10000' },
    only: { type: 'string' },
    'skip-latency': { type: 'boolean', default: false },
    quick: { type: 'boolean', default: false },
  },
});
const positive = (name: string, text: string | undefined, fallback: number): number => {
  const n = text === undefined ? fallback : Number(text);
  if (!Number.isSafeInteger(n) || n <= 0) throw new Error(`--${name} must be a positive integer, got ${text}`);
  return n;
};
const EVENTS = positive('events', opts.events, opts.quick ? 100_000 : 1_000_000);
if (EVENTS % 2 !== 0) throw new Error('--events must be even (the joins split it between two inputs)');
const SIZE: Size = {
  events: EVENTS,
  keys: positive('keys', opts.keys, opts.quick ? 1_000 : 10_000),
  tableRows: 100_000,
  cacheSize: positive('cache', opts.cache, 10_000),
};
const ROUNDS = positive('rounds', opts.rounds, opts.quick ? 3 : 5);
const only = opts.only?.split(',').map((s) => s.trim().toLowerCase());
const selected = SCENARIOS.filter((name) => only === undefined || only.some((word) => name.toLowerCase().includes(word)));
const LATENCY: readonly string[] = opts['skip-latency'] ? [] : ['tumbling 10 s, in order', 'interval join, inner, +-5 s'];

const machine = machineInfo();
const loadBefore = loadavg();
console.log(`operators vs hand-written loops: ${EVENTS.toLocaleString('en')} events, ${SIZE.keys.toLocaleString('en')} keys, ${ROUNDS} rounds`);
console.log(`${machine.cpu} (${machine.cores} cores, ${machine.memoryGiB} GiB), ${machine.os}, Node ${machine.node}, ${machine.date}; load average ${loadBefore.map((l) => l.toFixed(2)).join(' ')}`);
if ((globalThis as { gc?: unknown }).gc === undefined) console.log('(run with --expose-gc, as the npm script does, for a full GC before every run)');

// 1. The loops compute what the operators compute: every result line, on a small input.
{
  const small: Size = { events: 40_000, keys: Math.max(40, Math.round((SIZE.keys * 40_000) / EVENTS)), tableRows: 4_000, cacheSize: 1_000 };
  let results = 0;
  for (const name of selected) {
    const s = buildScenario(name, small);
    const expected = new Tally(true);
    s.reference.run(expected);
    for (const c of s.contenders) {
      if (c === s.reference || c.role === 'driving only') continue;
      const got = new Tally(true);
      c.run(got);
      if (!got.sameAs(expected)) throw new Error(`check, ${name}: ${c.label} disagrees with ${s.reference.label}: ${got.difference(expected)}`);
    }
    results += expected.results;
  }
  console.log(`check: on ${small.events.toLocaleString('en')} events per scenario, every contender emits the plain loop's results, line for line (${results.toLocaleString('en')} results)`);
}

// 2. Throughput, alternating rounds; 3. latency where asked.
interface Row {
  scenario: string;
  contender: string;
  role: PacedContender['role'];
  medianMs: number;
  msPerRound: number[];
  eventsPerSec: number;
  vsHandLoop: number;
  vsHandOperator?: number;
  target?: number;
  targetMet?: boolean;
}
interface LatencyRow extends LatencyStats {
  scenario: string;
  contender: string;
  /** Events/s of the same instrumented run unpaced: the rate is half of it. */
  maxThroughput: number;
}
const rows: Row[] = [];
const latencies: LatencyRow[] = [];
const inputs: Record<string, string> = {};
for (const name of selected) {
  const s: Scenario = buildScenario(name, SIZE);
  inputs[name] = s.input;
  process.stdout.write(`${name} `);
  const ms = alternatingRounds(name, s.contenders, ROUNDS, s.reference);
  process.stdout.write('\n');
  const loop = s.contenders.findIndex((c) => c.role === 'hand loop');
  const operator = s.contenders.findIndex((c) => c.role === 'hand operator');
  s.contenders.forEach((c, i) => {
    const m = median(ms[i]!);
    const row: Row = { scenario: name, contender: c.label, role: c.role, medianMs: m, msPerRound: ms[i]!, eventsPerSec: s.events / (m / 1_000), vsHandLoop: pairedRatio(ms[i]!, ms[loop]!) };
    if (operator >= 0) row.vsHandOperator = pairedRatio(ms[i]!, ms[operator]!);
    if (c.role === 'weir') {
      row.target = s.target;
      row.targetMet = (s.floor === 'hand loop' ? row.vsHandLoop : row.vsHandOperator!) <= s.target;
    }
    rows.push(row);
  });
  if (LATENCY.includes(name)) {
    for (const [i, c] of s.contenders.entries()) {
      if (c.role !== 'weir' && c.role !== 'weir, tuned' && c.role !== (s.floor === 'hand loop' ? 'hand loop' : 'hand operator')) continue;
      (globalThis as { gc?: () => void }).gc?.();
      const unpaced = pacer(s.events, Number.POSITIVE_INFINITY);
      c.run(new Tally(), unpaced.pace);
      const maxThroughput = unpaced.stats().achieved;
      (globalThis as { gc?: () => void }).gc?.();
      const p = pacer(s.events, Math.round(maxThroughput / 2));
      c.run(new Tally(), p.pace);
      latencies.push({ scenario: name, contender: s.contenders[i]!.label, maxThroughput, ...p.stats() });
    }
  }
}

// 4. Report.
const loadAfter = loadavg();
const x = (r: number | undefined): string => (r === undefined ? '' : `${r.toFixed(2)}x`);
console.log(`\nthroughput (median of ${ROUNDS} alternating rounds; ratios: median of the per-round ratios; load average after: ${loadAfter.map((l) => l.toFixed(2)).join(' ')})\n`);
printTable(
  ['scenario', 'contender', 'median', 'events/s', 'x hand loop', 'x hand operator', 'target, default options'],
  rows.map((r) => [
    r.scenario,
    r.contender,
    `${r.medianMs.toFixed(0)} ms`,
    `${(r.eventsPerSec / 1e6).toFixed(2)}M`,
    r.role === 'hand loop' ? '1 (floor)' : x(r.vsHandLoop),
    r.role === 'hand operator' ? '1 (floor)' : x(r.vsHandOperator),
    r.target === undefined ? (r.role === 'weir, tuned' ? '(tuned: no target)' : '') : `<= ${r.target}x ${r.vsHandOperator === undefined ? 'hand loop' : 'hand operator'}: ${r.targetMet ? 'met' : 'MISSED'}`,
  ]),
);
if (latencies.length > 0) {
  console.log('\nrecord-path latency at half of each contender\'s maximum throughput (due time at the source -> effect at the sink; longest push: one event\'s own processing)\n');
  printTable(
    ['scenario', 'contender', 'max throughput', 'paced at', 'achieved', 'p50', 'p99', 'p99.9', 'max', 'longest push'],
    latencies.map((l) => [l.scenario, l.contender, `${(l.maxThroughput / 1e3).toFixed(0)}k/s`, `${(l.rate / 1e3).toFixed(0)}k/s`, `${(l.achieved / 1e3).toFixed(0)}k/s`, us(l.p50Us), us(l.p99Us), us(l.p999Us), us(l.maxUs), us(l.longestPushUs)]),
  );
}
function us(v: number): string {
  return v >= 1_000 ? `${(v / 1_000).toFixed(1)} ms` : `${v.toFixed(1)} us`;
}
const missed = rows.filter((r) => r.targetMet === false).map((r) => r.scenario);
console.log(`\ntargets with default options: ${rows.filter((r) => r.targetMet === true).length} met, ${missed.length} MISSED${missed.length > 0 ? ` (${missed.join('; ')})` : ''}`);
if (opts.quick) {
  console.log('--quick: a smoke run, bench/results/operators.json left as it was');
  process.exit(0);
}
const file = writeResults('operators', {
  benchmark: 'operators vs hand-written loops (issue 15)',
  machine,
  loadAverage: { before: loadBefore, after: loadAfter },
  config: { events: EVENTS, keys: SIZE.keys, rounds: ROUNDS, tunedCacheSize: SIZE.cacheSize, lookupTableRows: SIZE.tableRows, barrierEvery: 100_000, outOfOrdernessMs: 1_000, quick: opts.quick, inputs },
  results: rows,
  latency: latencies,
});
console.log(`wrote ${file}`);
