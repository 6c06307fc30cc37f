// KeyArena: store keys packed into pages, against a Map of copies.
import fc from 'fast-check';
import { KeyArena } from '../../operators/KeyArena';

describe('KeyArena', () => {
  it('gives back every key set, by slot, as the bytes it was given (keys of any length, slots in any order)', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.nat({ max: 400 }), fc.uint8Array({ maxLength: 300 })), { maxLength: 200 }), fc.nat({ max: 40 }), (sets, at) => {
        const arena = new KeyArena();
        const model = new Map<number, Uint8Array>();
        for (const [slot, key] of sets) {
          if (model.has(slot)) continue; // a slot's key is set once
          // from a longer buffer, as a key writer hands it over (only its first key.length bytes count)
          const src = new Uint8Array(key.length + 5).fill(8);
          src.set(key);
          arena.setFrom(slot, src, key.length);
          model.set(slot, key.slice());
          src.fill(7); // the arena keeps its own copy
        }
        for (let slot = 0; slot <= 401; slot++) {
          const want = model.get(slot);
          expect(arena.has(slot)).toBe(want !== undefined);
          expect(arena.get(slot) === undefined ? undefined : Array.from(arena.get(slot)!)).toEqual(want === undefined ? undefined : Array.from(want));
          // copyTo: the key's bytes at `at`, nothing else touched; -1 without a key or room
          const out = new Uint8Array(at + (want?.length ?? 0) + 3).fill(9);
          expect(arena.copyTo(slot, out, at)).toBe(want === undefined ? -1 : at + want.length);
          const expected = new Uint8Array(out.length).fill(9);
          if (want !== undefined) expected.set(want, at);
          expect(Buffer.compare(out, expected)).toBe(0);
          if (want !== undefined && want.length > 0) expect(arena.copyTo(slot, new Uint8Array(at + want.length - 1), at)).toBe(-1);
        }
      }),
    );
  });

  it('holds a key longer than a page, and keys after it', () => {
    const arena = new KeyArena();
    const big = Uint8Array.from({ length: 100_000 }, (_, i) => i % 251);
    arena.setFrom(0, Uint8Array.of(1, 2), 2);
    arena.setFrom(1, big, big.length);
    arena.setFrom(2, Uint8Array.of(3), 1);
    expect(Array.from(arena.get(0)!)).toEqual([1, 2]);
    expect(arena.get(1)).toEqual(big);
    expect(Array.from(arena.get(2)!)).toEqual([3]);
  });
});
