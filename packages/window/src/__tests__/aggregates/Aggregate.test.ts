import fc from 'fast-check';
import { StateError } from '@weir/state';
import * as aggregates from '../../aggregates';
import { aggregate } from '../../aggregates/Aggregate';
import type { AccumulatorCodec } from '../../aggregates/AccumulatorCodec';
import type { Aggregate } from '../../aggregates/Aggregate';
import { AggregationError } from '../../aggregates/AggregationError';
import { WindowError } from '../../WindowError';
import { float64Codec } from '../../aggregates/float64Codec';
import { msgpackCodec } from '../../aggregates/msgpackCodec';
import { describeAggregateLaws, finiteDouble, fold, records } from './laws';
import { invalidArgument } from './badValues';

interface Range {
  lo: number;
  hi: number;
}

const rangeSpec = {
  name: 'range',
  create: (): Range => ({ lo: Infinity, hi: -Infinity }),
  add(acc: Range, v: number): Range {
    acc.lo = Math.min(acc.lo, v);
    acc.hi = Math.max(acc.hi, v);
    return acc;
  },
  merge: (a: Range, b: Range): Range => ({ lo: Math.min(a.lo, b.lo), hi: Math.max(a.hi, b.hi) }),
  result: (acc: Range): number => acc.hi - acc.lo,
};

describe('aggregate', () => {
  it('builds a frozen Aggregate from a spec, with the msgpack codec by default', () => {
    const range: Aggregate<number, Range, number> = aggregate(rangeSpec);
    expect(range.name).toBe('range');
    expect(Object.isFrozen(range)).toBe(true);
    const acc = fold(range, [[3, 1], [-2, 2], [10, 3]]);
    expect(range.result(acc)).toBe(12);
    expect(range.codec.decode(range.codec.encode(acc))).toEqual({ lo: -2, hi: 10 });
    expect(() => range.codec.decode(Uint8Array.of(0xc1))).toThrow(/^range: codec\.decode: /);
  });

  it('defaults the name and uses a given codec, calling members unbound', () => {
    const codec: AccumulatorCodec<number> = float64Codec('tally');
    const tally = aggregate<unknown, number, number>({
      create: () => 0,
      add: (n) => n + 1,
      merge: (a, b) => a + b,
      result: (n) => n,
      codec,
    });
    expect(tally.name).toBe('aggregate');
    expect(tally.codec.encode(2)).toHaveLength(8);
    expect(tally.codec.decode(tally.codec.encode(2))).toBe(2);
    // the codec's encodeInto is kept (a barrier logs through it), writing encode's bytes
    const out = new Uint8Array(16);
    expect(tally.codec.encodeInto?.(2, out, 4)).toBe(12);
    expect(out.subarray(4, 12)).toEqual(tally.codec.encode(2));
    expect(() => aggregate({ ...rangeSpec, codec: { ...codec, encodeInto: 1 } } as never)).toThrow(/spec\.codec\.encodeInto must be a function when given, got number 1/);
    expect(aggregate(rangeSpec).codec.encodeInto).toBeUndefined();
  });

  it('names the missing or mistyped member in a WindowError INVALID_ARGUMENT', () => {
    const { merge: _merge, ...noMerge } = rangeSpec;
    expect(() => aggregate(noMerge as never)).toThrow(invalidArgument('aggregate(name="range"): spec.merge must be a function, got undefined'));
    expect(() => aggregate({ ...rangeSpec, name: undefined, create: 1 } as never)).toThrow(
      invalidArgument('aggregate: spec.create must be a function, got number 1'),
    );
    expect(() => aggregate({ ...rangeSpec, add: 'x' } as never)).toThrow(/spec\.add must be a function, got string "x"/);
    expect(() => aggregate({ ...rangeSpec, result: null } as never)).toThrow(/spec\.result must be a function, got null/);
    expect(() => aggregate({ ...rangeSpec, name: '' })).toThrow(invalidArgument('aggregate: spec.name must be a non-empty string, got string ""'));
    expect(() => aggregate({ ...rangeSpec, codec: { encode: () => new Uint8Array() } } as never)).toThrow(
      /aggregate\(name="range"\): spec\.codec\.decode must be a function, got undefined/,
    );
    expect(() => aggregate({ ...rangeSpec, codec: 5 } as never)).toThrow(/spec\.codec must be an object/);
    expect(() => aggregate(undefined as never)).toThrow(/^aggregate: spec must be an object/);
  });

  describeAggregateLaws('aggregate(range)', {
    make: () => aggregate(rangeSpec),
    records: records(finiteDouble()),
    oracle: (recs) => {
      const vs = recs.map(([v]) => v);
      return Math.max(...vs) - Math.min(...vs);
    },
  });
});

describe('msgpackCodec', () => {
  it('round-trips plain data and reports bad input as StateError', () => {
    const codec = msgpackCodec<{ n: number; tags: string[] }>('tagCount');
    expect(codec.decode(codec.encode({ n: 2, tags: ['a', 'b'] }))).toEqual({ n: 2, tags: ['a', 'b'] });
    expect(() => codec.encode(undefined as never)).toThrow(StateError);
    expect(() => codec.encode({ n: 1, tags: [], f: () => 1 } as never)).toThrow(/tagCount: codec\.encode: cannot encode value\.f is a function/);
    const guarded = msgpackCodec('pair', (x: unknown): x is [number, number] => Array.isArray(x) && x.length === 2);
    expect(() => guarded.decode(codec.encode({ n: 1, tags: [] }))).toThrow('pair: codec.decode: decoded {"n":1,"tags":[]} is not a pair accumulator');
  });
});

describe('float64Codec', () => {
  it('round-trips every double bit-exactly in 8 little-endian bytes', () => {
    const codec = float64Codec('x');
    fc.assert(
      fc.property(fc.double(), (x) => {
        const bytes = codec.encode(x);
        expect(bytes).toHaveLength(8);
        expect(Object.is(codec.decode(bytes), x)).toBe(true);
        const view = new DataView(bytes.buffer, bytes.byteOffset, 8);
        expect(Object.is(view.getFloat64(0, true), x)).toBe(true);
      }),
    );
  });

  it('refuses wrong lengths with DESERIALIZATION naming the aggregate and the bytes', () => {
    const codec = float64Codec('sum');
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 24 }).filter((b) => b.length !== 8), (bytes) => {
        expect(() => codec.decode(bytes)).toThrow(StateError);
        expect(() => codec.decode(bytes)).toThrow(`sum: codec.decode: expected exactly 8 bytes, got Uint8Array of ${bytes.length} bytes`);
      }),
    );
    expect(() => codec.decode(new Uint8Array(40))).toThrow(/got Uint8Array of 40 bytes (00){32}\.\.\.$/);
  });
});

describe('AggregationError', () => {
  it('carries the aggregate name and the offending value', () => {
    const err = new AggregationError('sum', 'sum: expected a finite number, got string "12"', '12', { cause: 'c' });
    expect(err).toBeInstanceOf(WindowError);
    expect(err.code).toBe('AGGREGATE_FAILED');
    expect(err.name).toBe('AggregationError');
    expect(err.aggregate).toBe('sum');
    expect(err.value).toBe('12');
    expect(err.cause).toBe('c');
  });
});

describe('aggregates index', () => {
  it('re-exports every aggregate, codec and the error', () => {
    expect(Object.keys(aggregates).sort()).toEqual(
      ['AggregationError', 'aggregate', 'avg', 'collect', 'count', 'countDistinct', 'first', 'float64Codec', 'last', 'max', 'min', 'msgpackCodec', 'sum'].sort(),
    );
  });
});
