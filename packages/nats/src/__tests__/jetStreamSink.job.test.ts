import { jetstreamManager } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/nats-core';
import { arraySource, CheckpointCoordinator, MemoryCheckpointStorage, type Source } from '@weir/checkpoint';
import { crashingAfter } from '@weir/checkpoint/testing';
import { connectNats, jetStreamSink, readJetStreamSinkOutput } from '@weir/nats';
import { startNatsServer, type NatsServerHandle } from '@weir/nats/testing';

jest.setTimeout(60_000);

interface Click {
  readonly user: string;
  readonly ts: number;
}

const clicks: Click[] = Array.from({ length: 2_000 }, (_, i) => ({ user: `u${(i * 7) % 13}`, ts: 1_000 * i }));


let server: NatsServerHandle;
let nc: NatsConnection;

beforeAll(async () => {
  server = await startNatsServer();
  nc = await connectNats({ servers: server.url });
});

afterAll(async () => {
  await nc?.close();
  await server?.stop();
});

describe('jetStreamSink in a checkpointed job', () => {
  it.each([3, 9, 17])('a job that crashes after %i reads and resumes from its checkpoint commits every record once', async (crashAfter) => {
    const stream = `JOB_${crashAfter}`;
    const subject = `job${crashAfter}`;
    await (await jetstreamManager(nc)).streams.add({ name: stream, subjects: [`${subject}.>`] });
    const storage = new MemoryCheckpointStorage();
    const sink = jetStreamSink<Click>({ connection: nc, stream, subject, partitions: 4, key: (c) => c.user });
    const run = async (source: Source<Click>): Promise<void> => {
      const job = await CheckpointCoordinator.open({ storage, interval: { events: 150 }, batchSize: 50 });
      const clicks$ = job.source('clicks', source, { timestamp: (c) => c.ts, maxOutOfOrderness: 0 });
      await job.run(clicks$.pipe(job.sink('out', sink)));
    };
    await expect(run(crashingAfter(arraySource(clicks), crashAfter))).rejects.toThrow(/simulated crash/);
    // what the crashed run committed: a prefix of the input, checkpoint by checkpoint
    const before = (await readJetStreamSinkOutput(nc, { stream, subject })).map((r) => JSON.parse(new TextDecoder().decode(r.data)) as Click);
    expect(before.length).toBeLessThan(clicks.length);
    if (crashAfter > 3) expect(before.length).toBeGreaterThan(0);
    expect(before).toEqual(clicks.slice(0, before.length));
    await run(arraySource(clicks));
    const out = (await readJetStreamSinkOutput(nc, { stream, subject })).map((r) => JSON.parse(new TextDecoder().decode(r.data)) as Click);
    expect(out).toEqual(clicks);
  });
});
