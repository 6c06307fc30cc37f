// The NATS benchmarks' shared shape: rows run in alternating rounds, rates from the median
// round, ratios against another row of the same run, and the closing lines every benchmark
// prints (machine, load average) before writing its results file.
import { loadavg } from 'node:os';
import { machineInfo, writeResults } from '../../../bench/lib/report';

/** One row of a table: what it measures, what it is compared with, and how to run it once. */
export interface RateRow {
  readonly name: string;
  /** The name of the row its rate is compared with ("-" for the floor rows). */
  readonly against: string;
  readonly run: (round: number) => Promise<void>;
}

/** A row's figures: messages/s of the median round and the ratio to its `against` row. */
export interface RateResult {
  readonly name: string;
  readonly messagesPerSecond: number;
  readonly against: string;
  readonly ratio: number | null;
  readonly secondsPerRound: number[];
}

/** Runs every row once per round, in order, `repeat` rounds; each row handles `messages` messages. */
export async function measureRates(rows: readonly RateRow[], repeat: number, messages: number): Promise<RateResult[]> {
  const seconds: number[][] = rows.map(() => []);
  for (let round = 0; round < repeat; round++) {
    for (const [i, row] of rows.entries()) {
      const t = performance.now();
      await row.run(round);
      seconds[i]!.push((performance.now() - t) / 1000);
    }
  }
  const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  const rate = (i: number): number => messages / median(seconds[i]!);
  const byName = new Map(rows.map((r, i) => [r.name, rate(i)]));
  return rows.map((row, i) => ({
    name: row.name,
    messagesPerSecond: Math.round(rate(i)),
    against: row.against,
    ratio: row.against === '-' ? null : Number((rate(i) / byName.get(row.against)!).toFixed(3)),
    secondsPerRound: seconds[i]!.map((s) => Number(s.toFixed(3))),
  }));
}

/**
 * Prints the machine and the load average (`loadBefore`, taken at the start, and now) and writes
 * `bench/results/<name>.json` with them, the server and `data`; prints the file's path.
 */
export function finishBench(name: string, loadBefore: number[], data: Record<string, unknown>): void {
  const loadAfter = loadavg();
  const machine = machineInfo();
  const load = (l: number[]): string => l.map((x) => x.toFixed(2)).join(' ');
  console.log(`${machine.cpu}, ${machine.cores} cores, Node ${machine.node}; load average before ${load(loadBefore)}, after ${load(loadAfter)}`);
  const file = writeResults(name, { machine, loadAverage: { before: loadBefore, after: loadAfter }, server: 'nats-server 2.9.10 (Debian), file storage, R1, loopback', ...data });
  console.log(`wrote ${file}`);
}
