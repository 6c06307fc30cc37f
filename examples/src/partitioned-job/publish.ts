// Creates the partitioned job's streams and publishes the clicks as a producer that knows the
// job's layout does: each on the partition that carries its page's key group.
import type { NatsConnection } from '@nats-io/nats-core';
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import { partitionOfKey } from '@weir/partition';
import type { Click } from '../window-job/generate';
import { INPUT, inputSubject, LAYOUT, outputStreams } from './layout';

/** Creates the input stream and the `workers` output streams (an existing one is kept). */
export async function createStreams(nc: NatsConnection, workers: number): Promise<void> {
  const jsm = await jetstreamManager(nc);
  const exists = await jsm.streams.info(INPUT.stream).then(
    () => true,
    () => false,
  );
  if (!exists) await jsm.streams.add({ name: INPUT.stream, subjects: [`${INPUT.subject}.*`] });
  await outputStreams(workers).create(nc);
}

/**
 * Publishes `clicks` in order, click `i` on the partition of its page's key group, acknowledged
 * (up to 256 in flight), with message id `click-<i>`. Returns the clicks per partition.
 */
export async function publishPartitioned(nc: NatsConnection, clicks: readonly Click[]): Promise<number[]> {
  const js = jetstream(nc);
  const encoder = new TextEncoder();
  const perPartition = new Array<number>(LAYOUT.partitions).fill(0);
  const inFlight: Array<Promise<unknown>> = [];
  for (const [i, click] of clicks.entries()) {
    const p = partitionOfKey(click.page, LAYOUT);
    perPartition[p]!++;
    inFlight.push(js.publish(inputSubject(p), encoder.encode(JSON.stringify(click)), { msgID: `click-${i}` }));
    if (inFlight.length === 256) await Promise.all(inFlight.splice(0));
  }
  await Promise.all(inFlight);
  return perPartition;
}
