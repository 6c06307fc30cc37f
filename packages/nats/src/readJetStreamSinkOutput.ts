import { jetstream, jetstreamManager, JetStreamApiError, type MsgRequest } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/nats-core';
import { describeValue, messageOf, optionKeys } from '@weir/state';
import { checkNatsOptionKeys } from './checkNatsOptionKeys';
import { NatsError } from './NatsError';

/** One committed record of a {@link jetStreamSink}, as a consumer of its stream sees it. */
export interface JetStreamSinkRecord {
  /** The partition (the last token of its subject). */
  readonly partition: number;
  /** The stream sequence. */
  readonly seq: number;
  /** The checkpoint that committed it and its index in that checkpoint's batch (from its `Nats-Msg-Id`). */
  readonly checkpointId: number;
  readonly index: number;
  /** The message body (what the sink's `serialize` returned). */
  readonly data: Uint8Array;
}

/** Options of {@link readJetStreamSinkOutput}. */
export interface ReadJetStreamSinkOutputOptions {
  readonly stream: string;
  /** The sink's subject prefix: records on `<subject>.*` are read. */
  readonly subject: string;
  /** How long to wait for the records, ms; default 30,000. */
  readonly timeoutMs?: number;
}

const KEYS = optionKeys<ReadJetStreamSinkOutputOptions>({ stream: true, subject: true, timeoutMs: true });
const RECORD_ID = /:(\d+):(\d+):(\d+)$/;

/**
 * Every record a {@link jetStreamSink} has committed to `stream`, in stream order (which is
 * write order within each partition): what a consumer reading `<subject>.*` from the start
 * sees. Reads with an ordered consumer (and, if that falls short on a replica catching up,
 * again one message at a time from the stream leader); O(records) time and memory. For tests,
 * tools and small outputs; a long-running consumer reads the stream itself. On a cluster, a
 * consumer created right after a node restart may be served by a replica still catching up.
 *
 * Throws `NatsError` `MISSING_STREAM` naming the stream, `READ` when the records cannot be read
 * within `timeoutMs`.
 *
 * @example
 * ```ts
 * const records = await readJetStreamSinkOutput(nc, { stream: 'CLICKS_OUT', subject: 'clicks.out' });
 * const values = records.map((r) => JSON.parse(new TextDecoder().decode(r.data)));
 * ```
 */
export async function readJetStreamSinkOutput(connection: NatsConnection, options: ReadJetStreamSinkOutputOptions): Promise<JetStreamSinkRecord[]> {
  const kind = 'readJetStreamSinkOutput';
  if (options === null || typeof options !== 'object') throw new NatsError('INVALID_ARGUMENT', `${kind}: expected options { stream, subject }, got ${describeValue(options)}`);
  checkNatsOptionKeys(kind, options, KEYS);
  const { stream, subject } = options;
  if (typeof stream !== 'string' || stream === '') throw new NatsError('INVALID_ARGUMENT', `${kind}: option \`stream\` must be a stream name, got ${describeValue(stream)}`);
  if (typeof subject !== 'string' || subject === '') throw new NatsError('INVALID_ARGUMENT', `${kind}: option \`subject\` must be a subject, got ${describeValue(subject)}`);
  const timeoutMs = options.timeoutMs ?? 30_000;
  const filter = `${subject}.*`;
  const where = `${kind} (${stream}, ${filter})`;
  let total = 0;
  try {
    const jsm = await jetstreamManager(connection, { checkAPI: false });
    const info = await jsm.streams.info(stream, { subjects_filter: filter });
    for (const n of Object.values(info.state.subjects ?? {})) total += n;
  } catch (err) {
    if (err instanceof JetStreamApiError && err.code === 10059) throw new NatsError('MISSING_STREAM', `${where}: stream '${stream}' does not exist`, { cause: err });
    throw new NatsError('READ', `${where}: cannot read stream '${stream}': ${messageOf(err)}`, { cause: err });
  }
  const records: JetStreamSinkRecord[] = [];
  if (total === 0) return records;
  const deadline = Date.now() + timeoutMs;
  const push = (m: { subject: string; seq: number; data: Uint8Array; id: string }): void => {
    const id = RECORD_ID.exec(m.id);
    const partition = Number(m.subject.slice(subject.length + 1));
    records.push({ partition, seq: m.seq, checkpointId: id === null ? -1 : Number(id[2]), index: id === null ? -1 : Number(id[3]), data: m.data });
  };
  try {
    // An ordered consumer, fast; on a cluster it may not be created while leaders are elected, or
    // sit on a replica still catching up after a restart (seen: 3,050 of 3,150 records, with
    // gaps): then everything is read again, one message at a time, from the stream leader.
    try {
      const consumer = await jetstream(connection).consumers.get(stream, { filter_subjects: filter });
      let stalled = false;
      while (records.length < total && !stalled) {
        const left = deadline - Date.now();
        if (left <= 0) break;
        const before = records.length;
        const batch = await consumer.fetch({ max_messages: Math.min(total - records.length, 10_000), expires: Math.max(500, Math.min(left, 2_000)) });
        for await (const m of batch) push({ subject: m.subject, seq: m.seq, data: m.data, id: m.headers?.get('Nats-Msg-Id') ?? '' });
        stalled = records.length === before;
      }
      await consumer.delete().catch(() => undefined);
    } catch {
      // no consumer now (a cluster electing leaders): the rest is read message by message below
    }
    const jsm = await jetstreamManager(connection, { checkAPI: false });
    // a replica catching up can serve a consumer with gaps: when it fell short, read it all again
    let seq = 1;
    if (records.length < total) records.length = 0;
    while (records.length < total) {
      if (Date.now() > deadline) throw new Error(`read ${records.length} of ${total} records within ${timeoutMs} ms`);
      const query = { seq, next_by_subj: filter } as unknown as MsgRequest; // MSG.GET takes next_by_subj since server 2.9
      const m = await jsm.streams.getMessage(stream, query).catch(async (err: unknown) => {
        if (Date.now() > deadline) throw err;
        await new Promise((r) => setTimeout(r, 200));
        return undefined; // a timeout while leaders change: ask again
      });
      if (m === undefined) continue;
      if (m === null) throw new Error(`found ${records.length} of ${total} records (none at or after seq ${seq})`);
      push({ subject: m.subject, seq: m.seq, data: m.data, id: m.header?.get('Nats-Msg-Id') ?? '' });
      seq = m.seq + 1;
    }
  } catch (err) {
    throw new NatsError('READ', `${where}: ${messageOf(err)}`, { cause: err });
  }
  return records;
}
