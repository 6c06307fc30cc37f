// The barrier log (StateCache): what a barrier records instead of writing each changed entry,
// read back by a restored operator, whatever its own cacheSize.
import fc from 'fast-check';
import { InMemoryStore, toHex } from '@weir/state';
import { barrier, record, watermark, type StreamElement } from '@weir/stream';
import { avg, count, hoppingWindow, sessionWindow, sum, tumblingWindow, type Aggregate, type AccumulatorCodec, type WindowResult } from '@weir/window';
import { CheckpointRecorder } from '@weir/stream/testing';
import { drive } from './alignedOracle';
import { GROUP, LOG, WindowKeys, readLogChunk } from '../../operators/windowState';

type In = StreamElement<{ k: string }>;
type Out = StreamElement<WindowResult<string, number>>;
const ev = (k: string, ts: number): In => record({ k }, ts);

const MAKERS = {
  tumbling: (store: InMemoryStore, cacheSize?: number) =>
    tumblingWindow({ size: 10, key: (e: { k: string }) => e.k, aggregate: count(), store, name: 'w', allowedLateness: 5, ...(cacheSize !== undefined ? { cacheSize } : {}) }),
  hopping: (store: InMemoryStore, cacheSize?: number) =>
    hoppingWindow({ size: 10, slide: 5, key: (e: { k: string }) => e.k, aggregate: count(), store, name: 'w', ...(cacheSize !== undefined ? { cacheSize } : {}) }),
  session: (store: InMemoryStore, cacheSize?: number) =>
    sessionWindow({ gap: 4, key: (e: { k: string }) => e.k, aggregate: count(), store, name: 'w', allowedLateness: 5, ...(cacheSize !== undefined ? { cacheSize } : {}) }),
};

const logChunks = (store: InMemoryStore): number => [...store.prefixScan(new WindowKeys('w').section(LOG))].length;

describe.each(Object.entries(MAKERS))('%s window: the barrier log', (_, make) => {
  // keys a..e, some groups written under their own key (cacheSize 2 overflows), some only logged
  const before: In[] = [ev('a', 1), ev('b', 2), ev('c', 3), ev('a', 4), ev('d', 6), ev('e', 7), watermark(3), ev('a', 8)];
  const after: In[] = [ev('b', 9), ev('a', 12), watermark(11), ev('c', 13), watermark(14), ev('e', 16), watermark(40)];

  it.each([undefined, 0, 2, 1_000])('restored with cacheSize %p from a checkpoint taken with a cache, continues exactly as an uninterrupted run', (cacheSize) => {
    for (const writer of [undefined, 2]) {
      const expected = drive(make(new InMemoryStore(), 0), [...before, ...after]).flat() as Out[];
      const store = new InMemoryStore();
      const first = drive(make(store, writer), [...before, barrier(1)], false).flat() as Out[];
      expect(logChunks(store)).toBe(1);
      const restored = new InMemoryStore();
      restored.restore(store.snapshot().encode());
      const rest = drive(make(restored, cacheSize), after).flat() as Out[];
      expect([...first.filter((e) => e.kind !== 'barrier'), ...rest]).toEqual(expected);
      if (cacheSize === 0) expect(logChunks(restored)).toBe(0); // written through at load: the log is gone
    }
  });

  it('a later barrier replaces the log, and the log goes once nothing waits', () => {
    const store = new InMemoryStore();
    drive(make(store), [...before, barrier(1), ...after.slice(0, 3), barrier(2)], false);
    expect(logChunks(store)).toBe(1);
    drive(make(store), []); // restarts on the store, then the end of input purges every window
    expect(logChunks(store)).toBe(0);
  });
});

describe('the barrier log, written straight into its chunks', () => {
  // A window's barrier log is written record by record into the chunk (keys copied from the
  // group table's arena, accumulators through codec.encodeInto, or encode + copy without it, and
  // through the key and value views when a record does not fit the chunk's buffer yet). Whatever
  // the path, every logged record must be exactly the entry a write-through window stores.
  const keyArb = fc.constantFrom('a', 'b', 'c', 'dd', 'a-much-longer-key-'.repeat(4), '');
  const inputArb = fc.array(fc.tuple(keyArb, fc.nat({ max: 40 }), fc.integer({ min: -3, max: 5 })), { minLength: 1, maxLength: 120 });
  const sumOf = (e: { k: string; x: number }): number => e.x;
  const plainCodec = <A>(c: AccumulatorCodec<A>): AccumulatorCodec<A> => ({ encode: (a) => c.encode(a), decode: (b) => c.decode(b) });
  const aggregates = {
    count: () => count<{ k: string; x: number }>(),
    avg: () => avg(sumOf),
    'sum, codec without encodeInto': () => {
      const s = sum(sumOf);
      return { ...s, codec: plainCodec(s.codec) };
    },
  };

  it.each(Object.keys(aggregates))('%s: every logged record is the write-through entry of its key', (name) => {
    const make = aggregates[name as keyof typeof aggregates] as () => Aggregate<{ k: string; x: number }, unknown, number>;
    fc.assert(
      fc.property(inputArb, fc.integer({ min: 1, max: 50 }), fc.boolean(), (input, cacheSize, hopping) => {
        const elements = (): StreamElement<{ k: string; x: number }>[] => [...input.map(([k, ts, x]) => record({ k, x }, ts)), barrier(1)];
        const op = (store: InMemoryStore, c: number) =>
          hopping
            ? hoppingWindow({ size: 10, slide: 5, key: (e: { k: string }) => e.k, aggregate: make(), store, name: 'w', cacheSize: c })
            : tumblingWindow({ size: 10, key: (e: { k: string }) => e.k, aggregate: make(), store, name: 'w', cacheSize: c });
        const through = new InMemoryStore();
        drive(op(through, 0), elements(), false);
        const cached = new InMemoryStore();
        drive(op(cached, cacheSize), elements(), false);
        const keys = new WindowKeys('w');
        let logged = 0;
        for (const [, chunk] of cached.prefixScan(keys.section(LOG))) {
          for (const [k, v] of readLogChunk(chunk, 'test')) {
            logged++;
            expect(toHex(v)).toBe(toHex(through.get(k) ?? new Uint8Array(0)));
          }
        }
        // what is not logged, the cached window wrote under its key
        let stored = 0;
        for (const _ of keys.scanKeyed(cached, GROUP)) stored++;
        expect(logged + stored).toBeGreaterThanOrEqual([...keys.scanKeyed(through, GROUP)].length);
      }),
      { numRuns: 60 },
    );
  });
});

describe('an accumulator larger than a log chunk', () => {
  it('is encoded once per barrier and logged whole (regression: it was encoded twice)', () => {
    let encodes = 0;
    const big = (): Aggregate<{ k: string }, string[], number> => {
      const codec: AccumulatorCodec<string[]> = {
        encode: (acc) => {
          encodes++;
          return new TextEncoder().encode(acc.join('\n'));
        },
        decode: (bytes) => new TextDecoder().decode(bytes).split('\n'),
      };
      return { name: 'big', create: () => [], add: (acc) => [...acc, 'x'.repeat(1000)], merge: (a, b) => [...a, ...b], result: (acc) => acc.length, codec };
    };
    const store = new InMemoryStore();
    const op = tumblingWindow({ size: 1_000, key: (e: { k: string }) => e.k, aggregate: big(), store, name: 'w' });
    drive(op, [...Array.from({ length: 400 }, (_, i) => ev(i % 2 === 0 ? 'a' : 'b', i)), barrier(1)], false); // two groups of 200 kB
    expect(encodes).toBe(2);
    const logged = [...store.prefixScan(new WindowKeys('w').section(LOG))].flatMap(([, chunk]) => readLogChunk(chunk, 'test'));
    expect(logged).toHaveLength(2);
    expect(logged.map(([, v]) => v.length - 7)).toEqual([200 * 1001 - 1, 200 * 1001 - 1]);
  });
});

describe('codec.encodeInto (the barrier log encodes accumulators in place)', () => {
  const codecs = {
    'float64Codec (count, sum, min, max)': { codec: count().codec as AccumulatorCodec<unknown>, acc: fc.double() as fc.Arbitrary<unknown> },
    avg: { codec: avg().codec as AccumulatorCodec<unknown>, acc: fc.record({ sum: fc.double(), count: fc.nat() }) as fc.Arbitrary<unknown> },
  };
  it.each(Object.keys(codecs))('%s: writes exactly the bytes of encode at the offset, touches nothing else, -1 without room', (name) => {
    const { codec, acc: accArb } = codecs[name as keyof typeof codecs];
    fc.assert(
      fc.property(accArb, fc.nat({ max: 20 }), fc.nat({ max: 20 }), (acc, at, room) => {
        const want = codec.encode(acc);
        const out = new Uint8Array(at + room).fill(0xa5);
        const end = codec.encodeInto!(acc, out, at);
        if (room < want.length) {
          expect(end).toBe(-1);
          return;
        }
        expect(end).toBe(at + want.length);
        expect(toHex(out.subarray(at, end))).toBe(toHex(want));
        expect(out.subarray(0, at).every((b) => b === 0xa5) && out.subarray(end).every((b) => b === 0xa5)).toBe(true);
      }),
    );
  });
});

describe('the barrier log captured at the barrier and encoded after it (deferred entries)', () => {
  // Under a hook that takes deferred entries the window captures its waiting groups (numbers by
  // value, object accumulators encoded at once) and the log reaches the snapshot only. Records
  // after the barrier change the groups before the log is encoded: every logged record must still
  // be the write-through entry of its key at the barrier.
  const sumOf = (e: { k: string; x: number }): number => e.x;
  const aggregates = {
    count: () => count<{ k: string; x: number }>(),
    avg: () => avg(sumOf),
    'sum, codec without encodeInto': () => {
      const s = sum(sumOf);
      return { ...s, codec: { encode: (a: number) => s.codec.encode(a), decode: (b: Uint8Array) => s.codec.decode(b) } };
    },
  };
  const inputArb = fc.record({
    keys: fc.integer({ min: 1, max: 3_000 }),
    n: fc.integer({ min: 1, max: 4_000 }),
    seed: fc.nat(),
    cacheSize: fc.constantFrom(1, 50, 2_000, 16_384),
    hopping: fc.boolean(),
  });

  it.each(Object.keys(aggregates))('%s: every record of the completed snapshot is the write-through entry of its key at the barrier', (name) => {
    const make = aggregates[name as keyof typeof aggregates] as () => Aggregate<{ k: string; x: number }, unknown, number>;
    fc.assert(
      fc.property(inputArb, ({ keys, n, seed, cacheSize, hopping }) => {
        const at = (i: number): StreamElement<{ k: string; x: number }> => record({ k: `key-${(i * 7919 + seed) % keys}`, x: ((i * 31 + seed) % 11) - 3 }, i % 37);
        const upTo = Array.from({ length: n }, (_, i) => at(i));
        const later = Array.from({ length: 500 }, (_, i) => at(n + i));
        const op = (store: InMemoryStore, c: number, checkpoint?: CheckpointRecorder) => {
          const o = { key: (e: { k: string }) => e.k, aggregate: make(), store, name: 'w', cacheSize: c, ...(checkpoint === undefined ? {} : { checkpoint }) };
          return hopping ? hoppingWindow({ ...o, size: 40, slide: 20 }) : tumblingWindow({ ...o, size: 40 });
        };
        const through = new InMemoryStore();
        drive(op(through, 0), [...upTo, barrier(1)], false);
        const live = new InMemoryStore();
        const recorder = new CheckpointRecorder({ takesDeferredEntries: true });
        drive(op(live, cacheSize, recorder), [...upTo, barrier(1), ...later], false);
        const keysOf = new WindowKeys('w');
        expect([...live.prefixScan(keysOf.section(LOG))]).toEqual([]); // the log is in the snapshot only
        const snap = new InMemoryStore();
        snap.restore(recorder.snapshotsOf(1).get('w')!);
        const seen = new Set<string>();
        for (const [, chunk] of snap.prefixScan(keysOf.section(LOG))) {
          for (const [k, v] of readLogChunk(chunk, 'test')) {
            expect(seen.has(toHex(k))).toBe(false);
            seen.add(toHex(k));
            expect(toHex(v)).toBe(toHex(through.get(k) ?? new Uint8Array(0)));
          }
        }
        // every group of the barrier is in the snapshot: logged, or stored under its key
        for (const [k, v] of keysOf.scanKeyed(through, GROUP)) {
          if (!seen.has(toHex(k))) expect(toHex(snap.get(k) ?? new Uint8Array(0))).toBe(toHex(v));
        }
      }),
      { numRuns: 25 },
    );
  });
});
