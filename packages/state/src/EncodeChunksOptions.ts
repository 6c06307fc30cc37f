import { optionKeys } from './checkOptionKeys';

/**
 * Options of {@link StateSnapshot.encodeChunks}.
 *
 * @example
 * ```ts
 * // a consumer that writes (or copies) each chunk before asking for the next
 * for (const chunk of snap.encodeChunks(1_024, { reuseBuffer: true })) await file.write(chunk);
 * ```
 */
export interface EncodeChunksOptions {
  /**
   * Encode every chunk into one buffer, reused from chunk to chunk (grown when a chunk needs
   * more), instead of a new one each: each chunk is then a view that the next step of the
   * iterator overwrites, so copy or consume it first. Saves an allocation per chunk, which a
   * checkpoint of a large store running beside the record path otherwise hands the garbage
   * collector (a million entries in chunks of 1,024 are about 1,000 buffers, 50 MB). Default
   * `false`: every chunk is a fresh array the caller may keep.
   */
  readonly reuseBuffer?: boolean;
}

/** Internal: the keys {@link EncodeChunksOptions} takes. */
export const ENCODE_CHUNKS_KEYS = optionKeys<EncodeChunksOptions>({ reuseBuffer: true });
