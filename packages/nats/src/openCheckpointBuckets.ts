// Internal: opening (or creating) the object store and KV bucket of a JetStreamCheckpointStorage.
import { jetstream, JetStreamApiCodes, JetStreamApiError, type JetStreamClient, type JetStreamManager } from '@nats-io/jetstream';
import { Kvm, type KV } from '@nats-io/kv';
import type { NatsConnection } from '@nats-io/nats-core';
import { Objm, StorageType, type ObjectStore } from '@nats-io/obj';
import { messageOf } from '@weir/state';
import { NatsError } from './NatsError';

/** The JetStream handles a storage works through. */
export interface CheckpointBuckets {
  readonly js: JetStreamClient;
  readonly jsm: JetStreamManager;
  readonly os: ObjectStore;
  readonly kv: KV;
}

/** How to open them. */
export interface OpenCheckpointBucketsOptions {
  /** Create them (file storage, `replicas` copies, KV history 1) when missing; else `MISSING_STREAM`. */
  readonly create: boolean;
  readonly replicas: number;
  /** The timeout of every JetStream request made through the handles, ms. */
  readonly timeoutMs: number;
}

/**
 * Opens object store `bucket` and KV bucket `bucket` (streams `OBJ_<bucket>`, `KV_<bucket>`),
 * creating them when `create`. Rejects with {@link NatsError} `MISSING_STREAM` (naming the
 * missing streams) or `READ` (the server did not answer). A few requests.
 */
export async function openCheckpointBuckets(nc: NatsConnection, bucket: string, o: OpenCheckpointBucketsOptions): Promise<CheckpointBuckets> {
  try {
    const js = jetstream(nc, { timeout: o.timeoutMs });
    const jsm = await js.jetstreamManager();
    if (!o.create) {
      const missing: string[] = [];
      for (const stream of [`OBJ_${bucket}`, `KV_${bucket}`]) {
        try {
          await jsm.streams.info(stream);
        } catch (err) {
          if (err instanceof JetStreamApiError && err.code === JetStreamApiCodes.StreamNotFound) missing.push(stream);
          else throw err;
        }
      }
      if (missing.length > 0) {
        throw new NatsError(
          'MISSING_STREAM',
          `JetStreamCheckpointStorage: the object store and KV bucket '${bucket}' must exist (create: false), but stream(s) ${missing.join(', ')} do not`,
        );
      }
      return { js, jsm, os: await new Objm(js).open(bucket), kv: await new Kvm(js).open(bucket) };
    }
    const storage = StorageType.File;
    const os = await new Objm(js).create(bucket, { replicas: o.replicas, storage, description: 'weir checkpoints' });
    const kv = await new Kvm(js).create(bucket, { replicas: o.replicas, storage, history: 1, description: 'weir checkpoint pointer' });
    return { js, jsm, os, kv };
  } catch (err) {
    if (err instanceof NatsError) throw err;
    throw new NatsError('READ', `JetStreamCheckpointStorage: cannot open the object store and KV bucket '${bucket}': ${messageOf(err)}`, { cause: err });
  }
}
