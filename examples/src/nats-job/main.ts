// `node examples/dist/nats-job/main.js [--events N] [--dir PATH] [--http PORT [--http-host HOST]]`
// The window job on NATS JetStream: starts its own nats-server (loopback, a free port, a temp
// directory), publishes generated clicks to a stream, runs the checkpointed job (JetStream source
// -> tumbling window -> JetStream sink, checkpoints in the JetStream object store), reads the
// committed results back from their stream, checks them against a plain count of the clicks, and
// stops the server. Without nats-server it prints the command that installs it and exits 0, so
// `npm start` goes on with the other jobs.
import { parseArgs as parseCommandLine } from 'node:util';
import { connectNats, readJetStreamSinkOutput } from '@weir/nats';
import { findNatsServer, INSTALL_NATS_SERVER, startNatsServer } from '@weir/nats/testing';
import { HTTP_USAGE, httpEndpointOf, parseCount, readHttpArgs } from '../common/args';
import { defaultJobDir, jobPaths, shortPath } from '../common/paths';
import { formatCount, formatDuration } from '../common/status';
import { runMain } from '../common/runMain';
import { table } from '../common/table';
import { prepareClicks } from '../window-job/generate';
import { compareViews, expectedViews, type PageViews } from './expected';
import { MAX_OUT_OF_ORDERNESS, runNatsJob } from './job';
import { createStreams, NATS_JOB_STREAMS, publishClicks, readClicks } from './publish';

const DEFAULT_EVENTS = 50_000;
const USAGE = `usage: node examples/dist/nats-job/main.js [--events N] [--dir PATH] [--http PORT [--http-host HOST]]
  --events N   clicks to generate (default ${DEFAULT_EVENTS.toLocaleString('en-US')}; e.g. 20k, 200k)
  --dir PATH   where the generated clicks go (default examples/output/nats-job)
${HTTP_USAGE}
Each run starts its own nats-server on a free loopback port with a new temporary store, and stops it at the end.`;

function readArgs(): { events: number | undefined; dir: string; http?: number; httpHost?: string } | undefined {
  try {
    const { values } = parseCommandLine({ args: process.argv.slice(2), options: { events: { type: 'string' }, dir: { type: 'string' }, http: { type: 'string' }, 'http-host': { type: 'string' }, help: { type: 'boolean', short: 'h' } }, strict: true });
    if (values.help === true) {
      console.log(USAGE);
      return undefined;
    }
    const events = values.events === undefined ? undefined : parseCount(values.events);
    if (values.events !== undefined && events === undefined) throw new Error(`--events: expected a positive number such as 5000, 200k or 1M, got ${values.events}`);
    return { events, dir: values.dir ?? defaultJobDir('nats-job'), ...readHttpArgs(values.http, values['http-host']) };
  } catch (err) {
    process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n\n${USAGE}\n`);
    process.exit(2);
  }
}

async function main(): Promise<void> {
  const args = readArgs();
  if (args === undefined) return;
  console.log('nats job: clicks from a JetStream stream -> page views per page per minute -> a JetStream stream, exactly once');
  try {
    findNatsServer();
  } catch {
    console.log(`  skipped: nats-server is not installed. Install it with:\n\n    ${INSTALL_NATS_SERVER}\n`);
    return;
  }

  const paths = jobPaths(args.dir);
  const data = await prepareClicks(paths.data, args.events, DEFAULT_EVENTS);
  const clicks = await readClicks(data.file);
  const server = await startNatsServer();
  console.log(`  nats-server pid ${server.pid()} at ${server.url}, JetStream store in ${server.storeDir}`);
  const nc = await connectNats({ servers: server.url });
  try {
    await createStreams(nc);
    let t = Date.now();
    await publishClicks(nc, NATS_JOB_STREAMS.clicks.subject, clicks);
    console.log(`  published ${clicks.length.toLocaleString('en-US')} clicks (${shortPath(data.file)}) to stream ${NATS_JOB_STREAMS.clicks.stream} in ${formatDuration(Date.now() - t)}`);

    t = Date.now();
    const summary = await runNatsJob({ connection: nc, log: (m) => console.log(`  ${m}`), http: httpEndpointOf(args) });
    const elapsed = Date.now() - t;
    console.log(
      `  ran the job: ${summary.clicksRead.toLocaleString('en-US')} clicks in ${formatDuration(elapsed)} (${formatCount((summary.clicksRead * 1000) / elapsed)} clicks/s), ` +
        `${summary.late.toLocaleString('en-US')} too late for their minute; last checkpoint #${summary.lastCheckpoint}`,
    );

    const records = await readJetStreamSinkOutput(nc, { stream: NATS_JOB_STREAMS.views.stream, subject: NATS_JOB_STREAMS.views.subject });
    const decoder = new TextDecoder();
    const views = records.map((r) => JSON.parse(decoder.decode(r.data)) as PageViews);
    const expected = expectedViews(clicks, MAX_OUT_OF_ORDERNESS);
    const diff = compareViews(views, expected);
    const busiest = [...views].sort((a, b) => b.views - a.views || a.minute.localeCompare(b.minute)).slice(0, 5);
    console.log('');
    console.log(table(['busiest page-minutes', 'minute (UTC)', 'views'], busiest.map((r) => [r.page, r.minute, r.views])));
    console.log('');
    console.log(
      table(
        ['stream', 'messages', 'what'],
        [
          [NATS_JOB_STREAMS.clicks.stream, clicks.length, `clicks on ${NATS_JOB_STREAMS.clicks.subject}`],
          [NATS_JOB_STREAMS.views.stream, views.length, `page views per page per minute on ${NATS_JOB_STREAMS.views.subject}.*, committed by ${plural(new Set(records.map((r) => r.checkpointId)).size, 'checkpoint')}`],
        ],
      ),
    );
    console.log('');
    if (diff.missing.length + diff.wrong.length + diff.duplicated.length > 0) {
      throw new Error(`the committed results differ from the expected counts: ${diff.missing.length} missing, ${diff.wrong.length} wrong, ${diff.duplicated.length} duplicated (e.g. ${[...diff.missing, ...diff.wrong, ...diff.duplicated].slice(0, 3).join('; ')})`);
    }
    console.log(`  checked: all ${expected.views.size.toLocaleString('en-US')} page-minute counts equal a plain count of the clicks, none missing, none twice\n`);
  } finally {
    await nc.close();
    await server.stop();
  }
}

function plural(n: number, word: string): string {
  return `${n.toLocaleString('en-US')} ${word}${n === 1 ? '' : 's'}`;
}

runMain('nats job', main);
