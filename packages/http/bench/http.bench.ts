// The cost of serving a job over HTTP (issue 18): the window job's throughput with serveJob on
// and scraped once a second (/metrics and /status, as Prometheus and the live page would) against
// the same job without a server, in alternating rounds of one run, so both see the same machine.
// The scraper is a separate process (as Prometheus or a browser would be), told over IPC which
// server to scrape in each "on" round; its first scrape is done before the round's clock starts. Prints a table; writes bench/results/http.json.
//
//   npm run bench -w @weir/http [-- --events 2000000 --rounds 9 --intervalMs 1000]
import { spawn, type ChildProcess } from 'node:child_process';
import { loadavg } from 'node:os';
import { CheckpointCoordinator, MemoryCheckpointStorage, arraySource, collectingSink } from '@weir/checkpoint';
import { count, tumblingWindow, type WindowResult } from '@weir/window';
import { serveJob } from '@weir/http';
import { buildJobStatus } from '../src/buildJobStatus';
import { GcPauses } from '../src/GcPauses';
import { jobRegistry } from '../src/jobRegistry';
import { benchOptions } from '../../../bench/lib/benchOptions';
import { machineInfo, printTable, writeResults } from '../../../bench/lib/report';

interface Click {
  readonly page: string;
  readonly ts: number;
}

const { events, rounds, intervalMs, keys } = benchOptions({ events: 2_000_000, rounds: 9, intervalMs: 1_000, keys: 10_000 });

function makeInput(n: number): Click[] {
  let s = 42;
  const out: Click[] = new Array<Click>(n);
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    out[i] = { page: `page-${s % keys}`, ts: i + (s % 500) };
  }
  return out;
}

/**
 * The scraper, one child process for the whole run: told a URL over IPC, it GETs /metrics and
 * /status every intervalMs (the first at once) until told to stop, then answers with its counts
 * and timings.
 */
const SCRAPER = `
const every = Number(process.argv[1]);
let timer, ms = [], failures = 0, url;
async function scrape() {
  const t0 = performance.now();
  try {
    for (const path of ['/metrics', '/status']) {
      const res = await fetch(url + path);
      await res.text();
      if (res.status !== 200) failures++;
    }
  } catch { failures++; }
  ms.push(performance.now() - t0);
}
process.on('message', async (m) => {
  if (m.url !== undefined) {
    url = m.url; ms = []; failures = 0;
    await scrape();
    timer = setInterval(scrape, every);
    process.send({ started: true });
  } else if (m.stop) {
    clearInterval(timer);
    const sorted = [...ms].sort((a, b) => a - b);
    process.send({ scrapes: ms.length, failures, medianMs: sorted[sorted.length >> 1] ?? null, maxMs: sorted[sorted.length - 1] ?? null });
  } else if (m.exit) process.exit(0);
});
`;

interface Scraped {
  scrapes: number;
  failures: number;
  medianMs: number | null;
  maxMs: number | null;
}

class Scraper {
  readonly #child: ChildProcess = spawn(process.execPath, ['-e', SCRAPER, String(intervalMs)], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });

  #ask<T>(message: unknown): Promise<T> {
    return new Promise((resolve) => {
      this.#child.once('message', (m) => resolve(m as T));
      this.#child.send(message as never);
    });
  }

  /** Starts scraping `url`; resolves after the first scrape. */
  start(url: string): Promise<unknown> {
    return this.#ask({ url });
  }

  /** Stops scraping; resolves with the figures since start. */
  stop(): Promise<Scraped> {
    return this.#ask<Scraped>({ stop: true });
  }

  /** Ends the child (ours, by its pid). */
  close(): void {
    if (this.#child.exitCode === null) this.#child.send({ exit: true } as never, () => undefined);
  }
}

const scraper = new Scraper();

/** One run of the window job over `input`; with `serve`, a server scraped once every intervalMs. Returns records/s and the scraper's figures. */
async function runJob(input: readonly Click[], serve: boolean): Promise<{ rate: number; scraped?: Scraped; job: CheckpointCoordinator }> {
  const job = await CheckpointCoordinator.open({ storage: new MemoryCheckpointStorage(), interval: { events: 100_000 } });
  const sink = collectingSink<WindowResult<string, number>>();
  const out$ = job
    .source('clicks', arraySource(input), { timestamp: (c) => c.ts, maxOutOfOrderness: 1_000 })
    .pipe(tumblingWindow({ size: 60_000, key: (c: Click) => c.page, aggregate: count(), store: job.store('views'), name: 'views', checkpoint: job }), job.sink('out', sink));
  const server = serve ? await serveJob(job, { port: 0, name: 'bench' }) : undefined;
  try {
    if (server !== undefined) await scraper.start(server.url);
    const t0 = performance.now();
    await job.run(out$);
    const seconds = (performance.now() - t0) / 1_000;
    const scraped = server === undefined ? undefined : await scraper.stop();
    return { rate: input.length / seconds, job, ...(scraped === undefined ? {} : { scraped }) };
  } finally {
    await server?.close();
  }
}

/** Collects the last run's garbage (the bench runs with --expose-gc), so no run pays for the one before it. */
function settle(): void {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (gc === undefined) throw new Error('run with node --expose-gc (npm run bench does)');
  gc();
  gc();
}

async function main(): Promise<void> {
  const loadBefore = loadavg();
  const input = makeInput(events);
  await runJob(input.slice(0, 200_000), false); // warm-up (JIT), not counted
  const off: number[] = [];
  const on: number[] = [];
  const scrapes: Scraped[] = [];
  for (let r = 0; r < rounds; r++) {
    // alternate which goes first, so a drift of the machine's load affects both alike
    const order = r % 2 === 0 ? [false, true] : [true, false];
    for (const serve of order) {
      settle();
      const { rate, scraped } = await runJob(input, serve);
      (serve ? on : off).push(rate);
      if (scraped !== undefined) scrapes.push(scraped);
      console.log(`round ${r + 1} ${serve ? 'on ' : 'off'}: ${(rate / 1_000).toFixed(1)}k records/s${scraped === undefined ? '' : ` (${scraped.scrapes} scrapes, median ${scraped.medianMs?.toFixed(1)} ms)`}`);
    }
  }
  const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[xs.length >> 1]!;
  // The server's own work per scrape, in this process, on a finished job of the same shape: what
  // each scrape takes from the record path (the requests are answered between record batches).
  const { job } = await runJob(input.slice(0, 200_000), false);
  const registry = jobRegistry(job.view(), 'bench');
  const gcPauses = new GcPauses();
  const workMs: number[] = [];
  for (let i = 0; i < 50; i++) {
    const t0 = performance.now();
    await registry.metrics();
    JSON.stringify(buildJobStatus(job.view(), 'bench', gcPauses));
    workMs.push(performance.now() - t0);
  }
  const serverMs = median(workMs.slice(10));
  const offRate = median(off);
  const onRate = median(on);
  const cost = 1 - onRate / offRate;
  // paired per round: on / off of the same round
  const perRound = on.map((x, i) => x / off[i]!);
  const pairedCost = 1 - median(perRound);
  printTable(
    ['row', 'records/s (median of rounds)', 'vs off'],
    [
      ['window job, no server (default options)', `${(offRate / 1_000).toFixed(1)}k`, '1.000'],
      [`window job, serveJob on, /metrics + /status every ${intervalMs} ms`, `${(onRate / 1_000).toFixed(1)}k`, (onRate / offRate).toFixed(3)],
      ['  median of the per-round on/off ratios', '', median(perRound).toFixed(3)],
      [`  server work per scrape (/metrics + /status, in process): ${serverMs.toFixed(2)} ms`, '', `${((serverMs / intervalMs) * 100).toFixed(2)}% of the time`],
    ],
  );
  const allScrapes = scrapes.reduce((a, s) => a + s.scrapes, 0);
  const failures = scrapes.reduce((a, s) => a + s.failures, 0);
  const scrapeMs = scrapes.map((s) => s.medianMs ?? 0);
  console.log(`cost of the endpoint: ${(cost * 100).toFixed(2)}% (median on vs median off), ${(pairedCost * 100).toFixed(2)}% (median of per-round ratios); server work ${serverMs.toFixed(2)} ms per scrape = ${((serverMs / intervalMs) * 100).toFixed(2)}% at one scrape per ${intervalMs} ms (per-round on/off ratios ${perRound.map((x) => x.toFixed(3)).join(' ')}); ${allScrapes} scrapes, ${failures} failed, median scrape (both paths) ${median(scrapeMs).toFixed(1)} ms`);
  const loadAfter = loadavg();
  const machine = machineInfo();
  console.log(`${machine.cpu}, ${machine.cores} cores, Node ${machine.node}; load average before ${loadBefore.map((x) => x.toFixed(2)).join(' ')}, after ${loadAfter.map((x) => x.toFixed(2)).join(' ')}`);
  const file = writeResults('http', {
    machine,
    loadAverage: { before: loadBefore, after: loadAfter },
    job: { events, keys, window: 'tumbling 60 s count', checkpointEvery: 100_000, storage: 'MemoryCheckpointStorage', source: 'arraySource' },
    scrapeIntervalMs: intervalMs,
    rounds,
    recordsPerSecond: { off, on },
    medianRecordsPerSecond: { off: offRate, on: onRate },
    cost,
    pairedCost,
    perRoundOnOverOff: perRound,
    serverWorkMsPerScrape: serverMs,
    scrapes: { total: allScrapes, failures, medianMsPerRound: scrapeMs },
  });
  console.log(`wrote ${file}`);
}

main()
  .catch((err: unknown) => {
    console.error(err);
    process.exitCode = 1;
  })
  .finally(() => scraper.close());
