// The floor of the NATS benchmark: what the raw client (@nats-io/jetstream) does on this machine
// with no weir code at all. Every weir row of nats.bench.ts is read against these.
import type { NatsConnection } from '@nats-io/nats-core';
import { DeliverPolicy, jetstream, jetstreamManager } from '@nats-io/jetstream';

/** One click, the payload of every benchmark message (~80 bytes of JSON). */
export interface BenchClick {
  readonly user: string;
  readonly page: string;
  readonly ts: number;
}

/** The i-th click of the benchmark's seeded input: 1,000 users, 20 pages, one click every 10 ms of event time. */
export function benchClick(i: number): BenchClick {
  const h = Math.imul(i ^ 0x9e3779b9, 0x85ebca6b) >>> 0;
  return { user: `u${String(h % 1000).padStart(4, '0')}`, page: `/p/${(h >>> 10) % 20}`, ts: 1_774_569_600_000 + i * 10 };
}

/** Creates (or empties) a file-backed R1 stream `name` on `subject`. */
export async function freshStream(nc: NatsConnection, name: string, subject: string): Promise<void> {
  const jsm = await jetstreamManager(nc);
  await jsm.streams.delete(name).catch(() => false);
  await jsm.streams.add({ name, subjects: [subject] });
}

/**
 * Publishes `n` clicks to `subject`, each with a message id (what an exactly-once writer sends),
 * keeping at most `inFlight` publishes unacknowledged; resolves when every one is acknowledged.
 * `inFlight` 1 is a publish awaited before the next, the client's plain use.
 */
export async function publishClicks(nc: NatsConnection, subject: string, n: number, inFlight: number, idPrefix: string): Promise<void> {
  const js = jetstream(nc);
  const encoder = new TextEncoder();
  // A counter and one waiter, not Promise.race over the pending set: racing 256 promises per
  // publish costs more than the publish.
  let pending = 0;
  let failure: unknown;
  let wake: (() => void) | undefined;
  const settle = (): void => {
    pending--;
    const w = wake;
    wake = undefined;
    w?.();
  };
  for (let i = 0; i < n; i++) {
    const p = js.publish(subject, encoder.encode(JSON.stringify(benchClick(i))), { msgID: `${idPrefix}-${i}` });
    if (inFlight === 1) {
      await p;
      continue;
    }
    pending++;
    p.then(settle, (err: unknown) => {
      failure ??= err;
      settle();
    });
    while (pending >= inFlight) await new Promise<void>((r) => (wake = r));
    if (failure !== undefined) throw failure;
  }
  while (pending > 0) await new Promise<void>((r) => (wake = r));
  if (failure !== undefined) throw failure;
}

/**
 * Reads a stream from its first message to message `n` with an ordered consumer (the client's
 * replay), decoding each payload as JSON; returns how many it read and a checksum of their
 * timestamps (so the work is not optimised away and the count is checked).
 */
export async function replayClicks(nc: NatsConnection, stream: string, n: number): Promise<{ read: number; checksum: number }> {
  const js = jetstream(nc);
  const consumer = await js.consumers.get(stream, { deliver_policy: DeliverPolicy.StartSequence, opt_start_seq: 1 });
  const messages = await consumer.consume();
  let read = 0;
  let checksum = 0;
  for await (const m of messages) {
    const click = m.json<BenchClick>();
    checksum = (checksum + click.ts) % 1_000_000_007;
    read++;
    if (read === n) break;
  }
  await messages.close();
  return { read, checksum };
}
