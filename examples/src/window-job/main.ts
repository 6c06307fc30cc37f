// `node examples/dist/window-job/main.js [--events N] [--fresh] [--dir PATH] [--http PORT [--http-host HOST]]`
// Generates the click stream (once), runs the window job with a live status line, prints a
// summary. Run it again and it resumes from its last checkpoint; --fresh starts over.
import { readCommittedLines } from '@weir/checkpoint';
import { HTTP_USAGE, httpEndpointOf, parseArgs } from '../common/args';
import { defaultJobDir, jobPaths, shortPath } from '../common/paths';
import { formatBytes, formatCount, formatDuration } from '../common/status';
import { runMain } from '../common/runMain';
import { runWithStatus } from '../common/runWithStatus';
import { table } from '../common/table';
import { prepareClicks } from './generate';
import { runWindowJob, type DailyActiveUsers, type WindowJobSummary } from './job';

const DEFAULT_EVENTS = 1_000_000;
const USAGE = `usage: node examples/dist/window-job/main.js [--events N] [--fresh] [--dir PATH] [--http PORT [--http-host HOST]]
  --events N   clicks to generate (default ${DEFAULT_EVENTS.toLocaleString('en-US')}; e.g. 50k, 2M); new data starts the job over
  --fresh      delete the checkpoints and results, start over
  --dir PATH   where data, checkpoints and results go (default examples/output/window-job)
${HTTP_USAGE}`;

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2), defaultJobDir('window-job'), USAGE);
  const paths = jobPaths(args.dir);
  console.log('window job: clicks -> page views per minute, sessions, daily active users per time zone, late clicks');

  const t0 = Date.now();
  const data = await prepareClicks(paths.data, args.events, DEFAULT_EVENTS);
  if (data.generated) console.log(`  generated ${data.events.toLocaleString('en-US')} clicks over ${data.days} days in ${formatDuration(Date.now() - t0)}: ${shortPath(data.file)}`);
  else console.log(`  input: ${data.events.toLocaleString('en-US')} clicks in ${shortPath(data.file)}`);
  const { summary, elapsedMs } = await runWithStatus(
    { job: 'window-job', checkpoints: paths.checkpoints, fresh: args.fresh, generated: data.generated, total: data.events },
    (reporting) =>
      runWindowJob({
        input: data.file,
        checkpoints: paths.checkpoints,
        results: paths.results,
        ...reporting,
        http: httpEndpointOf(args, reporting.log),
      }),
  );
  await printSummary(summary, elapsedMs);
}

async function printSummary(s: WindowJobSummary, elapsedMs: number): Promise<void> {
  console.log('');
  if (s.resumedFrom !== undefined && s.clicksRead === 0) {
    console.log(`  resumed from checkpoint ${s.resumedFrom}, input already complete; pass --fresh to start over`);
  } else if (s.resumedFrom !== undefined) {
    console.log(`  resumed from checkpoint ${s.resumedFrom} and read the remaining ${s.clicksRead.toLocaleString('en-US')} clicks`);
  }
  if (s.clicksRead > 0) {
    console.log(
      `  ${s.clicksRead.toLocaleString('en-US')} clicks in ${formatDuration(elapsedMs)} (${formatCount((s.clicksRead * 1000) / elapsedMs)} clicks/s); ` +
        `late for their minute: ${s.late.pageViews.toLocaleString('en-US')}, for their local day: ${s.late.dailyUsers.toLocaleString('en-US')}, for their session: ${s.late.sessions}`,
    );
  }
  console.log(`  last checkpoint: #${s.lastCheckpoint} (${formatBytes(s.checkpointBytes)} of state)\n`);

  // What the result directories hold, from every run so far (read back from the committed files).
  const read = async (dir: string): Promise<string[]> => readCommittedLines(dir);
  const [views, sessions, daily, late] = await Promise.all([read(s.results.pageViews), read(s.results.sessions), read(s.results.dailyUsers), read(s.results.lateClicks)]);
  console.log(
    table(
      ['result', 'rows', 'files (JSON Lines)'],
      [
        ['page views per page per minute', views.length, `${shortPath(s.results.pageViews)}/`],
        ['user sessions (30 min gap)', sessions.length, `${shortPath(s.results.sessions)}/`],
        ['daily active users per zone', daily.length, `${shortPath(s.results.dailyUsers)}/`],
        ['late clicks (after their minute)', late.length, `${shortPath(s.results.lateClicks)}/`],
      ],
    ),
  );

  const rows = daily.map((line) => JSON.parse(line) as DailyActiveUsers).sort((a, b) => a.zone.localeCompare(b.zone) || a.day.localeCompare(b.day));
  console.log('');
  console.log(table(['time zone', 'local day', 'hours', 'active users'], rows.map((r) => [r.zone, r.day, String(r.hours), r.users])));
  console.log('');
}

runMain('window job', main);
