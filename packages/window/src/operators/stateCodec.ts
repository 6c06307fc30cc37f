// Internal: the @weir/state codecs window operators use, in one place.
export { decodeTuple, decodeValue, encodeValue } from '@weir/state';

/** A byte-string group key as a Map key (latin1: one code unit per byte). */
export function bytesToLatin1Key(bytes: Uint8Array): string {
  let s = '';
  for (let i = 0; i < bytes.length; i++) s += String.fromCharCode(bytes[i]!);
  return s;
}
