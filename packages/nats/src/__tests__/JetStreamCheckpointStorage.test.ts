import { randomBytes } from 'node:crypto';
import { crc32 } from 'node:zlib';
import { jetstreamManager } from '@nats-io/jetstream';
import { Kvm } from '@nats-io/kv';
import type { NatsConnection } from '@nats-io/nats-core';
import { Objm } from '@nats-io/obj';
import type { Observable } from 'rxjs';
import {
  arraySource,
  CheckpointCoordinator,
  CheckpointError,
  collectingSink,
  MemoryCheckpointStorage,
  type CheckpointData,
  type CheckpointStorage,
  type Source,
} from '@weir/checkpoint';
import { bytesOf, sampleCheckpoint, withoutOrigin } from '@weir/checkpoint/testing';
import { startNatsServer, type NatsServerHandle } from '@weir/nats/testing';
import { count, tumblingWindow, type WindowResult } from '@weir/window';
import { connectNats } from '../connectNats';
import { JetStreamCheckpointStorage, type JetStreamCheckpointStorageOptions } from '../JetStreamCheckpointStorage';
import { NatsError } from '../NatsError';

// JetStreamCheckpointStorage against a real nats-server: large chunked stores, corruption of
// every kind falling back through the coordinator's restore, fencing of a stale writer,
// retention, a server killed between saves, and a job resumed from another connection.

jest.setTimeout(30_000);

let server: NatsServerHandle;
let nc: NatsConnection;
const connections: NatsConnection[] = [];

beforeAll(async () => {
  server = await startNatsServer();
  nc = await connect();
});

afterAll(async () => {
  for (const c of connections) await c.close().catch(() => {});
  await server?.stop();
});

async function connect(): Promise<NatsConnection> {
  const c = await connectNats({ servers: server.url });
  connections.push(c);
  return c;
}

/** Resolves once every open test connection is connected again (after a server restart). */
async function reconnected(): Promise<void> {
  for (const c of connections) {
    if (c.isClosed()) continue;
    for (let attempt = 0; ; attempt++) {
      try {
        await c.flush();
        break;
      } catch (err) {
        if (attempt >= 100) throw err;
        await new Promise((r) => setTimeout(r, 100));
      }
    }
  }
}

/**
 * `connection`, except that once armed, the next pointer update of `bucket` fails as a timeout
 * would: its request never reaching the server (`'request'`), or its answer lost after the server
 * applied it (`'answer'`).
 */
function losingPointerUpdate(connection: NatsConnection, bucket: string): { connection: NatsConnection; loseNext(what: 'request' | 'answer'): void } {
  let lose: 'request' | 'answer' | undefined;
  const proxy = new Proxy(connection, {
    get(target, prop) {
      if (prop === 'request') {
        return async (subject: string, ...rest: Parameters<NatsConnection['request']> extends [string, ...infer R] ? R : never) => {
          const what = subject === `$KV.${bucket}.latest` ? lose : undefined;
          if (what !== undefined) lose = undefined;
          if (what === 'request') throw new Error('simulated timeout: the pointer update never reached the server');
          const reply = await target.request(subject, ...rest);
          if (what === 'answer') throw new Error('simulated timeout: the answer to the pointer update was lost');
          return reply;
        };
      }
      const value: unknown = Reflect.get(target, prop, target);
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
    },
  });
  return { connection: proxy, loseNext: (what) => (lose = what) };
}

let next = 0;
function storageOn(connection: NatsConnection, options: Omit<JetStreamCheckpointStorageOptions, 'connection'> = {}): JetStreamCheckpointStorage {
  return new JetStreamCheckpointStorage({ connection, bucket: options.bucket ?? `scenario-${next++}`, ...options });
}

/** The names of the live objects of `bucket`, sorted. */
async function objectNamesIn(bucket: string): Promise<string[]> {
  const os = await new Objm(nc).open(bucket);
  return (await os.list()).map((i) => i.name).sort();
}

/** The object name of store `store` of checkpoint `id` (from where load says it read it). */
async function objectOf(storage: CheckpointStorage, bucket: string, id: number, store: string): Promise<string> {
  return (await storage.load(id)).origin!.stores[store]!.slice(bucket.length + 1);
}

/** `chunks` random chunks of odd sizes (one empty), as an async iterable, and all of them joined. */
function chunked(chunks: number, onChunk: (i: number) => Promise<void> = async () => {}): { iterable: AsyncIterable<Uint8Array>; joined: Uint8Array } {
  const parts = Array.from({ length: chunks }, (_, i) => (i === 3 ? new Uint8Array(0) : randomBytes(100_000 + ((i * 7919) % 60_000))));
  return {
    iterable: (async function* () {
      for (const [i, p] of parts.entries()) {
        await onChunk(i);
        yield p;
      }
    })(),
    joined: Buffer.concat(parts),
  };
}

function withoutStores(checkpoint: CheckpointData): Omit<CheckpointData, 'stores'> {
  const { stores: _stores, ...rest } = checkpoint;
  return rest;
}

async function rejection(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (err) {
    return err as Error;
  }
  throw new Error('expected a rejection');
}

describe('JetStreamCheckpointStorage', () => {
  it('streams chunked stores of several MiB to the object store as they come, and loads them back', async () => {
    const bucket = `big-${next++}`;
    const storage = storageOn(nc, { bucket });
    const jsm = await jetstreamManager(nc);
    let messagesMidway = -1;
    const a = chunked(48, async (i) => {
      if (i === 30) messagesMidway = (await jsm.streams.info(`OBJ_${bucket}`)).state.messages;
    });
    const b = chunked(24);
    await storage.save({ ...sampleCheckpoint(1), stores: { a: a.iterable, b: b.iterable, small: bytesOf(3, 10) } });
    // ~3.9 MiB had been produced by chunk 30: most of it was on the server before the rest was produced
    expect(messagesMidway).toBeGreaterThanOrEqual(20);
    expect(a.joined.byteLength).toBeGreaterThan(5.5 * 1024 * 1024);

    const [info] = await storage.list();
    expect(info).toMatchObject({ id: 1, valid: true, bytes: a.joined.byteLength + b.joined.byteLength + 10 });
    expect(info!.stores).toEqual([
      { name: 'a', bytes: a.joined.byteLength, crc32: crc32(a.joined) >>> 0 },
      { name: 'b', bytes: b.joined.byteLength, crc32: crc32(b.joined) >>> 0 },
      { name: 'small', bytes: 10, crc32: crc32(bytesOf(3, 10)) >>> 0 },
    ]);
    const loaded = await storage.load(1);
    expect(Buffer.compare(loaded.stores.a!, a.joined)).toBe(0);
    expect(Buffer.compare(loaded.stores.b!, b.joined)).toBe(0);
    expect(loaded.origin!.stores.a).toMatch(new RegExp(`^${bucket}/chk-000000000001-[0-9a-f]{12}/store-0\\.state$`));
  });

  it('fails a save whose store chunks throw, leaving no object and the previous checkpoint latest', async () => {
    const bucket = `throws-${next++}`;
    const storage = storageOn(nc, { bucket });
    await storage.save(sampleCheckpoint(1));
    const before = await objectNamesIn(bucket);
    const failing = (async function* () {
      yield bytesOf(1, 300_000);
      throw new Error('encoder broke');
    })();
    const err = await rejection(storage.save({ ...sampleCheckpoint(2), stores: { ok: bytesOf(2, 1000), bad: failing } }));
    expect(err).toBeInstanceOf(NatsError);
    expect(err).toMatchObject({ code: 'PUBLISH', message: expect.stringMatching(/checkpoint 2 .*encoder broke/) });
    expect(await objectNamesIn(bucket)).toEqual(before);
    expect((await storage.list()).map((c) => c.id)).toEqual([1]);
    await storage.save(sampleCheckpoint(2));
    expect((await storage.list()).map((c) => [c.id, c.valid])).toEqual([
      [2, true],
      [1, true],
    ]);
  });

  describe('corruption', () => {
    it('reports a missing chunk, a missing object and a bad manifest as invalid, and load refuses each with CORRUPT_CHECKPOINT', async () => {
      const bucket = `damage-${next++}`;
      const storage = storageOn(nc, { bucket, retain: 4 });
      const big = [0, 1, 2, 3, 4].map(() => randomBytes(400_000));
      for (let id = 1; id <= 4; id++) await storage.save({ ...sampleCheckpoint(id), stores: { big: big[id]!, small: bytesOf(id, 5) } });
      const os = await new Objm(nc).open(bucket);
      const jsm = await jetstreamManager(nc);

      // 4: one chunk of its 400 kB store deleted from the stream
      const info = (await os.info(await objectOf(storage, bucket, 4, 'big')))!;
      expect(info.chunks).toBeGreaterThan(2);
      const chunk = await jsm.streams.getMessage(`OBJ_${bucket}`, { last_by_subj: `$O.${bucket}.C.${info.nuid}` });
      await jsm.streams.deleteMessage(`OBJ_${bucket}`, chunk!.seq);
      // 3: its small store deleted
      await os.delete(await objectOf(storage, bucket, 3, 'small'));
      // 2: its manifest replaced by other bytes
      const manifest = (await objectOf(storage, bucket, 2, 'big')).replace('store-0.state', 'manifest.json');
      const text = new TextDecoder().decode((await os.getBlob(manifest))!);
      await os.putBlob({ name: manifest }, new TextEncoder().encode(text.replace('"time": 1700000000002', '"time": 1700000000009')));

      const list = await storage.list();
      expect(list.map((c) => [c.id, c.valid])).toEqual([
        [4, false],
        [3, false],
        [2, false],
        [1, true],
      ]);
      expect(list[0]!.reason).toMatch(/^store-0\.state: 1 of its \d+ chunk\(s\) missing \(store "big"\)$/);
      expect(list[1]!.reason).toBe('store-1.state: missing (store "small")');
      expect(list[2]!.reason).toMatch(/^manifest\.json: checksum mismatch/);
      expect(list[2]!.time).toBeNaN();
      for (const id of [4, 3, 2]) {
        const err = await rejection(storage.load(id));
        expect(err).toBeInstanceOf(CheckpointError);
        expect(err).toMatchObject({ code: 'CORRUPT_CHECKPOINT', message: expect.stringContaining(`checkpoint ${id} (${bucket}/chk-`) });
      }
      const { stores, ...rest } = withoutOrigin(await storage.load(1));
      expect(rest).toEqual(withoutStores(sampleCheckpoint(1)));
      expect(Buffer.compare(stores.big!, big[1]!)).toBe(0); // (jest's toEqual on 400 kB arrays takes seconds)
      expect(stores.small).toEqual(bytesOf(1, 5));
    });

    it('a damaged pointer fails list loudly (NatsError CORRUPT_CHECKPOINT), never an empty list', async () => {
      const bucket = `pointer-${next++}`;
      const storage = storageOn(nc, { bucket });
      await storage.save(sampleCheckpoint(1));
      const kv = await new Kvm(nc).open(bucket);
      await kv.put('latest', '{"format":"weir-checkpoint-pointer","version":1,"writer":"x","checkpoints":[{"id":1}]}');
      const err = await rejection(storageOn(nc, { bucket }).list());
      expect(err).toBeInstanceOf(NatsError);
      expect(err).toMatchObject({ code: 'CORRUPT_CHECKPOINT', message: expect.stringMatching(/pointer .*damaged: checkpoints\[0\]\.prefix/) });
    });
  });

  describe('a job through the coordinator', () => {
    interface Click {
      readonly page: string;
      readonly ts: number;
    }
    type Counted = WindowResult<string, number>;
    const input: Click[] = Array.from({ length: 600 }, (_, i) => ({ page: `p${(i * 7) % 5}`, ts: i * 10 + ((i * 37) % 300) }));

    const windowJob = (job: CheckpointCoordinator, source: Source<Click>, sink: ReturnType<typeof collectingSink<Counted>>): Observable<never> =>
      job
        .source('clicks', source, { timestamp: (c) => c.ts, maxOutOfOrderness: 300 })
        .pipe(
          tumblingWindow({ size: 1_000, key: (c: Click) => c.page, aggregate: count(), store: job.store('views'), name: 'views', checkpoint: job }),
          job.sink('out', sink),
        );

    async function runJob(storage: CheckpointStorage, source: Source<Click>, sink: ReturnType<typeof collectingSink<Counted>>, log?: (m: string) => void) {
      const job = await CheckpointCoordinator.open({ storage, interval: { events: 50 }, batchSize: 10, ...(log ? { log } : {}) });
      const summary = await job.run(windowJob(job, source, sink));
      return { job, summary };
    }

    /**
     * A source that dies (the process crashes) at its first read after `saved()` reached
     * `checkpoints`; each read first yields to I/O, so saves complete while records flow.
     */
    function crashingAfterCheckpoints(source: Source<Click>, saved: () => number, checkpoints: number): Source<Click> {
      return {
        describe: () => 'crashing clicks',
        async open(offset) {
          const reader = await source.open(offset);
          return {
            read: async (max) => {
              await new Promise((r) => setTimeout(r, 1));
              if (saved() >= checkpoints) throw new Error('simulated crash');
              return reader.read(max);
            },
            offset: () => reader.offset(),
          };
        },
      };
    }

    it('a job restarted on another connection, past a corrupt newest checkpoint, commits exactly the uninterrupted output', async () => {
      const reference = collectingSink<Counted>();
      await runJob(new MemoryCheckpointStorage(), arraySource(input), reference);

      const bucket = `job-${next++}`;
      const first = await connect();
      const sink = collectingSink<Counted>();
      const crashing = storageOn(first, { bucket, retain: 5 });
      let saved = 0;
      const counting: CheckpointStorage = {
        describe: () => crashing.describe(),
        list: () => crashing.list(),
        load: (id) => crashing.load(id),
        save: async (checkpoint) => {
          await crashing.save(checkpoint);
          saved++;
        },
      };
      await expect(runJob(counting, crashingAfterCheckpoints(arraySource(input), () => saved, 3), sink)).rejects.toThrow(/simulated crash/);
      await first.close();

      // The newest checkpoint's first store object is overwritten with other bytes.
      const storage = storageOn(await connect(), { bucket, retain: 5 });
      const newest = (await storage.list())[0]!.id;
      expect(newest).toBeGreaterThanOrEqual(3);
      const os = await new Objm(nc).open(bucket);
      const name = await objectOf(storage, bucket, newest, 'views');
      const bytes = (await os.getBlob(name))!;
      bytes[0] = bytes[0]! ^ 0xff;
      await os.putBlob({ name }, bytes);

      const log: string[] = [];
      const { summary } = await runJob(storage, arraySource(input), sink, (m) => log.push(m));
      expect(summary.restoredFrom).toBe(newest - 1);
      expect(log.join('\n')).toMatch(new RegExp(`skipping checkpoint ${newest}: .*store-0\\.state: checksum mismatch`));
      expect(sink.committed()).toEqual(reference.committed());
      expect(summary.metrics.checkpointsFailed).toBe(0);
    });
  });

  describe('fencing', () => {
    it('refuses a stale writer (FENCED): its checkpoint never becomes the latest and its objects are deleted', async () => {
      const bucket = `fence-${next++}`;
      const a = storageOn(await connect(), { bucket });
      expect(await a.list()).toEqual([]);
      await a.save(sampleCheckpoint(1));
      await a.save(sampleCheckpoint(2));

      // Another instance (another process, another connection) takes over from checkpoint 2.
      const b = storageOn(await connect(), { bucket });
      expect((await b.list()).map((c) => c.id)).toEqual([2, 1]);
      await b.save(sampleCheckpoint(3));

      const err = await rejection(a.save({ ...sampleCheckpoint(3), time: 42 }));
      expect(err).toBeInstanceOf(NatsError);
      expect(err).toMatchObject({ code: 'FENCED', message: expect.stringMatching(/checkpoint 3 .*moved on from revision \d+ to \d+ \(latest checkpoint 3\)/) });
      await expect(a.save(sampleCheckpoint(4))).rejects.toMatchObject({ code: 'FENCED' });

      expect((await b.list()).map((c) => [c.id, c.valid])).toEqual([
        [3, true],
        [2, true],
        [1, true],
      ]);
      expect(withoutOrigin(await b.load(3))).toEqual(sampleCheckpoint(3));
      expect((await objectNamesIn(bucket)).filter((n) => n.startsWith('chk-000000000004'))).toEqual([]);
      expect((await objectNamesIn(bucket)).filter((n) => n.startsWith('chk-000000000003'))).toHaveLength(3); // b's: two stores and the manifest
      await b.save(sampleCheckpoint(4));
      expect((await b.list()).map((c) => c.id)).toEqual([4, 3, 2]);
    });

    it('a pointer update applied but not acknowledged: the save rejects, and the next one goes on from it (not fenced)', async () => {
      const bucket = `lost-answer-${next++}`;
      const lossy = losingPointerUpdate(await connect(), bucket);
      const storage = storageOn(lossy.connection, { bucket });
      await storage.save(sampleCheckpoint(1));
      lossy.loseNext('answer');
      const err = await rejection(storage.save(sampleCheckpoint(2)));
      expect(err).toBeInstanceOf(NatsError);
      expect(err).toMatchObject({ code: 'PUBLISH', message: expect.stringMatching(/checkpoint 2 may or may not be the latest: simulated timeout/) });
      const other = storageOn(nc, { bucket });
      expect((await other.list()).map((c) => [c.id, c.valid])).toEqual([
        [2, true],
        [1, true],
      ]);
      await storage.save(sampleCheckpoint(3));
      expect((await other.list()).map((c) => [c.id, c.valid])).toEqual([
        [3, true],
        [2, true],
        [1, true],
      ]);
    });

    it('a pointer update that never reached the server: the save rejects, and the next one deletes its objects', async () => {
      const bucket = `lost-request-${next++}`;
      const lossy = losingPointerUpdate(await connect(), bucket);
      const storage = storageOn(lossy.connection, { bucket });
      await storage.save(sampleCheckpoint(1));
      lossy.loseNext('request');
      await expect(storage.save(sampleCheckpoint(2))).rejects.toMatchObject({ code: 'PUBLISH' });
      expect((await storageOn(nc, { bucket }).list()).map((c) => c.id)).toEqual([1]);
      expect((await objectNamesIn(bucket)).filter((n) => n.startsWith('chk-000000000002'))).toHaveLength(3); // not pointed at, kept for now
      await storage.save(sampleCheckpoint(3));
      expect((await storageOn(nc, { bucket }).list()).map((c) => c.id)).toEqual([3, 1]);
      expect((await objectNamesIn(bucket)).filter((n) => n.startsWith('chk-000000000002'))).toEqual([]);
    });

    it('of two instances that saw the same pointer, the first to save wins and the other is fenced', async () => {
      const bucket = `race-${next++}`;
      const a = storageOn(await connect(), { bucket });
      const b = storageOn(await connect(), { bucket });
      await a.save(sampleCheckpoint(1));
      expect((await a.list()).map((c) => c.id)).toEqual([1]);
      expect((await b.list()).map((c) => c.id)).toEqual([1]);
      const results = await Promise.allSettled([a.save(sampleCheckpoint(2)), b.save({ ...sampleCheckpoint(2), time: 7 })]);
      const won = results.filter((r) => r.status === 'fulfilled');
      const lost = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
      expect(won).toHaveLength(1);
      expect(lost).toHaveLength(1);
      expect(lost[0]!.reason).toMatchObject({ code: 'FENCED' });
      const winner = results[0]!.status === 'fulfilled' ? sampleCheckpoint(2) : { ...sampleCheckpoint(2), time: 7 };
      expect(withoutOrigin(await storageOn(nc, { bucket }).load(2))).toEqual(winner);
      expect((await objectNamesIn(bucket)).filter((n) => n.startsWith('chk-000000000002'))).toHaveLength(3);
    });
  });

  it('keeps the newest `retain` checkpoints and deletes the objects of older ones after the pointer moved', async () => {
    const bucket = `retain-${next++}`;
    const storage = storageOn(nc, { bucket, retain: 2 });
    for (let id = 1; id <= 5; id++) await storage.save(sampleCheckpoint(id));
    expect((await storage.list()).map((c) => c.id)).toEqual([5, 4]);
    const names = await objectNamesIn(bucket);
    expect(names.map((n) => n.replace(/-[0-9a-f]{12}\//, '/'))).toEqual([
      'chk-000000000004/manifest.json',
      'chk-000000000004/store-0.state',
      'chk-000000000004/store-1.state',
      'chk-000000000005/manifest.json',
      'chk-000000000005/store-0.state',
      'chk-000000000005/store-1.state',
    ]);
    // the stream holds nothing of the deleted objects but their delete markers
    const si = await (await jetstreamManager(nc)).streams.info(`OBJ_${bucket}`);
    expect(si.state.messages).toBe(6 * 2 + 9); // 6 live objects (a chunk and a meta message each), 9 delete markers
  });

  describe('the server killed', () => {
    it('between saves: the next save either succeeds and is there for a new connection, or fails loudly', async () => {
      const bucket = `kill-${next++}`;
      const storage = storageOn(await connect(), { bucket, timeoutMs: 3_000 });
      await storage.save(sampleCheckpoint(1));
      await server.kill();
      await server.restart();
      await reconnected();
      let saved: boolean;
      try {
        await storage.save(sampleCheckpoint(2));
        saved = true;
      } catch (err) {
        expect(err).toBeInstanceOf(NatsError);
        saved = false;
      }
      const fresh = storageOn(await connect(), { bucket });
      const list = await fresh.list();
      expect(list.every((c) => c.valid)).toBe(true);
      if (saved) expect(list.map((c) => c.id)).toEqual([2, 1]);
      for (const c of list) expect(withoutOrigin(await fresh.load(c.id))).toEqual(sampleCheckpoint(c.id));
      // the same instance goes on saving
      await storage.save(sampleCheckpoint(3));
      expect((await fresh.list()).map((c) => [c.id, c.valid])[0]).toEqual([3, true]);
    });

    it('while saving: the save rejects (never a false success), and the storage works again after the restart', async () => {
      const bucket = `down-${next++}`;
      const log: string[] = [];
      const storage = storageOn(await connect(), { bucket, timeoutMs: 1_000, log: (m) => log.push(m) });
      await storage.save(sampleCheckpoint(1));
      await server.kill();
      try {
        const err = await rejection(storage.save(sampleCheckpoint(2)));
        expect(err).toBeInstanceOf(NatsError);
        expect(err).toMatchObject({ code: 'PUBLISH', message: expect.stringMatching(/cannot save checkpoint 2 in object store 'down-\d+'/) });
        await expect(storage.list()).rejects.toMatchObject({ code: 'READ' });
      } finally {
        await server.restart();
      }
      await reconnected();
      await storage.save(sampleCheckpoint(3));
      const fresh = storageOn(await connect(), { bucket });
      expect((await fresh.list()).map((c) => [c.id, c.valid])).toEqual([
        [3, true],
        [1, true],
      ]);
      expect(withoutOrigin(await fresh.load(3))).toEqual(sampleCheckpoint(3));
    });
  });

  describe('options', () => {
    it('rejects an unknown key, a missing connection and bad values with NatsError INVALID_ARGUMENT', () => {
      const bad: Array<[unknown, RegExp]> = [
        [{ connection: nc, retian: 2 }, /JetStreamCheckpointStorage.*retian.*retain/],
        [{ bucket: 'b' }, /connection/],
        [undefined, /options must be an object/],
        [{ connection: {} }, /connection/],
        [{ connection: nc, bucket: 'a.b' }, /bucket/],
        [{ connection: nc, bucket: '' }, /bucket/],
        [{ connection: nc, retain: 0 }, /retain/],
        [{ connection: nc, replicas: 0 }, /replicas/],
        [{ connection: nc, timeoutMs: 1.5 }, /timeoutMs/],
        [{ connection: nc, create: 'yes' }, /create/],
        [{ connection: nc, log: 'console' }, /log/],
      ];
      for (const [options, message] of bad) {
        let thrown: unknown;
        try {
          new JetStreamCheckpointStorage(options as JetStreamCheckpointStorageOptions);
        } catch (err) {
          thrown = err;
        }
        expect(thrown).toBeInstanceOf(NatsError);
        expect(thrown).toMatchObject({ code: 'INVALID_ARGUMENT', message: expect.stringMatching(message) });
      }
    });

    it('with create: false, missing buckets are MISSING_STREAM; existing ones are used', async () => {
      const bucket = `nocreate-${next++}`;
      const err = await rejection(storageOn(nc, { bucket, create: false }).list());
      expect(err).toBeInstanceOf(NatsError);
      expect(err).toMatchObject({ code: 'MISSING_STREAM', message: expect.stringContaining(`OBJ_${bucket}, KV_${bucket}`) });
      await storageOn(nc, { bucket }).save(sampleCheckpoint(1));
      expect((await storageOn(nc, { bucket, create: false }).list()).map((c) => c.id)).toEqual([1]);
    });

    it('describes itself by its bucket', () => {
      expect(storageOn(nc, { bucket: 'jobs-1' }).describe()).toBe("checkpoints in JetStream object store 'jobs-1' (pointer in KV bucket 'jobs-1')");
    });
  });
});
