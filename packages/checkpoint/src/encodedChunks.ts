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
