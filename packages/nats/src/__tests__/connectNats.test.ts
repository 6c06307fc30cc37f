import { connectNats, NatsError } from '@weir/nats';
import { freePort, startNatsServer } from '@weir/nats/testing';

jest.setTimeout(30_000);

async function rejection(p: Promise<unknown>): Promise<NatsError> {
  try {
    await p;
  } catch (err) {
    if (err instanceof NatsError) return err;
    throw err;
  }
  throw new Error('expected a NatsError');
}

describe('connectNats', () => {
  it('connects to a running server and the connection reconnects after a restart', async () => {
    const server = await startNatsServer();
    try {
      const nc = await connectNats({ servers: server.url, reconnectTimeWaitMs: 50 });
      try {
        expect(await nc.rtt()).toBeGreaterThanOrEqual(0);
        const reconnected = (async () => {
          for await (const s of nc.status()) if (s.type === 'reconnect') return true;
          return false;
        })();
        await server.kill();
        await server.restart();
        // the same connection reconnects by itself and works again
        expect(await reconnected).toBe(true);
        await nc.flush();
        expect(nc.isClosed()).toBe(false);
      } finally {
        await nc.close();
      }
    } finally {
      await server.stop();
    }
  });

  it('fails an unreachable server with CONNECT naming the URL and the attempts, in bounded time', async () => {
    const port = await freePort();
    const url = `nats://127.0.0.1:${port}`;
    const started = Date.now();
    const err = await rejection(connectNats({ servers: [url], attempts: 3, initialBackoffMs: 20, maxBackoffMs: 40 }));
    const elapsed = Date.now() - started;
    expect(err.code).toBe('CONNECT');
    expect(err.message).toContain(url);
    expect(err.message).toContain('3 attempts');
    expect(err.cause).toBeDefined();
    // two waits (20 + 40 ms) and three refused connects: well under the default handshake timeout
    expect(elapsed).toBeGreaterThanOrEqual(60);
    expect(elapsed).toBeLessThan(5_000);
  });

  it('names every URL of a list', async () => {
    const urls = [`nats://127.0.0.1:${await freePort()}`, `nats://127.0.0.1:${await freePort()}`];
    const err = await rejection(connectNats({ servers: urls, attempts: 1 }));
    expect(err.code).toBe('CONNECT');
    for (const u of urls) expect(err.message).toContain(u);
    expect(err.message).toContain('1 attempt');
  });

  it('checks its options', async () => {
    const bad = async (o: unknown): Promise<string> => {
      const err = await rejection(connectNats(o as never));
      expect(err.code).toBe('INVALID_ARGUMENT');
      return err.message;
    };
    expect(await bad({ servers: 'nats://127.0.0.1:1', atempts: 2 })).toMatch(/atempts.*attempts/);
    expect(await bad({ servers: [] })).toMatch(/servers/);
    expect(await bad({ servers: 'nats://127.0.0.1:1', attempts: 0 })).toMatch(/attempts/);
    expect(await bad({ servers: 'nats://127.0.0.1:1', initialBackoffMs: 500, maxBackoffMs: 100 })).toMatch(/maxBackoffMs/);
    expect(await bad({ servers: 'nats://127.0.0.1:1', maxReconnectAttempts: -2 })).toMatch(/maxReconnectAttempts/);
  });
});
