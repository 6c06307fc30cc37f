import { jetstreamManager } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/nats-core';
import { Objm } from '@nats-io/obj';
import { checkpointDirName, type CheckpointStorage } from '@weir/checkpoint';
import { describeCheckpointStorageContract } from '@weir/checkpoint/testing';
import { startNatsServer, type NatsServerHandle } from '@weir/nats/testing';
import { connectNats } from '../connectNats';
import { JetStreamCheckpointStorage } from '../JetStreamCheckpointStorage';

// The CheckpointStorage contract every storage passes (the file and memory storages run it too),
// against one real nats-server: each check gets its own object store and KV bucket.

let server: NatsServerHandle;
let nc: NatsConnection;
let next = 0;

beforeAll(async () => {
  server = await startNatsServer();
  nc = await connectNats({ servers: server.url });
});

afterAll(async () => {
  await nc?.close();
  await server?.stop();
});

describeCheckpointStorageContract(
  'JetStreamCheckpointStorage',
  () => {
    const buckets = new Map<CheckpointStorage, string>();
    return {
      async create(options) {
        const bucket = `contract-${next++}`;
        const storage = new JetStreamCheckpointStorage({ connection: nc, bucket, ...options });
        buckets.set(storage, bucket);
        return storage;
      },
      async corrupt(storage, id) {
        // Overwrites the first store object with one byte flipped: a valid object (JetStream's own
        // digest matches the new bytes) that the manifest's CRC-32 no longer does.
        const bucket = buckets.get(storage)!;
        const loaded = await storage.load(id);
        const where = Object.values(loaded.origin!.stores)[0]!;
        const name = where.slice(bucket.length + 1);
        const os = await new Objm(nc).open(bucket);
        const bytes = (await os.getBlob(name))!;
        bytes[bytes.length >> 1] = bytes[bytes.length >> 1]! ^ 0x01;
        await os.putBlob({ name }, bytes);
      },
      async crashDuringSave(storage, checkpoint) {
        // A crash after the first store object was written, before the manifest and the pointer.
        const os = await new Objm(nc).open(buckets.get(storage)!);
        await os.putBlob({ name: `${checkpointDirName(checkpoint.id)}-deadbeef0000/store-0.state` }, Object.values(checkpoint.stores)[0] ?? new Uint8Array(0));
      },
      async cleanup() {
        const jsm = await jetstreamManager(nc);
        for (const bucket of buckets.values()) {
          for (const stream of [`OBJ_${bucket}`, `KV_${bucket}`]) await jsm.streams.delete(stream).catch(() => false);
        }
      },
    };
  },
  20_000,
);
