// Internal to jetStreamSink: the state a pre-commit returns (stored in the checkpoint) and the
// binary layout of a staged batch.
import type { Json } from '@weir/checkpoint';

/** A pre-committed checkpoint's batch, as the state lists it. */
export interface PendingEntry {
  /** The checkpoint id. */
  readonly id: number;
  /** Records in the batch (its indexes are 0 .. records - 1). */
  readonly records: number;
  /** Staged chunks on `<subject>._weir.staged.<epoch>.<id>`. */
  readonly chunks: number;
}

/**
 * What `preCommit(n)` returns: the epoch that staged the batches, the checkpoint id, the last
 * record known published when the cut was made (`[checkpoint id, index]`, to detect lost output),
 * and every pre-committed batch not yet known committed, in id order.
 */
export interface JetStreamSinkState {
  readonly v: 1;
  readonly epoch: number;
  readonly upTo: number;
  readonly last: readonly [number, number] | null;
  readonly pending: readonly PendingEntry[];
}

const isCount = (v: unknown): v is number => typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;

/** Encodes the state as JSON for the checkpoint. */
export function stateToJson(s: JetStreamSinkState): Json {
  return {
    v: 1,
    epoch: s.epoch,
    upTo: s.upTo,
    last: s.last === null ? null : [s.last[0], s.last[1]],
    pending: s.pending.map((p) => ({ id: p.id, records: p.records, chunks: p.chunks })),
  };
}

/** The state in `json`, or `undefined` when it is not one (a checkpoint of another sink). */
export function parseState(json: Json | undefined): JetStreamSinkState | undefined {
  if (json === null || typeof json !== 'object' || Array.isArray(json)) return undefined;
  const { v, epoch, upTo, last, pending } = json as Record<string, unknown>;
  if (v !== 1 || !isCount(epoch) || !isCount(upTo) || !Array.isArray(pending)) return undefined;
  let parsedLast: [number, number] | null = null;
  if (last !== null) {
    if (!Array.isArray(last) || last.length !== 2 || !isCount(last[0]) || !isCount(last[1])) return undefined;
    parsedLast = [last[0], last[1]];
  }
  const entries: PendingEntry[] = [];
  for (const p of pending as unknown[]) {
    if (p === null || typeof p !== 'object') return undefined;
    const { id, records, chunks } = p as Record<string, unknown>;
    if (!isCount(id) || !isCount(records) || !isCount(chunks) || id > upTo) return undefined;
    if (entries.length > 0 && entries[entries.length - 1]!.id >= id) return undefined;
    entries.push({ id, records, chunks });
  }
  return { v: 1, epoch, upTo, last: parsedLast, pending: entries };
}

/**
 * Packs records into chunks of at most `maxBytes` (a record larger than that gets a chunk of its
 * own): per record a 4-byte partition, a 4-byte length and the payload, big-endian.
 */
export function encodeChunks(payloads: readonly Uint8Array[], partitions: readonly number[], maxBytes: number): Uint8Array[] {
  const chunks: Uint8Array[] = [];
  let i = 0;
  while (i < payloads.length) {
    let size = 0;
    let j = i;
    while (j < payloads.length && (j === i || size + 8 + payloads[j]!.length <= maxBytes)) size += 8 + payloads[j++]!.length;
    const buf = new Uint8Array(size);
    const view = new DataView(buf.buffer);
    let off = 0;
    for (let k = i; k < j; k++) {
      const p = payloads[k]!;
      view.setUint32(off, partitions[k]!);
      view.setUint32(off + 4, p.length);
      buf.set(p, off + 8);
      off += 8 + p.length;
    }
    chunks.push(buf);
    i = j;
  }
  return chunks;
}

/** Unpacks one chunk of {@link encodeChunks} onto `payloads` and `partitions`; `false` when it is malformed. */
export function decodeChunk(chunk: Uint8Array, payloads: Uint8Array[], partitions: number[]): boolean {
  const view = new DataView(chunk.buffer, chunk.byteOffset, chunk.byteLength);
  let off = 0;
  while (off < chunk.length) {
    if (off + 8 > chunk.length) return false;
    const partition = view.getUint32(off);
    const len = view.getUint32(off + 4);
    if (off + 8 + len > chunk.length) return false;
    partitions.push(partition);
    payloads.push(chunk.slice(off + 8, off + 8 + len));
    off += 8 + len;
  }
  return true;
}
