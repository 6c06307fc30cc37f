// What one JetStream server (an R1 stream) keeps across faults, with the raw client (no weir code):
// - a server process killed (SIGKILL) mid-publish keeps every message it acknowledged: its writes
//   were in the OS page cache, which outlives the process;
// - the fault it cannot survive: a block file that lost its tail, which is what a power failure or
//   an OS crash leaves of writes acknowledged but not yet synced (2.9 syncs on a timer; there is no
//   `sync_interval: always` before 2.10). The messages are gone, and nothing tells the publisher.
import { connect } from '@nats-io/transport-node';
import { jetstreamManager } from '@nats-io/jetstream';
import { startNatsServer } from '../testing';
import { lostAndDuplicated, publishUntilAcked, readAll, truncateStreamBlocks } from './natsDurabilityFixtures';

jest.setTimeout(60_000);

const N = 3_000;

describe('an R1 JetStream stream on one server', () => {
  it('keeps every acknowledged message when the server is killed mid-publish and restarted', async () => {
    const server = await startNatsServer();
    const nc = await connect({ servers: server.url, maxReconnectAttempts: -1, reconnectTimeWait: 100 });
    try {
      await (await jetstreamManager(nc)).streams.add({ name: 'KILL', subjects: ['kill.>'] });
      let acked = 0;
      let restarted: Promise<void> | undefined;
      const retries = await publishUntilAcked(nc, 'kill.x', 0, N, 32, async () => {
        if (++acked === N / 2) {
          await server.kill();
          restarted = server.restart(); // the publisher keeps retrying meanwhile
        }
      });
      await restarted;
      expect(retries).toBeGreaterThan(0);
      expect(lostAndDuplicated(await readAll(nc, 'KILL'), N)).toEqual({ lost: [], duplicated: [] });
    } finally {
      await nc.close();
      await server.stop();
    }
  });

  it('loses acknowledged messages when its block file loses its tail (what a power failure does to unsynced writes)', async () => {
    const server = await startNatsServer();
    let nc = await connect({ servers: server.url });
    try {
      await (await jetstreamManager(nc)).streams.add({ name: 'POWER', subjects: ['power.>'] });
      await publishUntilAcked(nc, 'power.x', 0, N, 32);
      await nc.close();
      await server.kill();
      await truncateStreamBlocks(server, 'POWER', 0.5);
      await server.restart();
      nc = await connect({ servers: server.url });
      const info = await (await jetstreamManager(nc)).streams.info('POWER');
      const { lost, duplicated } = lostAndDuplicated(await readAll(nc, 'POWER'), N);
      // Every one of the N was acknowledged; the stream now ends early, and nothing flags it.
      expect(info.state.last_seq).toBeLessThan(N);
      expect(lost.length).toBe(N - info.state.messages);
      expect(lost.length).toBeGreaterThan(N / 3);
      expect(duplicated).toEqual([]);
    } finally {
      await nc.close();
      await server.stop();
    }
  });
});
