// Internal to jetStreamSink: the staging stream, where pre-committed batches wait for their commit.
// It is separate from the output stream so that the output stream is never purged: on nats-server
// 2.9.10 an R3 stream with subject-filtered purges loses acknowledged messages when a replica with
// a damaged block later leads (docs/nats.md, "Durability"). Purges happen here instead.
import { randomBytes } from 'node:crypto';
import { JetStreamApiError, type MsgRequest } from '@nats-io/jetstream';
import { messageOf } from '@weir/state';
import type { JetStreamSinkLog, LogMessage } from './jetStreamSinkLog';
import { subjectMatches } from './jetStreamSinkLog';
import { decodeChunk, type PendingEntry } from './jetStreamSinkState';
import { NatsError } from './NatsError';

/** A checkpoint's batch read back from the staging stream. */
export interface StagedBatch {
  readonly payloads: Uint8Array[];
  readonly partitions: number[];
}

const CHUNK_ID = /:(\d+)$/;

/**
 * The sink's staging stream: chunks of checkpoint `id`'s batch, written by epoch `e`, on
 * `_weir.staged.<subject>.<e>.<id>`. The sink creates it at open when missing (subjects
 * `_weir.staged.<subject>.>`, the output stream's replicas and storage, no limits).
 */
export class JetStreamSinkStaging {
  /** Every staged subject of this sink: `_weir.staged.<subject>.>`. */
  readonly filter: string;
  /** The largest payload the staging stream accepts. */
  maxPayload = 1 << 20;
  /**
   * This instance's part of every staged message id (`<subject>:<nonce>:<chunk>`). The ids only
   * need to be stable across the retries of one instance; the nonce keeps them from repeating
   * ids of an earlier instance still in the staging stream's duplicate window, which happens when
   * the output stream is deleted and created again (its fence epochs restart at 1, so the staged
   * subjects repeat) while the staging stream stays.
   */
  readonly #nonce = randomBytes(6).toString('base64url');

  constructor(
    readonly log: JetStreamSinkLog,
    readonly stream: string,
  ) {
    this.filter = `_weir.staged.${log.subject}.>`;
  }

  /** The subject of checkpoint `id`'s staged batch, written by `epoch`. */
  subjectOf(epoch: number, id: number): string {
    return `_weir.staged.${this.log.subject}.${epoch}.${id}`;
  }

  /** Reads the staging stream, creating it when missing; checks that it takes {@link filter}. Call after the log's open. */
  async open(): Promise<void> {
    const { log, stream } = this;
    const jsm = log.jsm;
    const info = await log.retry(`read the staging stream '${stream}'`, 'CONNECT', async () => {
      try {
        return await jsm.streams.info(stream);
      } catch (err) {
        if (!(err instanceof JetStreamApiError && err.code === 10059)) throw err;
      }
      const out = log.config;
      try {
        return await jsm.streams.add({
          name: stream,
          subjects: [this.filter],
          ...(out?.num_replicas === undefined ? {} : { num_replicas: out.num_replicas }),
          ...(out?.storage === undefined ? {} : { storage: out.storage }),
        });
      } catch (err) {
        if (err instanceof JetStreamApiError && err.code === 10058) return jsm.streams.info(stream); // created at the same moment by another instance
        if (err instanceof JetStreamApiError && err.code === 10065) {
          throw new NatsError('INVALID_ARGUMENT', `${log.where}: cannot create the staging stream '${stream}': its subjects '${this.filter}' overlap another stream's (${messageOf(err)})`, {
            cause: err,
          });
        }
        throw err;
      }
    });
    const subjects = info.config.subjects ?? [];
    if (!subjects.some((p) => subjectMatches(p, this.subjectOf(1, 1)))) {
      throw new NatsError('INVALID_ARGUMENT', `${log.where}: staging stream '${stream}' takes subjects ${JSON.stringify(subjects)}, which do not cover '${this.filter}'`);
    }
    const serverMax = log.nc.info?.max_payload ?? 1 << 20;
    const streamMax = info.config.max_msg_size ?? -1;
    this.maxPayload = streamMax > 0 ? Math.min(streamMax, serverMax) : serverMax;
  }

  /**
   * Stages one batch's chunks on `subject` (resuming after the chunks already there, so a retry
   * stores each once), then checks that the fence still holds this epoch: a pre-commit that
   * returns was made by the current instance.
   */
  async stage(what: string, subject: string, chunks: readonly Uint8Array[]): Promise<void> {
    const { log, stream } = this;
    const idPrefix = `${subject}:${this.#nonce}:`;
    const items: LogMessage[] = chunks.map((data, c) => ({ subject, data, msgId: `${idPrefix}${c}` }));
    await log.retry(what, 'PUBLISH', async () => {
      if (log.fenced !== undefined) throw log.fenced;
      const info = await log.jsm.streams.info(stream);
      const last = await log.jsm.streams.getMessage(stream, { last_by_subj: subject });
      const lastId = last?.header?.get('Nats-Msg-Id') ?? '';
      // resume after this instance's own chunks (an earlier attempt stored them); never after another's
      const from = lastId.startsWith(idPrefix) ? Number(CHUNK_ID.exec(lastId)?.[1] ?? -1) + 1 : 0;
      await log.publishChain(stream, info.state.last_seq, items, from, () => undefined);
    });
    await log.retry(`${what}: check the fence`, 'PUBLISH', () => log.checkFence());
  }

  /** Purges `filter` (one staged batch, or {@link filter} for all of them) from the staging stream. */
  async purge(filter: string): Promise<void> {
    await this.log.jsm.streams.purge(this.stream, { filter });
  }

  /** Reads checkpoint `entry.id`'s staged batch (written by `epoch`) back. */
  async read(epoch: number, entry: PendingEntry): Promise<StagedBatch> {
    const { log, stream } = this;
    const subject = this.subjectOf(epoch, entry.id);
    const payloads: Uint8Array[] = [];
    const partitions: number[] = [];
    let seq = 0;
    for (let c = 0; c < entry.chunks; c++) {
      const query = { seq, next_by_subj: subject } as unknown as MsgRequest; // MSG.GET takes next_by_subj since server 2.9
      const m = await log.withRetries(`read staged chunk ${c} of checkpoint ${entry.id}`, () => log.jsm.streams.getMessage(stream, query));
      if (m === null) {
        throw new NatsError('READ', `${log.where}: cannot recover checkpoint ${entry.id}: its staged batch ${subject} has ${c} of ${entry.chunks} chunks in stream '${stream}' (was it purged?)`);
      }
      if (!(m.header?.get('Nats-Msg-Id') ?? '').endsWith(`:${c}`) || !decodeChunk(m.data, payloads, partitions)) {
        throw new NatsError('READ', `${log.where}: cannot recover checkpoint ${entry.id}: staged chunk ${c} (seq ${m.seq}) of ${subject} is malformed or out of order`);
      }
      seq = m.seq + 1;
    }
    if (payloads.length !== entry.records) {
      throw new NatsError('READ', `${log.where}: cannot recover checkpoint ${entry.id}: its staged batch ${subject} holds ${payloads.length} records, the checkpoint says ${entry.records}`);
    }
    return { payloads, partitions };
  }
}
