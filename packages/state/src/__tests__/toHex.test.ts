import fc from 'fast-check';
import { hex32, toHex } from '@weir/state';

describe('toHex', () => {
  it('renders each byte as two lowercase digits', () => {
    expect(toHex(Uint8Array.of(0, 1, 0xab, 0xff))).toBe('0001abff');
    expect(toHex(new Uint8Array(0))).toBe('');
  });

  it('shows at most max bytes and then the total length', () => {
    expect(toHex(new Uint8Array(100), 2)).toBe('0000...(100 bytes)');
    expect(toHex(new Uint8Array(64))).toBe('00'.repeat(64));
    expect(toHex(new Uint8Array(65))).toBe(`${'00'.repeat(64)}...(65 bytes)`);
  });

  it("agrees with Node's Buffer hex encoding when nothing is cut", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 100 }), (bytes) => {
        expect(toHex(bytes, Infinity)).toBe(Buffer.from(bytes).toString('hex'));
      }),
    );
  });
});

describe('hex32', () => {
  it('renders an unsigned 32-bit number as 0x and eight digits', () => {
    expect(hex32(0xcbf43926)).toBe('0xcbf43926');
    expect(hex32(255)).toBe('0x000000ff');
    expect(hex32(-1)).toBe('0xffffffff');
  });
});
