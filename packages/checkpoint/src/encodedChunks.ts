import type { EncodedStore } from './CheckpointStorage';

/**
 * The chunks of an {@link EncodedStore}, in order: the bytes themselves as one chunk, or the
 * chunks of the iterable. For a custom {@link CheckpointStorage}: iterate it once per store.
 *
 * @example
 * ```ts
 * async save(checkpoint: CheckpointToSave): Promise<void> {
 *   for (const [name, encoded] of Object.entries(checkpoint.stores)) {
 *     for await (const chunk of encodedChunks(encoded)) await upload(name, chunk);
 *   }
 * }
 * ```
 */
export async function* encodedChunks(encoded: EncodedStore): AsyncGenerator<Uint8Array, void, undefined> {
  if (encoded instanceof Uint8Array) {
    yield encoded;
    return;
  }
  yield* encoded;
}

/** Internal: all the bytes of an {@link EncodedStore}, joined (for storages that keep a store whole). */
export async function encodedBytes(encoded: EncodedStore): Promise<Uint8Array> {
  if (encoded instanceof Uint8Array) return encoded;
  const chunks: Uint8Array[] = [];
  let total = 0;
  for await (const chunk of encoded) {
    chunks.push(chunk);
    total += chunk.byteLength;
  }
  const out = new Uint8Array(total);
  let pos = 0;
  for (const c of chunks) {
    out.set(c, pos);
    pos += c.byteLength;
  }
  return out;
}
