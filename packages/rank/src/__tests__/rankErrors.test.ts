// Bad options, bad records and throwing callbacks give a RankError naming the operator and the
// offending value (docs/architecture.md §5 of the contracts: never a bare TypeError); late records
// go to the side output and are counted.
import { Subject, type Observable } from 'rxjs';
import { InMemoryStore } from '@weir/state';
import { barrier, record, watermark, type StreamElement } from '@weir/stream';
import { deduplicate, RankError, topN, type RankOperator } from '../index';

interface V {
  readonly k: unknown;
  readonly p: number;
  readonly f?: () => void;
}

function drive<O>(op: RankOperator<V, O>, els: StreamElement<V>[]): { out: StreamElement<O>[]; error: unknown } {
  const input = new Subject<StreamElement<V>>();
  const out: StreamElement<O>[] = [];
  let error: unknown;
  (input as Observable<StreamElement<V>>).pipe(op).subscribe({ next: (e) => out.push(e), error: (e: unknown) => (error = e) });
  for (const el of els) input.next(el);
  input.complete();
  return { out, error };
}

const store = () => new InMemoryStore();

describe('rank operator options', () => {
  it('rejects unknown options, naming the operator and the nearest option', () => {
    expect(() => deduplicate<V>({ store: store(), key: (v: V) => v.k, keep: 'first', tll: 5 } as never)).toThrow(/deduplicate: unknown option `tll` \(did you mean `ttl`\?\)/);
    expect(() => topN<V>({ store: store(), key: (v: V) => v.k, n: 3, orderBy: (v: V) => v.p, decending: true } as never)).toThrow(/topN: unknown option `decending` \(did you mean `descending`\?\)/);
    try {
      topN<V>({ store: store(), key: (v: V) => v.k, n: 3, orderBy: (v: V) => v.p, bogus: 1 } as never);
    } catch (err) {
      expect(err).toBeInstanceOf(RankError);
      expect((err as RankError).code).toBe('INVALID_ARGUMENT');
      expect((err as RankError).value).toBe('bogus');
    }
  });

  it.each([
    [() => deduplicate<V>({ store: store(), key: (v) => v.k, keep: 'middle' as 'first' }), /deduplicate: option `keep` must be 'first' or 'last', got string "middle"/],
    [() => deduplicate<V>({ store: store(), key: (v) => v.k, keep: 'last', ttl: -1 }), /deduplicate: option `ttl` must be a non-negative integer/],
    [() => deduplicate<V>({ store: {} as never, key: (v) => v.k, keep: 'last' }), /deduplicate: option `store` must be a StateStore/],
    [() => deduplicate<V>({ store: store(), key: 'k' as never, keep: 'last' }), /deduplicate: option `key` must be a function/],
    [() => topN<V>({ store: store(), key: (v) => v.k, n: 0, orderBy: (v) => v.p }), /topN: option `n` must be an integer in \[1, 10000\], got number 0/],
    [() => topN<V>({ store: store(), key: (v) => v.k, n: 2 }), /topN: give exactly one of the options `compare` and `orderBy`/],
    [() => topN<V>({ store: store(), key: (v) => v.k, n: 2, orderBy: (v) => v.p, compare: (a, b) => a.p - b.p }), /give exactly one/],
    [() => topN<V>({ store: store(), key: (v) => v.k, n: 2, compare: (a, b) => a.p - b.p, descending: true }), /`descending` goes with `orderBy`/],
    [() => topN<V>({ store: store(), key: (v) => v.k, n: 2, orderBy: (v) => v.p, keyGroups: 0 }), /topN: option `keyGroups` must be an integer in \[1, 32768\]/],
  ])('rejects bad option %#', (build, message) => {
    expect(build).toThrow(RankError);
    expect(build).toThrow(message);
  });
});

describe('rank operator records', () => {
  it('a throwing key function errors the stream with CALLBACK_FAILED naming the operator, the value and the cause', () => {
    const boom = new Error('boom');
    const { error } = drive(deduplicate<V>({ store: store(), name: 'latest', keep: 'last', key: () => { throw boom; } }), [record({ k: 1, p: 2 }, 5)]);
    expect(error).toBeInstanceOf(RankError);
    expect((error as RankError).code).toBe('CALLBACK_FAILED');
    expect((error as RankError).message).toMatch(/deduplicate 'latest': `key` threw for the record at 5 \(.*p.*2.*\): boom/);
    expect((error as RankError).cause).toBe(boom);
    expect((error as RankError).value).toEqual({ k: 1, p: 2 });
  });

  it('routes a throwing key, a bad key, a throwing compare and an unstorable value to onInvalid and counts them', () => {
    const invalid: Array<[unknown, string]> = [];
    const op = topN<V>({
      store: store(),
      name: 'top',
      n: 2,
      key: (v) => {
        if (v.k === 'throw') throw new Error('no key');
        return v.k;
      },
      compare: (a, b) => {
        if (a.p < 0 || b.p < 0) throw new Error('negative');
        return b.p - a.p;
      },
      onInvalid: (r, e) => invalid.push([r.value, e.code]),
    });
    const { out, error } = drive(op, [record({ k: 1, p: 1 }, 1), record({ k: 'throw', p: 1 }, 2), record({ k: { no: 1 }, p: 1 }, 3), record({ k: 1, p: -1 }, 4), record({ k: 2, p: 1, f: () => {} }, 5), record({ k: 1, p: 2 }, 6)]);
    expect(error).toBeUndefined();
    expect(invalid.map((i) => i[1])).toEqual(['CALLBACK_FAILED', 'INVALID_KEY', 'CALLBACK_FAILED', 'INVALID_RECORD']);
    expect(out.filter((e) => e.kind === 'record')).toHaveLength(2);
    expect(op.metrics.invalidRecords).toBe(4);
  });

  it('routes late records to onLate and counts them; a non-integer timestamp is invalid', () => {
    const late: number[] = [];
    const op = deduplicate<V>({ store: store(), keep: 'first', key: (v) => v.k as number, allowedLateness: 2, onLate: (r) => late.push(r.timestamp) });
    const { out, error } = drive(op, [watermark(10), record({ k: 1, p: 0 }, 8), record({ k: 2, p: 0 }, 9), record({ k: 3, p: 0 }, 11)]);
    expect(error).toBeUndefined();
    expect(late).toEqual([8]);
    expect(out.filter((e) => e.kind === 'record').map((e) => e.timestamp)).toEqual([9, 11]);
    expect(op.metrics.lateRecords).toBe(1);
    const bad = drive(deduplicate<V>({ store: store(), keep: 'first', key: (v) => v.k as number }), [record({ k: 1, p: 0 }, 1.5)]);
    expect((bad.error as RankError).code).toBe('INVALID_RECORD');
  });

  it('refuses to restore state written with another number of key groups', () => {
    const s = store();
    drive(topN<V>({ store: s, name: 't', n: 1, keyGroups: 8, key: (v) => v.k, orderBy: (v) => v.p, checkpoint: { register: () => () => {}, snapshotTaken: () => {} } }), [record({ k: 1, p: 0 }, 1), barrier(1)]);
    const { error } = drive(topN<V>({ store: s, name: 't', n: 1, keyGroups: 16, key: (v) => v.k, orderBy: (v) => v.p }), []);
    expect(error).toBeInstanceOf(RankError);
    expect((error as RankError).message).toMatch(/topN 't': the restored state was written with 8 key groups, but the operator is configured with keyGroups 16/);
  });
});
