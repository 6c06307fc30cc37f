import { StateError } from '@weir/state';
import type { AccumulatorCodec } from '@weir/window';

/**
 * A fixed 16-byte codec for accumulators that are a pair of numbers (two float64s): cheaper
 * than msgpack for the hottest accumulators. Internal.
 */
export function pairCodec(name: string): AccumulatorCodec<[number, number]> {
  return {
    encode(acc) {
      const out = new Uint8Array(16);
      const view = new DataView(out.buffer);
      view.setFloat64(0, acc[0]);
      view.setFloat64(8, acc[1]);
      return out;
    },
    decode(bytes) {
      if (bytes.length !== 16) throw new StateError('DESERIALIZATION', `${name}: expected 16 bytes (two float64), got ${bytes.length}`);
      const view = new DataView(bytes.buffer, bytes.byteOffset, 16);
      return [view.getFloat64(0), view.getFloat64(8)];
    },
  };
}
