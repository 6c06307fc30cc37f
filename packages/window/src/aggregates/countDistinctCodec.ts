// Internal: the bytes of countDistinct's accumulator. A set of many distinct values (a day's
// bidders: 10^5 and more) is written at every barrier while its window is open, so it is not
// msgpack of the object (a map entry per member, and a walk of the whole object by the encodable
// check first): it is the members' UTF-8 text, each after its length.
import { StateError, describeValue } from '@weir/state';
import type { AccumulatorCodec } from './AccumulatorCodec';
import type { CountDistinctAccumulator } from './countDistinct';

/** The first byte: this layout (msgpack, the previous layout, never starts with it). */
const VERSION = 0xc1;
const WHERE = 'countDistinct: codec';

/** Whether `member` is a tagged member as `countDistinct` makes them (`s...`, `n...`, `b...`, `T`, `F`). */
function isMember(member: string): boolean {
  switch (member.charCodeAt(0)) {
    case 0x73: // s: a string, maybe empty
      return true;
    case 0x6e: // n: a number
    case 0x62: // b: a bigint
      return member.length > 1;
    case 0x54: // T, F: the booleans
    case 0x46:
      return member.length === 1;
    default:
      return false;
  }
}

const corrupt = (why: string, bytes: Uint8Array): StateError =>
  new StateError('DESERIALIZATION', `${WHERE}.decode: ${describeValue(bytes)} is not a countDistinct accumulator: ${why}`);

/**
 * `[0xC1, u32 n, (length, UTF-8 member) x n]`, big-endian; a length below 128 in one byte, else
 * in four with the top bit set. Encode O(total member length),
 * one buffer; decode the same, with every member's tag and the count checked.
 */
export const countDistinctCodec: AccumulatorCodec<CountDistinctAccumulator> = Object.freeze({
  encode(acc: CountDistinctAccumulator): Uint8Array {
    let out = Buffer.allocUnsafeSlow(5 + 12 * acc.n);
    out[0] = VERSION;
    let at = 5;
    let n = 0;
    for (const member in acc.seen) {
      const most = 4 + 3 * member.length;
      if (at + most > out.length) {
        const grown = Buffer.allocUnsafeSlow(Math.max(at + most, 2 * out.length));
        out.copy(grown, 0, 0, at);
        out = grown;
      }
      // the length in one byte below 128, else in four with the top bit set (moved up: rare)
      const length = out.write(member, at + 1, 'utf8');
      if (length < 0x80) out[at++] = length;
      else {
        out.copyWithin(at + 4, at + 1, at + 1 + length);
        out.writeUInt32BE((0x80000000 | length) >>> 0, at);
        at += 4;
      }
      at += length;
      n++;
    }
    out.writeUInt32BE(n, 1);
    return new Uint8Array(out.buffer, 0, at);
  },
  decode(bytes: Uint8Array): CountDistinctAccumulator {
    const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    if (buf.length < 5 || buf[0] !== VERSION) throw corrupt('no countDistinct header', bytes);
    const n = buf.readUInt32BE(1);
    const seen: Record<string, 1> = {};
    let at = 5;
    for (let i = 0; i < n; i++) {
      if (at >= buf.length) throw corrupt(`cut short at member ${i} of ${n}`, bytes);
      let length = buf[at]!;
      if (length < 0x80) at++;
      else {
        if (at + 4 > buf.length) throw corrupt(`cut short at member ${i} of ${n}`, bytes);
        length = buf.readUInt32BE(at) & 0x7fffffff;
        at += 4;
      }
      if (at + length > buf.length) throw corrupt(`cut short at member ${i} of ${n}`, bytes);
      const member = buf.toString('utf8', at, at + length);
      at += length;
      if (member.length === 0 || !isMember(member)) throw corrupt(`member ${i} is ${describeValue(member)}`, bytes);
      if (seen[member] !== undefined) throw corrupt(`member ${describeValue(member)} twice`, bytes);
      seen[member] = 1;
    }
    if (at !== buf.length) throw corrupt(`${buf.length - at} bytes after the last member`, bytes);
    return { n, seen };
  },
});
