import { OperatorKeys, decodeStoreKey, decodeStoreValue, encodeTuple, encodeValue, formatStoreKey, formatStoreValue } from '../index';

// The renderings themselves are pinned by weir inspect's tests (packages/cli format.test.ts).
describe('decodeStoreKey / decodeStoreValue', () => {
  it('decode operator keys, tuples and msgpack values, flagged join rows, and fall back to raw', () => {
    expect(decodeStoreKey(encodeTuple(['clicks', 7]))).toEqual({ kind: 'tuple', parts: ['clicks', 7] });
    expect(decodeStoreKey(new OperatorKeys('views').section(0x00))).toMatchObject({ kind: 'operator', operator: 'views', section: 0, parts: [] });
    expect(decodeStoreKey(Uint8Array.of(0xfe, 0x01))).toEqual({ kind: 'raw' });
    expect(decodeStoreValue(encodeValue({ count: 3 }))).toEqual({ kind: 'msgpack', value: { count: 3 } });
    expect(decodeStoreValue(Uint8Array.of(1, ...encodeValue({ id: 7 })))).toEqual({ kind: 'flagged', flags: 1, value: { id: 7 } });
    expect(decodeStoreValue(new Uint8Array(0))).toEqual({ kind: 'raw' });
    expect(formatStoreKey(encodeTuple(['clicks', 7]))).toBe('("clicks", 7)');
    expect(formatStoreValue(encodeValue({ count: 3 }))).toBe('{count: 3}');
  });
});
