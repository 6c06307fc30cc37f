// Internal: reading one JetStreamCheckpointStorage checkpoint back from the object store and
// checking all of it: the manifest (format, checksum, id), then every store object (present, all
// its chunks present, its size and CRC-32 those of the manifest), streamed chunk by chunk.
import { crc32 } from 'node:zlib';
import type { JetStreamClient, JetStreamManager } from '@nats-io/jetstream';
import type { ObjectStore } from '@nats-io/obj';
import { CorruptManifest, decodeManifest, type Manifest } from '@weir/checkpoint';
import { hex32, messageOf } from '@weir/state';
import type { PointedCheckpoint } from './checkpointPointer';
import { NatsError } from './NatsError';

/** What reading a checkpoint's objects found. */
export type ObjectsReadResult =
  | { readonly kind: 'ok'; readonly manifest: Manifest; readonly data: Uint8Array[] }
  | { readonly kind: 'corrupt'; readonly reason: string; readonly manifest?: Manifest }
  /** An object is missing: damage, or the checkpoint was pruned meanwhile (the caller tells which). */
  | { readonly kind: 'missing'; readonly reason: string; readonly manifest?: Manifest };

/** Where to read from. */
export interface ObjectsReadContext {
  readonly js: JetStreamClient;
  readonly os: ObjectStore;
  readonly jsm: JetStreamManager;
  readonly bucket: string;
  /** The longest wait for the next batch of chunks of an object, ms. */
  readonly timeoutMs: number;
}

const MANIFEST = 'manifest.json';
/** Chunks asked for per pull request (128 KiB each by default: up to 8 MiB a batch). */
const FETCH_CHUNKS = 64;

/**
 * Reads checkpoint `c` and checks all of it; `keep`: return the store bytes too (each store
 * joined into one array; otherwise only one chunk at a time is held). Rejects with
 * {@link NatsError} `READ` when the server does not answer.
 */
export async function readCheckpointObjects(ctx: ObjectsReadContext, c: PointedCheckpoint, keep: boolean): Promise<ObjectsReadResult> {
  const raw = await readObject(ctx, `${c.prefix}/${MANIFEST}`, true);
  if (raw.kind === 'missing') return { kind: 'missing', reason: `${MANIFEST}: missing` };
  if (raw.kind === 'corrupt') return { kind: 'corrupt', reason: `${MANIFEST}: ${raw.reason}` };
  let manifest: Manifest;
  try {
    manifest = decodeManifest(Buffer.concat(raw.chunks), c.id);
  } catch (err) {
    if (err instanceof CorruptManifest) return { kind: 'corrupt', reason: `${MANIFEST}: ${err.reason}` };
    throw err;
  }
  if (manifest.stores.length !== c.stores) {
    return { kind: 'corrupt', manifest, reason: `${MANIFEST}: lists ${manifest.stores.length} store(s), the pointer says ${c.stores}` };
  }
  const data: Uint8Array[] = [];
  for (const s of manifest.stores) {
    const what = `${s.file}: `;
    const store = `(store ${JSON.stringify(s.name)})`;
    const r = await readObject(ctx, `${c.prefix}/${s.file}`, keep);
    if (r.kind === 'missing') return { kind: 'missing', manifest, reason: `${what}missing ${store}` };
    if (r.kind === 'corrupt') return { kind: 'corrupt', manifest, reason: `${what}${r.reason} ${store}` };
    if (r.bytes !== s.bytes) {
      const how = r.bytes < s.bytes ? 'truncated: ' : '';
      return { kind: 'corrupt', manifest, reason: `${what}${how}${r.bytes} bytes, the manifest says ${s.bytes} ${store}` };
    }
    if (r.crc32 !== s.crc32) {
      return { kind: 'corrupt', manifest, reason: `${what}checksum mismatch: crc32 ${hex32(r.crc32)}, the manifest says ${hex32(s.crc32)} ${store}` };
    }
    if (keep) data.push(r.chunks.length === 1 ? r.chunks[0]! : Buffer.concat(r.chunks));
  }
  return { kind: 'ok', manifest, data };
}

type ObjectRead =
  | { readonly kind: 'ok'; readonly bytes: number; readonly crc32: number; readonly chunks: Uint8Array[] }
  | { readonly kind: 'corrupt'; readonly reason: string }
  | { readonly kind: 'missing' };

/**
 * Reads object `name`, computing its size and CRC-32 (and keeping its chunks when `keep`).
 * First counts the object's chunk messages in the stream, so that a missing chunk is reported as
 * such rather than waited for; then reads the chunks through an ordered pull consumer on their
 * subject, up to {@link FETCH_CHUNKS} per request (several times faster than the object store
 * client's push-consumer read; the manifest's CRC-32 replaces its SHA-256 check).
 */
async function readObject(ctx: ObjectsReadContext, name: string, keep: boolean): Promise<ObjectRead> {
  const failed = (err: unknown): NatsError =>
    new NatsError('READ', `JetStreamCheckpointStorage: cannot read object ${name} of object store '${ctx.bucket}': ${messageOf(err)}`, { cause: err });
  const stream = `OBJ_${ctx.bucket}`;
  let info;
  try {
    info = await ctx.os.info(name);
  } catch (err) {
    throw failed(err);
  }
  if (info === null || info.deleted) return { kind: 'missing' };
  let bytes = 0;
  let crc = 0;
  const chunks: Uint8Array[] = [];
  if (info.chunks === 0) return { kind: 'ok', bytes, crc32: crc, chunks };

  const subject = `$O.${ctx.bucket}.C.${info.nuid}`;
  let consumer;
  try {
    const si = await ctx.jsm.streams.info(stream, { subjects_filter: subject });
    const present = si.state.subjects?.[subject] ?? 0;
    if (present !== info.chunks) return { kind: 'corrupt', reason: `${info.chunks - present} of its ${info.chunks} chunk(s) missing` };
    consumer = await ctx.js.consumers.get(stream, { filter_subjects: subject });
  } catch (err) {
    throw failed(err);
  }
  let read = 0;
  try {
    while (read < info.chunks) {
      const batch = await consumer.fetch({ max_messages: Math.min(FETCH_CHUNKS, info.chunks - read), expires: ctx.timeoutMs });
      let got = 0;
      for await (const m of batch) {
        got++;
        crc = crc32(m.data, crc);
        bytes += m.data.byteLength;
        if (keep) chunks.push(m.data);
      }
      read += got;
      if (got === 0) return { kind: 'corrupt', reason: `only ${read} of its ${info.chunks} chunk(s) arrived within ${ctx.timeoutMs} ms` };
    }
  } catch (err) {
    throw failed(err);
  } finally {
    void consumer.delete().catch(() => {});
  }
  return { kind: 'ok', bytes, crc32: crc >>> 0, chunks };
}
