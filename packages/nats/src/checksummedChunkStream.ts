// Internal: a store's chunks as the web stream the object store client reads, checksummed on the way.
import { crc32 } from 'node:zlib';
import { encodedChunks, type EncodedStore } from '@weir/checkpoint';

/** What {@link checksummedChunkStream} has passed on so far. */
export interface ChunkSum {
  bytes: number;
  /** CRC-32 so far (read it as `crc32 >>> 0`). */
  crc32: number;
}

/**
 * The chunks of `encoded` as a `ReadableStream`, pulled one at a time as the reader asks (never
 * gathered), each added to `sum` as it passes. An error of the chunk iterator errors the stream;
 * cancelling the stream ends the iterator. O(1) memory beyond the chunk in hand.
 */
export function checksummedChunkStream(encoded: EncodedStore, sum: ChunkSum): ReadableStream<Uint8Array> {
  const chunks = encodedChunks(encoded);
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      try {
        const next = await chunks.next();
        if (next.done) {
          controller.close();
          return;
        }
        sum.crc32 = crc32(next.value, sum.crc32);
        sum.bytes += next.value.byteLength;
        controller.enqueue(next.value);
      } catch (err) {
        controller.error(err);
      }
    },
    async cancel() {
      await chunks.return(undefined);
    },
  });
}
