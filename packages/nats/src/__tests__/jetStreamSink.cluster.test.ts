import { jetstreamManager } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/nats-core';
import { connectNats, jetStreamSink, NatsError, readJetStreamSinkOutput } from '@weir/nats';
import { startNatsCluster, waitForMetaLeader, type NatsServerHandle } from '@weir/nats/testing';
import { serverName, streamLeader } from './natsDurabilityFixtures';

jest.setTimeout(90_000);

interface Rec {
  readonly k: string;
  readonly v: number;
}

const recs = (from: number, n: number): Rec[] => Array.from({ length: n }, (_, i) => ({ k: `k${(from + i) % 7}`, v: from + i }));

let nodes: NatsServerHandle[] = [];
let nc: NatsConnection;

beforeAll(async () => {
  nodes = await startNatsCluster(3);
  nc = await connectNats({ servers: nodes.map((n) => n.url), reconnectTimeWaitMs: 50 });
});

afterAll(async () => {
  await nc?.close();
  await Promise.all(nodes.map((n) => n.stop()));
});

describe('jetStreamSink on a 3-node cluster (R3 output stream)', () => {
  it('commits exactly once when the stream leader is SIGKILLed in the middle of a commit', async () => {
    const jsm = await jetstreamManager(nc);
    await jsm.streams.add({ name: 'R3OUT', subjects: ['r3.>'], num_replicas: 3 });
    const target = { stream: 'R3OUT', subject: 'r3' };
    const sink = jetStreamSink<Rec>({ connection: nc, ...target, partitions: 4, key: (r) => r.k, timeoutMs: 2_000, attempts: 12 });
    const w = await sink.open(undefined);
    for (const r of recs(0, 100)) w.write(r);
    await w.preCommit(1);
    await w.commit(1);
    for (const r of recs(100, 3_000)) w.write(r);
    const s2 = await w.preCommit(2);

    const leaderName = await streamLeader(nc, target.stream);
    const names = await Promise.all(nodes.map((n) => serverName(n)));
    const leader = nodes[names.indexOf(leaderName)]!;
    const commit = Promise.resolve(w.commit(2)).then(
      () => undefined,
      (err: unknown) => err,
    );
    await new Promise((r) => setTimeout(r, 40));
    await leader.kill();
    const failure = await commit; // survived through the new leader, or failed loudly
    if (failure !== undefined) expect((failure as NatsError).code).toBe('PUBLISH');
    await waitForMetaLeader(nodes.filter((n) => n !== leader));

    // the job restarts from checkpoint 2 (its commit's outcome unknown) and goes on
    const again = await sink.open(s2);
    const shown = (await readJetStreamSinkOutput(nc, target)).map((r) => JSON.parse(new TextDecoder().decode(r.data)) as Rec);
    expect(shown).toEqual(recs(0, 3_100));
    for (const r of recs(3_100, 50)) again.write(r);
    await again.preCommit(3);
    await leader.restart();
    await again.commit(3);
    const after = (await readJetStreamSinkOutput(nc, target)).map((r) => (JSON.parse(new TextDecoder().decode(r.data)) as Rec).v);
    expect(after).toEqual(recs(0, 3_150).map((r) => r.v));
    // the staging stream the sink created has the output's replicas; the output was never purged
    expect((await jsm.streams.info('R3OUT_WEIR_STAGING')).config.num_replicas).toBe(3);
    expect((await jsm.streams.info(target.stream)).state.first_seq).toBe(1);
    await again.close?.();
    await w.close?.();
  });
});
