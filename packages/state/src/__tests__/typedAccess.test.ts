import { InMemoryStore, StateError, checkEncodable, decodeValue, encodeValue, getTyped, putTyped, update } from '@weir/state';

const key = Uint8Array.of(1);

describe('typed access over msgpack', () => {
  it('round-trips plain data, including nested objects, arrays and bigints', () => {
    const store = new InMemoryStore();
    const value = { n: 1, f: 1.25, s: 'é', a: [1, [2]], nested: { ok: true, nil: null }, big: 2n ** 70n };
    putTyped(store, key, value);
    expect(getTyped(store, key)).toEqual(value);
    expect(getTyped(store, Uint8Array.of(2))).toBeUndefined();
  });

  it('encodes self-contained bytes that a fresh process can decode (no shared structures)', () => {
    const a = encodeValue({ count: 1, sum: 2 });
    const b = encodeValue({ count: 1, sum: 2 });
    expect(Buffer.from(a).equals(Buffer.from(b))).toBe(true);
    expect(decodeValue(a)).toEqual({ count: 1, sum: 2 });
  });

  it('encodes objects of more than 65,535 keys, and the next small value as before (regression: Nexmark q15 at 10M events)', () => {
    const wide: Record<string, number> = {};
    for (let i = 0; i < 70_000; i++) wide[`n${i}`] = i;
    const decoded = decodeValue<{ seen: Record<string, number> }>(encodeValue({ seen: wide }));
    expect(Object.keys(decoded.seen)).toHaveLength(70_000);
    expect(decoded.seen['n69999']).toBe(69_999);
    expect(decodeValue(encodeValue({ count: 1, sum: 2 }))).toEqual({ count: 1, sum: 2 });
  });

  it('update reads, modifies, writes and deletes', () => {
    const store = new InMemoryStore();
    expect(update<number[]>(store, key, (xs) => [...(xs ?? []), 1])).toEqual([1]);
    expect(update<number[]>(store, key, (xs) => [...(xs ?? []), 2])).toEqual([1, 2]);
    expect(getTyped(store, key)).toEqual([1, 2]);
    expect(update(store, key, () => undefined)).toBeUndefined();
    expect(store.contains(key)).toBe(false);
  });

  it('reports undecodable bytes as DESERIALIZATION naming the bytes', () => {
    const store = new InMemoryStore();
    store.put(key, Uint8Array.of(0xc1));
    expect(() => getTyped(store, key)).toThrow(StateError);
    expect(() => getTyped(store, key)).toThrow(/getTyped: value bytes c1 hold the reserved msgpack code/);
    try {
      getTyped(store, key);
    } catch (err) {
      expect((err as StateError).code).toBe('DESERIALIZATION');
    }
  });

  it('refuses to store undefined or what msgpack cannot encode, as SERIALIZATION', () => {
    const store = new InMemoryStore();
    expect(() => putTyped(store, key, undefined)).toThrow(/putTyped: cannot store undefined/);
    expect(() => putTyped(store, key, () => 1)).toThrow(/putTyped: cannot encode value is a function/);
    expect(() => putTyped(store, key, { acc: [1, { f: Symbol('x') }] })).toThrow(/cannot encode value\.acc\[1\]\.f is a symbol/);
    expect(() => putTyped(store, key, { s: new Set([1, () => 1]) })).toThrow(/cannot encode value\.s member 1 is a function/);
    expect(() => putTyped(store, key, new Map([[Symbol('k'), 1]]))).toThrow(/cannot encode value key 0 is a symbol/);
    const err = (() => {
      try {
        putTyped(store, key, undefined);
      } catch (e) {
        return e as StateError;
      }
      return undefined;
    })();
    expect(err?.code).toBe('SERIALIZATION');
    expect(store.isEmpty()).toBe(true);
  });

  it('checkEncodable refuses exactly what encodeValue refuses, with the same error, and encodes nothing', () => {
    // a Set member and a Map key too: msgpackr wrote a function there as `undefined`, silently
    for (const bad of [undefined, () => 1, { acc: [1, { f: Symbol('x') }] }, new Set([1, () => 1]), new Map([[() => 1, 2]]), { m: new Map([[1, new Set([Symbol('y')])]]) }]) {
      expect(() => checkEncodable(bad, 'op')).toThrow(StateError);
      let message = 'encodeValue accepted it';
      try {
        encodeValue(bad, 'op');
      } catch (e) {
        message = (e as Error).message;
      }
      expect(() => checkEncodable(bad, 'op')).toThrow(message);
    }
    for (const good of [0, 'x', null, { a: [1, 2n, new Uint8Array([1])] }, new Set([1, 'a']), new Map([['k', new Set([2])]])]) {
      expect(() => checkEncodable(good, 'op')).not.toThrow();
      expect(() => encodeValue(good, 'op')).not.toThrow();
    }
  });
});
