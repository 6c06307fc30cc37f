// Sets up the NATS job's streams and fills its input stream with generated clicks.
import { readFile } from 'node:fs/promises';
import type { NatsConnection } from '@nats-io/nats-core';
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import type { Click } from '../window-job/generate';

/** The streams and subjects the NATS job reads and writes. */
export interface NatsJobStreams {
  /** The input stream and its one subject (one partition: the job reads it in publish order). */
  readonly clicks: { readonly stream: string; readonly subject: string };
  /** The results stream and the sink's subject prefix (records on `<subject>.<partition>`). */
  readonly views: { readonly stream: string; readonly subject: string };
  /** The checkpoint bucket (object store and KV bucket). */
  readonly checkpoints: string;
}

/** The names the example uses. */
export const NATS_JOB_STREAMS: NatsJobStreams = {
  clicks: { stream: 'CLICKS', subject: 'clicks' },
  views: { stream: 'PAGE_VIEWS', subject: 'views' },
  checkpoints: 'nats-job-checkpoints',
};

/** Creates the input and results streams (file storage, `replicas` copies); an existing one is left as it is. */
export async function createStreams(nc: NatsConnection, streams: NatsJobStreams = NATS_JOB_STREAMS, replicas = 1): Promise<void> {
  const jsm = await jetstreamManager(nc);
  for (const [name, subjects] of [
    [streams.clicks.stream, [streams.clicks.subject]],
    [streams.views.stream, [`${streams.views.subject}.>`]],
  ] as const) {
    const exists = await jsm.streams.info(name).then(
      () => true,
      () => false,
    );
    if (!exists) await jsm.streams.add({ name, subjects: [...subjects], num_replicas: replicas });
  }
}

/** The clicks of a JSON Lines file (as generate.ts writes them), in file order. */
export async function readClicks(file: string): Promise<Click[]> {
  return (await readFile(file, 'utf8'))
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line) as Click);
}

/**
 * Publishes `clicks` to `subject`, in order, each acknowledged (up to 256 in flight, in order:
 * JetStream stores a connection's publishes in the order it sends them), with message ids
 * `click-<i>` so a retry is not stored twice. Returns the stream's last sequence.
 */
export async function publishClicks(nc: NatsConnection, subject: string, clicks: readonly Click[]): Promise<number> {
  const js = jetstream(nc);
  const encoder = new TextEncoder();
  const inFlight: Array<Promise<unknown>> = [];
  let last = 0;
  for (const [i, click] of clicks.entries()) {
    inFlight.push(js.publish(subject, encoder.encode(JSON.stringify(click)), { msgID: `click-${i}` }).then((ack) => (last = Math.max(last, ack.seq))));
    if (inFlight.length === 256) await Promise.all(inFlight.splice(0));
  }
  await Promise.all(inFlight);
  return last;
}
