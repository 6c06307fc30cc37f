// `node examples/dist/join-job/main.js [--events N] [--fresh] [--dir PATH] [--http PORT [--http-host HOST]]`
// Generates orders, payments, customers and exchange rates (once), runs the join job with a live
// status line, prints a summary. Run it again and it resumes from its last checkpoint; --fresh
// starts over.
import { readCommittedLines } from '@weir/checkpoint';
import { HTTP_USAGE, httpEndpointOf, parseArgs } from '../common/args';
import { defaultJobDir, jobPaths, shortPath } from '../common/paths';
import { formatBytes, formatCount, formatDuration } from '../common/status';
import { runMain } from '../common/runMain';
import { runWithStatus } from '../common/runWithStatus';
import { table } from '../common/table';
import { prepareOrders } from './generate';
import { runJoinJob, type JoinJobSummary, type PaidOrder, type UnpaidOrder } from './job';

const DEFAULT_ORDERS = 200_000;
const USAGE = `usage: node examples/dist/join-job/main.js [--events N] [--fresh] [--dir PATH] [--http PORT [--http-host HOST]]
  --events N   orders to generate (default ${DEFAULT_ORDERS.toLocaleString('en-US')}; e.g. 20k, 1M); new data starts the job over
  --fresh      delete the checkpoints and results, start over
  --dir PATH   where data, checkpoints and results go (default examples/output/join-job)
${HTTP_USAGE}`;

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2), defaultJobDir('join-job'), USAGE);
  const paths = jobPaths(args.dir);
  console.log('join job: orders + customers (lookup) + exchange rates (temporal) + payments within 15 min (interval, left)');

  const t0 = Date.now();
  const data = await prepareOrders(paths.data, args.events, DEFAULT_ORDERS);
  const what = `${data.orders.toLocaleString('en-US')} orders, ${data.payments.toLocaleString('en-US')} payments, ${data.customers} customers, ${data.rates.toLocaleString('en-US')} rates`;
  if (data.generated) console.log(`  generated ${what} in ${formatDuration(Date.now() - t0)}: ${shortPath(paths.data)}/`);
  else console.log(`  input: ${what} in ${shortPath(paths.data)}/`);
  const total = data.orders + data.payments + data.customers + data.rates;
  const { summary, elapsedMs } = await runWithStatus(
    { job: 'join-job', checkpoints: paths.checkpoints, fresh: args.fresh, generated: data.generated, total },
    (reporting) =>
      runJoinJob({
        inputs: data.files,
        checkpoints: paths.checkpoints,
        results: paths.results,
        ...reporting,
        http: httpEndpointOf(args, reporting.log),
      }),
  );
  await printSummary(summary, elapsedMs);
}

async function printSummary(s: JoinJobSummary, elapsedMs: number): Promise<void> {
  console.log('');
  if (s.resumedFrom !== undefined && s.recordsRead === 0) {
    console.log(`  resumed from checkpoint ${s.resumedFrom}, input already complete; pass --fresh to start over`);
  } else if (s.resumedFrom !== undefined) {
    console.log(`  resumed from checkpoint ${s.resumedFrom} and read the remaining ${s.recordsRead.toLocaleString('en-US')} records`);
  }
  if (s.recordsRead > 0) {
    console.log(`  ${s.recordsRead.toLocaleString('en-US')} records in ${formatDuration(elapsedMs)} (${formatCount((s.recordsRead * 1000) / elapsedMs)} records/s); late: ${s.late}`);
  }
  console.log(`  last checkpoint: #${s.lastCheckpoint} (${formatBytes(s.checkpointBytes)} of state)\n`);

  // What the result directories hold, from every run so far (read back from the committed files).
  const paid = (await readCommittedLines(s.results.paid)).map((line) => JSON.parse(line) as PaidOrder);
  const unpaid = (await readCommittedLines(s.results.unpaid)).map((line) => JSON.parse(line) as UnpaidOrder);
  console.log(
    table(
      ['result', 'rows', 'files (JSON Lines)'],
      [
        ['orders paid within 15 minutes', paid.length, `${shortPath(s.results.paid)}/`],
        ['orders not paid within 15 minutes', unpaid.length, `${shortPath(s.results.unpaid)}/`],
      ],
    ),
  );

  // Per country: orders, share paid in time, paid revenue in USD, median time to pay.
  const byCountry = new Map<string, { paid: PaidOrder[]; unpaid: number }>();
  const of = (country: string): { paid: PaidOrder[]; unpaid: number } => byCountry.get(country) ?? byCountry.set(country, { paid: [], unpaid: 0 }).get(country)!;
  for (const p of paid) of(p.order.country).paid.push(p);
  for (const u of unpaid) of(u.order.country).unpaid++;
  const rows = [...byCountry.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([country, { paid: p, unpaid: u }]) => {
      const seconds = p.map((o) => o.secondsToPay).sort((a, b) => a - b);
      const usd = p.reduce((sum, o) => sum + (o.order.usd ?? 0), 0);
      return [country, p.length + u, `${((p.length / (p.length + u)) * 100).toFixed(1)}%`, Math.round(usd), seconds.length === 0 ? '-' : formatDuration((seconds[seconds.length >> 1] ?? 0) * 1000)];
    });
  console.log('');
  console.log(table(['country', 'orders', 'paid in time', 'paid (USD)', 'median time to pay'], rows));
  console.log('');
}

runMain('join job', main);
