// `node examples/dist/partitioned-job/main.js [--events N] [--workers N] [--dir PATH] [--http PORT [--http-host HOST]]`
// The window job spread over worker processes (issue 17; docs/scale-out.md): starts its own
// nats-server (loopback, a free port, a temporary directory), publishes generated clicks to 8
// partitions by their page's key group, and runs the job with runPartitioned (@weir/partition):
// one process per worker (this same script, which sees WEIR_PARTITION_DIR and WEIR_WORKER in its
// environment), each owning a contiguous range of partitions and so of key groups, with its
// checkpoints under its lease in the job's shared directory and an output stream of its own, a
// worker that dies restarted from its latest checkpoint. Then it reads every worker's committed
// counts back, checks them against a plain count of the clicks, and stops the server. Without
// nats-server it prints the command that installs it and exits 0, so `npm start` goes on.
import { existsSync, writeFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { parseArgs as parseCommandLine } from 'node:util';
import { connectNats, NatsError, readJetStreamSinkOutput } from '@weir/nats';
import { findNatsServer, INSTALL_NATS_SERVER, startNatsServer } from '@weir/nats/testing';
import type { Source } from '@weir/checkpoint';
import { createPartitionedJob, FENCED_EXIT_CODE, isFenced, runPartitioned, workerFromEnv } from '@weir/partition';
import { parseCount, readHttpArgs } from '../common/args';
import { describeError } from '../common/describeError';
import { defaultJobDir, jobPaths, shortPath } from '../common/paths';
import { runMain } from '../common/runMain';
import { formatCount, formatDuration } from '../common/status';
import { table } from '../common/table';
import { compareViews, expectedViews, type PageViews } from '../nats-job/expected';
import { readClicks } from '../nats-job/publish';
import { prepareClicks, type Click } from '../window-job/generate';
import { INPUT, LAYOUT, MAX_OUT_OF_ORDERNESS, outputStreams } from './layout';
import { createStreams, publishPartitioned } from './publish';
import { runPartitionedWorker, type PartitionedWorkerSummary } from './worker';

const DEFAULT_EVENTS = 50_000;
const DEFAULT_WORKERS = 2;
const USAGE = `usage: node examples/dist/partitioned-job/main.js [--events N] [--workers N] [--dir PATH] [--http PORT [--http-host HOST]]
  --events N        clicks to generate (default ${DEFAULT_EVENTS.toLocaleString('en-US')}; e.g. 20k, 200k)
  --workers N       worker processes, 1 .. ${LAYOUT.partitions} (default ${DEFAULT_WORKERS})
  --dir PATH        where the generated clicks and the job's shared directory go (default examples/output/partitioned-job)
  --http PORT       worker i serves /metrics, /status, a live page (/) and its stores on 127.0.0.1:PORT+i while
                    it runs; a key query at a worker that does not own the key answers 421 naming the owner's URL
                    (0: each worker picks a free port, and a 421 names the owner's index only)
  --http-host HOST  the address the workers bind instead of 127.0.0.1 (e.g. 0.0.0.0)
Each run starts its own nats-server on a free loopback port with a new temporary store, and stops it at the end.
(A worker is this script with WEIR_PARTITION_DIR, WEIR_WORKER and WEIR_NATS_URL [and WEIR_CHECKPOINT_EVERY,
WEIR_HTTP_PORT, WEIR_HTTP_HOST] in its environment; started without IPC, it prints 'started <checkpoint restored or ->', 'checkpoint <id>'
after each, and 'summary <json>' at its end.)`;

type Command =
  | { readonly kind: 'help' }
  | { readonly kind: 'run'; readonly events: number | undefined; readonly workers: number; readonly dir: string; readonly http?: number; readonly httpHost?: string };

function readCommand(): Command {
  try {
    const { values } = parseCommandLine({
      args: process.argv.slice(2),
      options: { events: { type: 'string' }, workers: { type: 'string' }, dir: { type: 'string' }, http: { type: 'string' }, 'http-host': { type: 'string' }, help: { type: 'boolean', short: 'h' } },
      strict: true,
    });
    if (values.help === true) return { kind: 'help' };
    const workers = values.workers === undefined ? DEFAULT_WORKERS : Number(values.workers);
    if (!Number.isInteger(workers) || workers < 1 || workers > LAYOUT.partitions) throw new Error(`--workers: expected an integer 1 .. ${LAYOUT.partitions}, got ${values.workers}`);
    const events = values.events === undefined ? undefined : parseCount(values.events);
    if (values.events !== undefined && events === undefined) throw new Error(`--events: expected a positive number such as 5000, 200k or 1M, got ${values.events}`);
    const http = readHttpArgs(values.http, values['http-host']);
    if (http.http !== undefined && http.http !== 0 && http.http + workers - 1 > 65_535) throw new Error(`--http: ports ${http.http} .. ${http.http + workers - 1} (one per worker) go past 65535`);
    return { kind: 'run', events, workers, dir: values.dir ?? defaultJobDir('partitioned-job'), ...http };
  } catch (err) {
    process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n\n${USAGE}\n`);
    process.exit(2);
  }
}

/**
 * Worker mode (WEIR_PARTITION_DIR set): runs one worker. Under the launcher (an IPC channel) it
 * sends its summary to it; alone, it prints its progress and summary on stdout. A failure goes to
 * stderr as `<error name> <code>: <stack>` and each cause under it (describeError: a fence met at a
 * pre-commit is a CheckpointError SINK around the PartitionError or NatsError FENCED); a fenced
 * worker exits with FENCED_EXIT_CODE (the launcher does not restart it), any other failure with 1.
 */
async function worker(): Promise<void> {
  try {
    await runWorker();
  } catch (err) {
    process.stderr.write(`${describeError(err)}\n`);
    process.exit(isFenced(err) || fencedByNats(err) ? FENCED_EXIT_CODE : 1);
  }
}

/** Whether `err` or one of its causes is a NatsError FENCED (a stream another instance took over). */
function fencedByNats(err: unknown): boolean {
  for (let e = err, depth = 0; e instanceof Error && depth < 16; e = e.cause, depth++) {
    if (e instanceof NatsError && e.code === 'FENCED') return true;
  }
  return false;
}

async function runWorker(): Promise<void> {
  const url = process.env['WEIR_NATS_URL'];
  if (url === undefined || url === '') throw new Error('partitioned job worker: WEIR_NATS_URL must name the nats-server');
  const every = process.env['WEIR_CHECKPOINT_EVERY'] === undefined ? undefined : parseCount(process.env['WEIR_CHECKPOINT_EVERY']);
  const freezeAt = process.env['WEIR_TEST_FREEZE_AT_CHECKPOINT'] === undefined ? undefined : Number(process.env['WEIR_TEST_FREEZE_AT_CHECKPOINT']);
  let checkpoints = 0;
  const print = process.send === undefined ? (line: string): void => void process.stdout.write(`${line}\n`) : (): void => undefined;
  const w = await workerFromEnv();
  const http = workerHttp(w.ownership.worker);
  const gate = process.env['WEIR_TEST_GATE'];
  const connection = await connectNats({ servers: url });
  try {
    const summary = await runPartitionedWorker({
      connection,
      worker: w,
      ...(every === undefined ? {} : { checkpointEvery: every }),
      ...(http === undefined ? {} : { http }),
      ...(gate === undefined ? {} : { wrapSource: (source: Source<Click>) => heldAtFirstRead(source, gate, w.ownership.worker) }),
      onStart: (from) => print(`started ${from ?? '-'}`),
      onCheckpoint: (id) => {
        print(`checkpoint ${id}`);
        // for the kill test: freeze (the thread blocked, nothing more read or written) on the turn
        // after the n-th checkpoint of this run, so its SIGKILL never races the worker's end
        if (++checkpoints === freezeAt) setImmediate(() => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 120_000));
      },
    });
    print(`summary ${JSON.stringify(summary)}`);
    if (process.send !== undefined) await new Promise<void>((resolve, reject) => process.send!(summary, (err: Error | null) => (err === null ? resolve() : reject(err))));
  } finally {
    await connection.close();
  }
}

/**
 * For the endpoint test: `source` whose first read writes `<gate>.ready-<worker>` (the job is
 * running and served, its operators registered) and waits for the file `gate` to exist.
 */
function heldAtFirstRead(source: Source<Click>, gate: string, worker: number): Source<Click> {
  let held: Promise<void> | undefined;
  const hold = (): Promise<void> =>
    (held ??= (async () => {
      writeFileSync(`${gate}.ready-${worker}`, '');
      while (!existsSync(gate)) await new Promise((r) => setTimeout(r, 10));
    })());
  return {
    describe: () => source.describe(),
    async open(offset) {
      const reader = await source.open(offset);
      const each = reader.readEach;
      return {
        read: async (max) => (await hold(), reader.read(max)),
        ...(each === undefined ? {} : { readEach: async (max: number, emit: Parameters<typeof each>[1]) => (await hold(), each.call(reader, max, emit)) }),
        ...(reader.partitions === undefined ? {} : { partitions: () => reader.partitions!() }),
        ...(reader.ended === undefined ? {} : { ended: () => reader.ended!() }),
        offset: () => reader.offset(),
        ...(reader.close === undefined ? {} : { close: () => reader.close!() }),
      };
    },
  };
}

/** Worker `index`'s endpoint from WEIR_HTTP_PORT (the first worker's port) and WEIR_HTTP_HOST; none without them. */
function workerHttp(index: number): { port: number; host?: string; onListening: (url: string) => void; urlOf?: (worker: number) => string } | undefined {
  const base = process.env['WEIR_HTTP_PORT'];
  if (base === undefined || base === '') return undefined;
  const { http: port, httpHost: host } = readHttpArgs(base, process.env['WEIR_HTTP_HOST'] || undefined);
  const shown = host === undefined || host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host;
  return {
    port: port === 0 ? 0 : port! + index,
    ...(host === undefined ? {} : { host }),
    onListening: (u) => process.stdout.write(`  worker ${index} serving ${u}/ (live page), ${u}/metrics, ${u}/status, ${u}/query; watch it with: weir top ${u}\n`),
    ...(port === 0 ? {} : { urlOf: (worker: number) => `http://${shown}:${port! + worker}` }),
  };
}

async function run(c: Extract<Command, { kind: 'run' }>): Promise<void> {
  console.log(`partitioned job: clicks in ${LAYOUT.partitions} JetStream partitions -> page views per page per minute, by ${c.workers} worker processes, exactly once`);
  try {
    findNatsServer();
  } catch {
    console.log(`  skipped: nats-server is not installed. Install it with:\n\n    ${INSTALL_NATS_SERVER}\n`);
    return;
  }
  const paths = jobPaths(c.dir);
  const data = await prepareClicks(paths.data, c.events, DEFAULT_EVENTS);
  const clicks = await readClicks(data.file);
  const server = await startNatsServer();
  console.log(`  nats-server pid ${server.pid()} at ${server.url}, JetStream store in ${server.storeDir}`);
  const nc = await connectNats({ servers: server.url });
  try {
    await createStreams(nc, c.workers);
    let t = Date.now();
    const perPartition = await publishPartitioned(nc, clicks);
    console.log(`  published ${clicks.length.toLocaleString('en-US')} clicks (${shortPath(data.file)}) to stream ${INPUT.stream}, each on ${INPUT.subject}.<the partition of its page's key group> (${LAYOUT.keyGroups} key groups), in ${formatDuration(Date.now() - t)}`);

    // the job's shared directory: its layout, the workers' leases and checkpoints (a fresh one: the server is new)
    const jobDir = paths.checkpoints;
    await rm(jobDir, { recursive: true, force: true });
    await createPartitionedJob(jobDir, { ...LAYOUT, workers: c.workers });
    t = Date.now();
    const summaries: PartitionedWorkerSummary[] = [];
    const run = runPartitioned({
      dir: jobDir,
      entry: __filename,
      env: { WEIR_NATS_URL: server.url, ...(c.http === undefined ? {} : { WEIR_HTTP_PORT: String(c.http) }), ...(c.httpHost === undefined ? {} : { WEIR_HTTP_HOST: c.httpHost }) },
      onStart: (i, child) => child.on('message', (m) => (summaries[i] = m as PartitionedWorkerSummary)),
      log: (m) => console.log(`  ${m}`),
    });
    const report = await run.done;
    const elapsed = Date.now() - t;
    if (summaries.length !== c.workers || summaries.includes(undefined as never)) throw new Error(`partitioned job: ${summaries.filter((x) => x !== undefined).length} of ${c.workers} workers reported`);
    const read = summaries.reduce((s, w) => s + w.clicksRead, 0);
    console.log(`  ran ${c.workers} worker processes (runPartitioned, checkpoints and leases in ${shortPath(jobDir)}): ${read.toLocaleString('en-US')} clicks in ${formatDuration(elapsed)} (${formatCount((read * 1000) / elapsed)} clicks/s in all, processes started included)\n`);
    console.log(
      table(
        ['worker', 'partitions', 'key groups', 'clicks', 'share', 'ran', 'clicks/s', 'checkpoints', 'restarts'],
        summaries.map((w) => [
          w.worker,
          w.partitions.join(' '),
          w.keyGroups,
          w.clicksRead,
          `${((100 * w.clicksRead) / Math.max(1, read)).toFixed(0)}%`,
          formatDuration(w.ms),
          formatCount((w.clicksRead * 1000) / w.ms),
          w.lastCheckpoint ?? 0,
          report.restarts[w.worker] ?? 0,
        ]),
      ),
    );
    const byPage = new Map<string, number>();
    for (const click of clicks) byPage.set(click.page, (byPage.get(click.page) ?? 0) + 1);
    const [hotPage, hotClicks] = [...byPage].reduce((a, b) => (b[1] > a[1] ? b : a));
    console.log(`  clicks per partition: ${perPartition.map((n, p) => `${p}: ${n.toLocaleString('en-US')}`).join(', ')}`);
    console.log(`  (the split follows the keys: page '${hotPage}' alone has ${((100 * hotClicks) / clicks.length).toFixed(0)}% of the clicks, and a key's group is never split)\n`);

    const out = outputStreams(c.workers);
    const decoder = new TextDecoder();
    const views: PageViews[] = [];
    const rows: Array<[string, number, string]> = [];
    for (let i = 0; i < c.workers; i++) {
      const { stream, subject } = out.sinkTarget(i);
      const records = await readJetStreamSinkOutput(nc, { stream, subject });
      for (const r of records) views.push(JSON.parse(decoder.decode(r.data)) as PageViews);
      rows.push([stream, records.length, `worker ${i}'s page views per page per minute on ${subject}.*`]);
    }
    console.log(table(['stream', 'messages', 'what'], [[INPUT.stream, clicks.length, `clicks on ${INPUT.subject}.0 .. ${LAYOUT.partitions - 1}`], ...rows]));
    console.log('');
    const expected = expectedViews(clicks, MAX_OUT_OF_ORDERNESS);
    const diff = compareViews(views, expected);
    const late = summaries.reduce((s, w) => s + w.late, 0);
    if (read !== clicks.length || late !== 0 || expected.late !== 0 || diff.missing.length + diff.wrong.length + diff.duplicated.length > 0) {
      throw new Error(
        `the committed results differ from a plain count of the clicks: ${read} of ${clicks.length} clicks read, ${late} late, ${diff.missing.length} missing, ${diff.wrong.length} wrong, ${diff.duplicated.length} duplicated (e.g. ${[...diff.missing, ...diff.wrong, ...diff.duplicated].slice(0, 3).join('; ')})`,
      );
    }
    console.log(`  checked: all ${expected.views.size.toLocaleString('en-US')} page-minute counts, from ${c.workers} workers' streams, equal a plain count of the clicks, none missing, none twice\n`);
  } finally {
    await nc.close();
    await server.stop();
  }
}

async function main(): Promise<void> {
  if (process.env['WEIR_PARTITION_DIR'] !== undefined) return worker();
  const command = readCommand();
  if (command.kind === 'help') console.log(USAGE);
  else await run(command);
}

runMain('partitioned job', main);
