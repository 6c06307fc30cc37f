// Internal: how join operators lay out their state in the store.
//
// Every key starts with the operator's name as a tuple string component (operators sharing a
// store never see each other's keys), then a one-byte section:
//   META  name 00                          -> msgpack { watermark, nextSeq, counters, inputs }
//                                              (written by statefulOperator of @weir/stream at
//                                              each barrier: META_SECTION; `inputs` are the two
//                                              inputs' watermarks)
//   LEFT  name 01 key int(ts) int(seq)     -> [flags] msgpack(value)   buffered / pending left rows
//   RIGHT name 02 key int(ts) int(seq)     -> [flags] msgpack(value)   buffered right rows, table
//                                                                      rows (ts = seq = 0) or
//                                                                      versions (seq = 0)
// Rows of one key are contiguous and in time order, so a probe is a range scan of one key's rows
// between two timestamps, and restore reads each key's rows in order.
import { OperatorKeys, type KeyWriter, type KeyPart } from '@weir/state';

export const LEFT = 0x01;
export const RIGHT = 0x02;

/** Builds the keys of one join operator instance. */
export class JoinKeys extends OperatorKeys {
  /** The key of one row. */
  row(tag: number, key: KeyPart, ts: number, seq: number): Uint8Array {
    return this.writeRow(tag, key, ts, seq).finish();
  }

  /**
   * The key of one row without a copy: valid until the next key is built. For store calls, which
   * copy (put) or only read (delete) their key.
   */
  rowView(tag: number, key: KeyPart, ts: number, seq: number): Uint8Array {
    return this.writeRow(tag, key, ts, seq).view();
  }

  private writeRow(tag: number, key: KeyPart, ts: number, seq: number): KeyWriter {
    return this.writer.reset().raw(this.prefix).byte(tag).part(key).int(ts).int(seq);
  }
}
