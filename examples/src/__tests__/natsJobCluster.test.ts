// The NATS job on a 3-node loopback cluster with R3 streams (input, results, checkpoint bucket):
// the leader of the results stream is killed with SIGKILL mid-job (after the job's third
// checkpoint) and restarted a second later. The job rides the election out or fails loudly and is
// started again; either way nothing is lost or duplicated: the results stream holds each
// page-minute count once, equal to a plain count of the clicks.
import type { NatsConnection } from '@nats-io/nats-core';
import { jetstreamManager } from '@nats-io/jetstream';
import { connectNats } from '@weir/nats';
import { startNatsCluster, waitForMetaLeader, type NatsServerHandle } from '@weir/nats/testing';
import { compareViews, expectedViews } from '../nats-job/expected';
import { MAX_OUT_OF_ORDERNESS, runNatsJob, type NatsJobSummary } from '../nats-job/job';
import { createStreams, NATS_JOB_STREAMS, publishClicks } from '../nats-job/publish';
import { committedResults, parseResults, seededClicks } from './natsJobHarness';

const EVENTS = 20_000;

async function serverName(node: NatsServerHandle): Promise<string> {
  return ((await (await fetch(`http://127.0.0.1:${node.monitorPort}/varz`)).json()) as { server_name: string }).server_name;
}

/** Waits until every node stores the same last sequence of `stream` (the restarted node caught up). */
async function replicasCaughtUp(nodes: readonly NatsServerHandle[], stream: string): Promise<void> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const last = await Promise.all(
      nodes.map(async (n) => {
        const jsz = (await (await fetch(`http://127.0.0.1:${n.monitorPort}/jsz?streams=true`)).json()) as {
          account_details?: Array<{ stream_detail?: Array<{ name: string; state: { last_seq: number } }> }>;
        };
        return jsz.account_details?.flatMap((a) => a.stream_detail ?? []).find((d) => d.name === stream)?.state.last_seq ?? -1;
      }),
    );
    if (last[0]! > 0 && last.every((l) => l === last[0])) return;
    if (Date.now() > deadline) throw new Error(`the replicas of ${stream} did not catch up within 30 s: last sequences ${last.join(', ')}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('the NATS job on a 3-node cluster when a stream leader is killed', () => {
  let nodes: NatsServerHandle[] = [];
  const connections: NatsConnection[] = [];

  afterAll(async () => {
    for (const nc of connections) await nc.close().catch(() => undefined);
    await Promise.all(nodes.map((n) => n.stop()));
  });

  it('loses and duplicates nothing', async () => {
    const clicks = await seededClicks(EVENTS, 7);
    nodes = await startNatsCluster(3);
    const names = await Promise.all(nodes.map(serverName));
    const servers = nodes.map((n) => n.url);
    const nc = await connectNats({ servers });
    connections.push(nc);
    await createStreams(nc, NATS_JOB_STREAMS, 3);
    await publishClicks(nc, NATS_JOB_STREAMS.clicks.subject, clicks);
    const jsm = await jetstreamManager(nc);

    let crash: Promise<string> | undefined;
    const failures: string[] = [];
    let summary: NatsJobSummary | undefined;
    for (let run = 0; run < 4 && summary === undefined; run++) {
      const job = await connectNats({ servers });
      connections.push(job);
      try {
        summary = await runNatsJob({
          connection: job,
          checkpointEvery: 1_000,
          replicas: 3,
          onCheckpoint: (id) => {
            if (id === 3 && crash === undefined) {
              crash = (async () => {
                const leader = (await jsm.streams.info(NATS_JOB_STREAMS.views.stream)).cluster?.leader ?? '';
                const victim = nodes[names.indexOf(leader)]!;
                await victim.kill();
                await new Promise((r) => setTimeout(r, 1_000));
                await victim.restart();
                return leader;
              })();
            }
          },
        });
      } catch (err) {
        failures.push(err instanceof Error ? `${err.name}: ${err.message}` : String(err));
        await crash;
      } finally {
        await job.close().catch(() => undefined);
      }
    }
    expect(names).toContain(await crash); // the results stream's leader was killed mid-job
    await waitForMetaLeader(nodes);
    await replicasCaughtUp(nodes, NATS_JOB_STREAMS.views.stream);
    expect(summary).toBeDefined();
    const diff = compareViews(parseResults(await committedResults(nc, NATS_JOB_STREAMS.views)), expectedViews(clicks, MAX_OUT_OF_ORDERNESS));
    expect({ diff, failures: failures.length <= 3 }).toEqual({ diff: { missing: [], wrong: [], duplicated: [] }, failures: true });

  }, 180_000);
});
