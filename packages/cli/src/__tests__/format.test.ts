import { KeyWriter, encodeTuple, encodeValue } from '@weir/state';
import { decodeKey, formatBytes, formatData, formatKey, formatTime, formatValue, hasPrefix, hexLiteral, parseHex } from '../index';

const opKey = (name: string, section: number, build: (w: KeyWriter) => KeyWriter = (w) => w): Uint8Array =>
  build(new KeyWriter().raw(encodeTuple([name])).byte(section)).finish();
const bytes = (...b: number[]): Uint8Array => Uint8Array.from(b);

describe('formatKey', () => {
  it('decodes the operator layout: name, section byte in hex, then the tuple parts', () => {
    expect(formatKey(opKey('views', 0x02, (w) => w.int(60_000).int(0).string('home')))).toBe('("views", 0x02, 60000, 0, "home")');
    expect(formatKey(opKey('views', 0x00))).toBe('("views", 0x00)');
    expect(formatKey(opKey('payments', 0x01, (w) => w.bytes(bytes(0, 0xab)).int(-5).int(2n ** 62n)))).toBe(`("payments", 0x01, x'00ab', -5, ${2n ** 62n})`);
    expect(decodeKey(opKey('j', 0x03, (w) => w.string('k')))).toEqual({ kind: 'operator', operator: 'j', section: 3, parts: ['k'] });
  });

  it('decodes the key-grouped operator layout: the key group (or [op] for FF FF), then as above', () => {
    const grouped = (kg: number, name: string, section: number, build: (w: KeyWriter) => KeyWriter = (w) => w): Uint8Array =>
      build(new KeyWriter().byte(kg >> 8).byte(kg & 0xff).raw(encodeTuple([name])).byte(section)).finish();
    expect(formatKey(grouped(34, 'views', 0x02, (w) => w.int(60_000).int(0).string('home')))).toBe('[34] ("views", 0x02, 60000, 0, "home")');
    expect(formatKey(grouped(0x1234, 'views', 0x03, (w) => w.string('home').int(5)))).toBe(`[${0x1234}] ("views", 0x03, "home", 5)`);
    expect(formatKey(grouped(0xffff, 'views', 0x00))).toBe('[op] ("views", 0x00)');
    expect(decodeKey(grouped(0xffff, 'j', 0x04, (w) => w.int(1)))).toEqual({ kind: 'operator', operator: 'j', section: 4, parts: [1], keyGroup: 'operator' });
    // the group of a key that reads as the start of a string (0x02xx) is still a group
    expect(formatKey(grouped(0x0241, 'v', 0x02, (w) => w.int(1)))).toBe(`[${0x0241}] ("v", 0x02, 1)`);
  });

  it('keeps escaped zero bytes of the operator name and quotes strings as JSON', () => {
    expect(formatKey(opKey('a\u0000b "q"', 0x01, (w) => w.string('line\nbreak')))).toBe('("a\\u0000b \\"q\\"", 0x01, "line\\nbreak")');
  });

  it('falls back to a plain tuple, then to hex', () => {
    expect(formatKey(encodeTuple(['clicks', 'user-7', 1_700_000_000_000]))).toBe('("clicks", "user-7", 1700000000000)');
    expect(formatKey(encodeTuple(['a', 5]))).toBe('("a", 5)');
    expect(formatKey(encodeTuple([bytes(1, 2), 'x']))).toBe(`(x'0102', "x")`);
    expect(decodeKey(encodeTuple(['only']))).toEqual({ kind: 'tuple', parts: ['only'] });
    expect(formatKey(bytes(0xde, 0xad, 0xbe, 0xef))).toBe(`x'deadbeef'`);
    expect(formatKey(bytes(0x02, 0x61))).toBe(`x'0261'`); // an unterminated string
    expect(formatKey(new Uint8Array(100).fill(0x99))).toBe(`x'${'99'.repeat(64)}…' (100 bytes)`);
  });
});

describe('formatValue', () => {
  it('decodes msgpack', () => {
    expect(formatValue(encodeValue({ watermark: -Infinity, nextSeq: 3 }))).toBe('{watermark: -Infinity, nextSeq: 3}');
    expect(formatValue(encodeValue('hi'))).toBe('"hi"');
    expect(formatValue(encodeValue(1))).toBe('1');
  });

  it('decodes a flags byte followed by msgpack (join rows)', () => {
    const row = encodeValue({ orderId: 1, amount: 10 });
    expect(formatValue(Uint8Array.from([1, ...row]))).toBe('flags=1 {orderId: 1, amount: 10}');
    expect(formatValue(Uint8Array.from([0, ...encodeValue([1, 'a'])]))).toBe('flags=0 [1, "a"]');
  });

  it('shows anything else as hex, cut after 32 bytes', () => {
    expect(formatValue(new Uint8Array(0))).toBe(`x''`);
    expect(formatValue(bytes(0, 0, 0, 0, 0, 1, 2, 0, 0, 0, 0, 0, 0, 0xf0, 0x3f))).toBe(`x'00000000000102000000000000f03f'`);
    expect(formatValue(bytes(0xc1))).toBe(`x'c1'`); // msgpack's reserved code
    expect(formatValue(new Uint8Array(40).fill(0xc1))).toBe(`x'${'c1'.repeat(32)}…' (40 bytes)`);
  });

  it('cuts long renderings', () => {
    const text = formatValue(encodeValue('x'.repeat(500)));
    expect(text).toHaveLength(200);
    expect(text.endsWith('…')).toBe(true);
  });
});

describe('formatData', () => {
  it('renders decoded values on one line, JavaScript-like', () => {
    expect(formatData({ a: [1, -0, NaN], 'b-c': null, d: undefined, e: true })).toBe('{a: [1, -0, NaN], "b-c": null, d: undefined, e: true}');
    expect(formatData(12n)).toBe('12n');
    expect(formatData(bytes(1, 255))).toBe(`x'01ff'`);
    expect(formatData(new Date(Date.UTC(2024, 0, 2)))).toBe('Date(2024-01-02T00:00:00.000Z)');
    expect(formatData(new Map<unknown, unknown>([['k', 1], [2, { z: 'q' }]]))).toBe('Map{"k" => 1, 2 => {z: "q"}}');
    expect(formatData(new Set([1, 2]))).toBe('Set[1, 2]');
    expect(formatData({})).toBe('{}');
    expect(formatData([[[[[[[1]]]]]]])).toBe('[[[[[[…]]]]]]');
  });
});

describe('small helpers', () => {
  it('formatBytes is exact below 1 KiB', () => {
    expect([0, 1023, 1024, 1536, 5 * 1024 * 1024, 3 * 1024 ** 3].map(formatBytes)).toEqual(['0 B', '1023 B', '1.0 KiB', '1.5 KiB', '5.0 MiB', '3.0 GiB']);
  });

  it('formatTime gives ISO, or - for an unreadable time', () => {
    expect(formatTime(Date.UTC(2024, 0, 2, 3, 4, 5))).toBe('2024-01-02T03:04:05.000Z');
    expect(formatTime(NaN)).toBe('-');
    expect(formatTime(Infinity)).toBe('-');
  });

  it('parseHex takes an even number of hex digits, optionally after 0x', () => {
    expect(parseHex('0276')).toEqual(bytes(2, 0x76));
    expect(parseHex('0xABff')).toEqual(bytes(0xab, 0xff));
    expect(parseHex('')).toEqual(new Uint8Array(0));
    for (const bad of ['0', 'zz', '02 76', '0x0', '-1']) expect(parseHex(bad)).toBeUndefined();
  });

  it('hasPrefix and hexLiteral', () => {
    expect(hasPrefix(bytes(1, 2, 3), bytes(1, 2))).toBe(true);
    expect(hasPrefix(bytes(1, 2, 3), new Uint8Array(0))).toBe(true);
    expect(hasPrefix(bytes(1, 2), bytes(1, 2, 3))).toBe(false);
    expect(hasPrefix(bytes(1, 3), bytes(1, 2))).toBe(false);
    expect(hexLiteral(bytes(1, 2, 3), 2)).toBe(`x'0102…' (3 bytes)`);
  });
});
