import { connect } from '@nats-io/transport-node';
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import { startNatsCluster, startNatsServer } from '@weir/nats/testing';

jest.setTimeout(60_000);

describe('the test nats-server', () => {
  it('starts on loopback with JetStream, survives a kill and restart with its data, and stops by pid', async () => {
    const server = await startNatsServer();
    expect(server.url).toMatch(/^nats:\/\/127\.0\.0\.1:\d+$/);
    let nc = await connect({ servers: server.url });
    const jsm = await jetstreamManager(nc);
    await jsm.streams.add({ name: 'T', subjects: ['t.>'] });
    await jetstream(nc).publish('t.a', 'one');
    await nc.close();
    const pid = server.pid();
    await server.kill();
    expect(() => process.kill(pid, 0)).toThrow();
    await server.restart();
    nc = await connect({ servers: server.url });
    const info = await (await jetstreamManager(nc)).streams.info('T');
    expect(info.state.messages).toBe(1);
    await nc.close();
    await server.stop();
    expect(() => process.kill(server.pid(), 0)).toThrow();
  });

  it('clusters three nodes for R3 streams', async () => {
    const nodes = await startNatsCluster(3);
    try {
      const nc = await connect({ servers: nodes.map((n) => n.url) });
      try {
        const jsm = await jetstreamManager(nc);
        await jsm.streams.add({ name: 'R', subjects: ['r.>'], num_replicas: 3 });
        expect((await jsm.streams.info('R')).cluster?.replicas?.length).toBe(2);
      } finally {
        await nc.close();
      }
    } finally {
      await Promise.all(nodes.map((n) => n.stop()));
    }
  });
});
