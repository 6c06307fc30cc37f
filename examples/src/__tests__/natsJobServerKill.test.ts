// The NATS job while its server crashes: nats-server is killed with SIGKILL mid-job (after the
// job's third checkpoint) and restarted on its store half a second later. The job either rides the
// outage out (the connection reconnects, the source and the sink retry) or fails loudly and is
// started again, as a supervisor would; either way the results stream must end up holding each
// page-minute count once, equal to a plain count of the clicks.
import type { NatsConnection } from '@nats-io/nats-core';
import { connectNats } from '@weir/nats';
import { startNatsServer, type NatsServerHandle } from '@weir/nats/testing';
import { compareViews, expectedViews } from '../nats-job/expected';
import { MAX_OUT_OF_ORDERNESS, runNatsJob, type NatsJobSummary } from '../nats-job/job';
import { createStreams, NATS_JOB_STREAMS, publishClicks } from '../nats-job/publish';
import { committedResults, parseResults, seededClicks } from './natsJobHarness';

const EVENTS = 20_000;

describe('the NATS job when nats-server is killed and restarted mid-job', () => {
  let server: NatsServerHandle | undefined;
  const connections: NatsConnection[] = [];

  afterAll(async () => {
    for (const nc of connections) await nc.close().catch(() => undefined);
    await server?.stop();
  });

  it('commits every page-minute count once, as an uninterrupted run does', async () => {
    const clicks = await seededClicks(EVENTS, 6);
    server = await startNatsServer();
    const nc = await connectNats({ servers: server.url });
    connections.push(nc);
    await createStreams(nc);
    await publishClicks(nc, NATS_JOB_STREAMS.clicks.subject, clicks);

    let crash: Promise<void> | undefined;
    const failures: string[] = [];
    let summary: NatsJobSummary | undefined;
    for (let run = 0; run < 4 && summary === undefined; run++) {
      const job = await connectNats({ servers: server.url });
      connections.push(job);
      try {
        summary = await runNatsJob({
          connection: job,
          checkpointEvery: 1_000,
          onCheckpoint: (id) => {
            if (id === 3 && crash === undefined) {
              const s = server!;
              crash = s.kill().then(async () => {
                await new Promise((r) => setTimeout(r, 500));
                await s.restart();
              });
            }
          },
        });
      } catch (err) {
        failures.push(err instanceof Error ? `${err.name}: ${err.message}` : String(err));
        await crash; // a supervisor restarts the job once the server is back
      } finally {
        await job.close().catch(() => undefined);
      }
    }
    await crash;
    expect(crash).toBeDefined(); // the server was killed mid-job
    expect(summary).toBeDefined(); // within four runs
    const diff = compareViews(parseResults(await committedResults(nc, NATS_JOB_STREAMS.views)), expectedViews(clicks, MAX_OUT_OF_ORDERNESS));
    expect({ diff, failures: failures.length <= 3 }).toEqual({ diff: { missing: [], wrong: [], duplicated: [] }, failures: true });
  }, 180_000);
});
