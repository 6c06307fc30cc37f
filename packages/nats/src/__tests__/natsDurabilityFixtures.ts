// Shared by the durability tests (natsDurability*.test.ts): a publisher that retries until each
// message is acknowledged, per-node stream state read from the monitoring port, and leadership moves.
import { stat, truncate } from 'node:fs/promises';
import type { NatsConnection } from '@nats-io/nats-core';
import { DeliverPolicy, jetstream, jetstreamManager } from '@nats-io/jetstream';
import { jetStreamBlockFiles, type NatsServerHandle } from '../testing';

/** What a node holds of one stream, as its own `/jsz` reports it. */
export interface NodeStreamState {
  readonly messages: number;
  readonly firstSeq: number;
  readonly lastSeq: number;
  /** The stream leader this node believes in ('' when it knows none). */
  readonly leader: string;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** The server name of a node (`/varz` `server_name`). */
export async function serverName(node: NatsServerHandle): Promise<string> {
  const varz = (await (await fetch(`http://127.0.0.1:${node.monitorPort}/varz`)).json()) as { server_name: string };
  return varz.server_name;
}

/** `stream` as this node stores it, or `undefined` when the node does not answer or holds no such stream. */
export async function nodeStreamState(node: NatsServerHandle, stream: string): Promise<NodeStreamState | undefined> {
  try {
    const res = await fetch(`http://127.0.0.1:${node.monitorPort}/jsz?streams=true`);
    const jsz = (await res.json()) as {
      account_details?: Array<{ stream_detail?: Array<{ name: string; cluster?: { leader?: string }; state: { messages: number; first_seq: number; last_seq: number } }> }>;
    };
    for (const account of jsz.account_details ?? []) {
      for (const s of account.stream_detail ?? []) {
        if (s.name === stream) return { messages: s.state.messages, firstSeq: s.state.first_seq, lastSeq: s.state.last_seq, leader: s.cluster?.leader ?? '' };
      }
    }
  } catch {
    // not answering (killed or starting)
  }
  return undefined;
}

/** Polls until `ok` holds for what every node stores of `stream`; throws with the last states after `timeoutMs`. */
export async function waitForNodes(nodes: readonly NatsServerHandle[], stream: string, ok: (states: Array<NodeStreamState | undefined>) => boolean, timeoutMs = 30_000): Promise<Array<NodeStreamState | undefined>> {
  const deadline = Date.now() + timeoutMs;
  let states: Array<NodeStreamState | undefined> = [];
  while (Date.now() < deadline) {
    states = await Promise.all(nodes.map((n) => nodeStreamState(n, stream)));
    if (ok(states)) return states;
    await sleep(100);
  }
  throw new Error(`stream ${stream}: nodes did not converge within ${timeoutMs} ms: ${JSON.stringify(states)}`);
}

/** The current leader of `stream` (server name), asking the cluster through `nc`; retries while there is none. */
export async function streamLeader(nc: NatsConnection, stream: string, timeoutMs = 30_000): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      // made afresh each try: its account-info request times out too while the meta leader moves
      const jsm = await jetstreamManager(nc, { timeout: 2_000 });
      const leader = (await jsm.streams.info(stream)).cluster?.leader;
      if (leader !== undefined && leader !== '') return leader;
    } catch (e) {
      if (Date.now() > deadline) throw e;
    }
    if (Date.now() > deadline) throw new Error(`stream ${stream} has no leader after ${timeoutMs} ms`);
    await sleep(100);
  }
}

/** Asks the leader of `stream` to step down until `target` (a server name) leads it. */
export async function moveLeader(nc: NatsConnection, stream: string, target: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while ((await streamLeader(nc, stream)) !== target) {
    if (Date.now() > deadline) throw new Error(`stream ${stream}: could not move its leader to ${target}`);
    await nc.request(`$JS.API.STREAM.LEADER.STEPDOWN.${stream}`, undefined, { timeout: 5_000 }).catch(() => undefined);
    await sleep(500);
  }
}

/**
 * Publishes message ids `from`..`to-1` (payload: the number) to `subject`, up to `inFlight`
 * unacknowledged, each with `Nats-Msg-Id` `id-<i>`; a publish that fails (no leader, timeout) is
 * retried with the same id until acknowledged (the stream's deduplication makes a retry of a
 * stored message harmless). `onAck` sees every acknowledgement as it arrives. Resolves with the
 * number of retries.
 */
export async function publishUntilAcked(nc: NatsConnection, subject: string, from: number, to: number, inFlight: number, onAck?: (i: number, seq: number) => void | Promise<void>): Promise<number> {
  const js = jetstream(nc);
  let retries = 0;
  const one = async (i: number): Promise<void> => {
    for (;;) {
      try {
        const ack = await js.publish(subject, String(i), { msgID: `id-${i}`, timeout: 2_000 });
        await onAck?.(i, ack.seq);
        return;
      } catch {
        retries++;
        await sleep(200);
      }
    }
  };
  let next = from;
  const worker = async (): Promise<void> => {
    while (next < to) await one(next++);
  };
  await Promise.all(Array.from({ length: inFlight }, worker));
  return retries;
}

/** Every message of `stream` (through its leader), as the numbers published by {@link publishUntilAcked}. */
export async function readAll(nc: NatsConnection, stream: string): Promise<number[]> {
  const jsm = await jetstreamManager(nc);
  const total = (await jsm.streams.info(stream)).state.messages;
  const out: number[] = [];
  if (total === 0) return out;
  const consumer = await jetstream(nc).consumers.get(stream, { deliver_policy: DeliverPolicy.All });
  const messages = await consumer.consume();
  for await (const m of messages) {
    out.push(Number(m.string()));
    if (out.length === total) break;
  }
  await messages.close();
  return out;
}

/** The message ids missing from `got` among 0..n-1, and those in it more than once. */
export function lostAndDuplicated(got: readonly number[], n: number): { lost: number[]; duplicated: number[] } {
  const seen = new Map<number, number>();
  for (const i of got) seen.set(i, (seen.get(i) ?? 0) + 1);
  const lost: number[] = [];
  for (let i = 0; i < n; i++) if (!seen.has(i)) lost.push(i);
  return { lost, duplicated: [...seen].filter(([, c]) => c > 1).map(([i]) => i) };
}

/** Cuts each `.blk` file of `stream` in a node's store to `fraction` of its length; returns the files and their sizes before/after. */
export async function truncateStreamBlocks(node: NatsServerHandle, stream: string, fraction: number): Promise<Array<{ file: string; before: number; after: number }>> {
  const files = (await jetStreamBlockFiles(node.storeDir)).filter((f) => f.includes(`/streams/${stream}/msgs/`));
  const out: Array<{ file: string; before: number; after: number }> = [];
  for (const file of files) {
    const before = (await stat(file)).size;
    const after = Math.floor(before * fraction);
    await truncate(file, after);
    out.push({ file, before, after });
  }
  return out;
}
