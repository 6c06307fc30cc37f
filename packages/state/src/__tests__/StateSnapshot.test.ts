import fc from 'fast-check';
import { InMemoryStore, StateError, StateSnapshot } from '@weir/state';

const b = (...xs: number[]): Uint8Array => Uint8Array.from(xs);

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (err) {
    return err instanceof StateError ? `${err.code}: ${err.message}` : `not a StateError: ${String(err)}`;
  }
  return undefined;
}

describe('StateSnapshot', () => {
  it('has a stable, documented byte layout', () => {
    const bytes = StateSnapshot.fromEntries([[b(2), b(0xaa, 0xbb)], [b(1), b()]]).encode();
    expect(Buffer.from(bytes.subarray(0, 8)).toString('latin1')).toBe('WEIRSNAP');
    expect([...bytes.subarray(8, 16)]).toEqual([0, 1, 0, 0, 0, 0, 0, 2]); // version 1, flags 0, 2 entries
    expect([...bytes.subarray(16, bytes.length - 4)]).toEqual([1, 1, 0, 1, 2, 2, 0xaa, 0xbb]);
    expect(bytes.length).toBe(16 + 8 + 4);
  });

  it('round-trips large values and long keys (multi-byte lengths)', () => {
    const big = new Uint8Array(70_000).map((_, i) => i & 0xff);
    const key = new Uint8Array(300).fill(7);
    const snap = StateSnapshot.decode(StateSnapshot.fromEntries([[key, big], [b(), b(1)]]).encode());
    const entries = [...snap.entries()];
    expect(entries.length).toBe(2);
    expect(entries[0]![0]).toEqual(b());
    expect(entries[1]![0]).toEqual(key);
    expect(entries[1]![1]).toEqual(big);
    expect(snap.sizeBytes()).toBe(300 + 70_000 + 1);
  });

  it('is not affected by later changes to the bytes it was decoded from', () => {
    const bytes = StateSnapshot.fromEntries([[b(1), b(2)]]).encode();
    const snap = StateSnapshot.decode(bytes);
    bytes.fill(0);
    expect([...snap.entries()][0]![1]).toEqual(b(2));
  });

  it('fromEntries copies, sorts and lets a later duplicate win', () => {
    const v = b(9);
    const snap = StateSnapshot.fromEntries([[b(3), v], [b(1), b(1)], [b(3), b(4)]]);
    v[0] = 0;
    expect([...snap.entries()].map(([k, x]) => [k[0], x[0]])).toEqual([[1, 1], [3, 4]]);
    expect(snap.len()).toBe(2);
    expect(snap.sizeBytes()).toBe(4);
  });

  it('explains each kind of corruption', () => {
    const good = StateSnapshot.fromEntries([[b(1), b(2)], [b(3), b(4)]]).encode();
    const withByte = (i: number, x: number): Uint8Array => {
      const c = good.slice();
      c[i] = x;
      return c;
    };
    expect(codeOf(() => StateSnapshot.decode(b(1, 2, 3)))).toMatch(/^CORRUPTION: .*too short/);
    expect(codeOf(() => StateSnapshot.decode(withByte(0, 0)))).toMatch(/^CORRUPTION: .*bad magic/);
    expect(codeOf(() => StateSnapshot.decode(withByte(9, 2)))).toMatch(/^CORRUPTION: .*version 2 is not supported/);
    expect(codeOf(() => StateSnapshot.decode(withByte(17, 9)))).toMatch(/^CORRUPTION: .*checksum mismatch/);
    expect(codeOf(() => StateSnapshot.decode('WEIRSNAP' as unknown as Uint8Array))).toMatch(/^CORRUPTION: .*got string/);
  });

  it('rejects well-checksummed snapshots whose body is inconsistent', () => {
    // Build bodies by hand and give them a valid checksum: only the structural checks can catch them.
    const { crc32 } = require('node:zlib') as { crc32: (d: Uint8Array) => number };
    const frame = (count: number, body: number[]): Uint8Array => {
      const head = [...Buffer.from('WEIRSNAP', 'latin1'), 0, 1, 0, 0, 0, 0, 0, count];
      const out = Uint8Array.from([...head, ...body, 0, 0, 0, 0]);
      new DataView(out.buffer).setUint32(out.length - 4, crc32(out.subarray(0, out.length - 4)) >>> 0);
      return out;
    };
    expect(codeOf(() => StateSnapshot.decode(frame(2, [1, 2, 0, 1, 1, 0])))).toMatch(/keys out of order/);
    expect(codeOf(() => StateSnapshot.decode(frame(2, [1, 1, 0, 1, 1, 0])))).toMatch(/keys out of order/);
    expect(codeOf(() => StateSnapshot.decode(frame(1, [5, 1, 0])))).toMatch(/key runs past the end/);
    expect(codeOf(() => StateSnapshot.decode(frame(1, [1, 1, 0, 9])))).toMatch(/unexpected bytes|value runs past/);
    expect(codeOf(() => StateSnapshot.decode(frame(0, [1])))).toMatch(/1 unexpected bytes after 0 entries/);
    expect(codeOf(() => StateSnapshot.decode(frame(1, [0xff, 0xff, 0xff, 0xff, 0xff, 0xff])))).toMatch(/bad key length/);
    expect(StateSnapshot.decode(frame(1, [1, 1, 0])).len()).toBe(1);
  });

  it('snapshots taken one after another stay independent of each other', () => {
    const store = new InMemoryStore();
    const snaps: StateSnapshot[] = [];
    for (let round = 0; round < 5; round++) {
      for (let i = 0; i < 500; i++) store.put(b(i >> 8, i & 0xff), b(round));
      snaps.push(store.snapshot());
    }
    snaps.forEach((snap, round) => {
      for (const [, v] of snap.entries()) expect(v[0]).toBe(round);
    });
  });
});

describe('StateSnapshot.encodeChunks', () => {
  const concat = (chunks: Iterable<Uint8Array>): Uint8Array => {
    const list = [...chunks];
    const out = new Uint8Array(list.reduce((n, c) => n + c.length, 0));
    let pos = 0;
    for (const c of list) {
      out.set(c, pos);
      pos += c.length;
    }
    return out;
  };

  it('yields the header, one chunk per batch of entries, and the checksum', () => {
    const store = new InMemoryStore();
    for (let i = 0; i < 10; i++) store.put(new Uint8Array([i]), new Uint8Array([i, i]));
    const chunks = [...store.snapshot().encodeChunks(4)];
    expect(chunks.map((c) => c.length)).toEqual([16, 20, 20, 10, 4]);
    expect(StateSnapshot.decode(concat(chunks)).len()).toBe(10);
  });

  it('rejects a bad chunk size', () => {
    expect(() => [...StateSnapshot.fromEntries([]).encodeChunks(0)]).toThrow(/entriesPerChunk/);
  });

  it('yields exactly the bytes of encode(), whatever the chunk size; with reuseBuffer, its entry chunks share one buffer, each copied as it comes (property)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.uint8Array({ maxLength: 200 }), fc.uint8Array({ maxLength: 300 })), { maxLength: 60 }),
        fc.integer({ min: 1, max: 70 }),
        (entries, perChunk) => {
          const snap = StateSnapshot.fromEntries(entries);
          expect(concat(snap.encodeChunks(perChunk))).toEqual(snap.encode());
          const copies: Uint8Array[] = [];
          const buffers = new Set<ArrayBufferLike>();
          for (const c of snap.encodeChunks(perChunk, { reuseBuffer: true })) {
            copies.push(c.slice());
            buffers.add(c.buffer);
          }
          expect(concat(copies)).toEqual(snap.encode());
          // the header and the trailer are small arrays of their own; the entry chunks share a buffer grown a few times at most
          const entryChunks = copies.length - 2;
          expect(buffers.size).toBeLessThanOrEqual(2 + Math.min(entryChunks, 8));
          if (entryChunks > 8) expect(buffers.size).toBeLessThan(2 + entryChunks);
        },
      ),
    );
  });

  it('checks its options: an unknown key or a non-boolean reuseBuffer is an INVALID_ARGUMENT naming it', () => {
    const snap = StateSnapshot.fromEntries([]);
    expect(() => [...snap.encodeChunks(4, { reuse: true } as never)]).toThrow(/StateSnapshot.encodeChunks: unknown option `reuse`/);
    expect(() => [...snap.encodeChunks(4, { reuseBuffer: 1 } as never)]).toThrow(/reuseBuffer` must be a boolean, got number 1/);
  });
});
