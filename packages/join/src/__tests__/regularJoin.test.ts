// regularJoin: options, errors, late records, and the changelog of a worked example.
import type { Subject } from 'rxjs';
import { InMemoryStore } from '@weir/state';
import { record, watermark, type Change, type StreamElement, type StreamRecord } from '@weir/stream';
import { JoinError, regularJoin, type JoinedRecord, type RegularJoinOperator } from '../index';
import { JoinDriver, onLeft, onRight } from './joinDriver';

interface V {
  readonly k: string;
  readonly pk?: number;
  readonly v?: number;
}
type Out = Change<JoinedRecord<V | null, V | null>>;
const boom = new Error('boom');
const throwing = (v: V): string => {
  if (v.k === 'bad') throw boom;
  return v.k;
};
const base = { store: new InMemoryStore(), name: 'j', ttl: 100, left: { key: (v: V) => v.k }, right: { key: (v: V) => v.k } };

describe('regularJoin options', () => {
  const right$ = new JoinDriver<V, V, Out>((r: Subject<StreamElement<V>>) => regularJoin<V, V>(r, base) as never).right;

  it('refuses an unknown option, naming the nearest valid one', () => {
    expect(() => regularJoin<V, V>(right$, { ...base, tll: 5 } as never)).toThrow(JoinError);
    expect(() => regularJoin<V, V>(right$, { ...base, tll: 5 } as never)).toThrow(/regularJoin.*tll.*ttl/);
  });

  it('refuses an unknown key in a side, and isDelete without a primary key', () => {
    expect(() => regularJoin<V, V>(right$, { ...base, left: { key: (v: V) => v.k, primarykey: (v: V) => v.k } } as never)).toThrow(/regularJoin option `left`.*primarykey.*primaryKey/);
    expect(() => regularJoin<V, V>(right$, { ...base, right: { key: (v: V) => v.k, isDelete: () => false } })).toThrow(/`right.isDelete` needs `right.primaryKey`/);
    expect(() => regularJoin<V, V>(right$, { ...base, left: undefined } as never)).toThrow(/option `left` must be an object/);
  });

  it('requires a ttl: a positive integer of ms, or Infinity', () => {
    const { ttl: _ttl, ...noTtl } = base;
    for (const ttl of [undefined, 0, -1, 1.5, Number.NaN, '10']) {
      const err = (() => {
        try {
          regularJoin<V, V>(right$, { ...noTtl, ttl } as never);
        } catch (e) {
          return e as JoinError;
        }
        return undefined;
      })();
      expect(err).toBeInstanceOf(JoinError);
      expect(err!.code).toBe('INVALID_ARGUMENT');
      expect(err!.message).toMatch(/^regularJoin: option `ttl` \(required\)/);
    }
    expect(() => regularJoin<V, V>(right$, { ...base, ttl: Number.POSITIVE_INFINITY })).not.toThrow();
  });
});

describe('regularJoin errors', () => {
  it.each(['left', 'right'] as const)('a %s key function that throws errors the stream with CALLBACK_FAILED naming the operator, the option, the value and the cause', (side) => {
    const d = new JoinDriver<V, V, Out>((r: Subject<StreamElement<V>>) => regularJoin<V, V>(r, { ...base, store: new InMemoryStore(), [side]: { key: throwing } }) as never);
    const bad = record<V>({ k: 'bad' }, 7);
    d.push(side === 'left' ? onLeft(bad) : onRight(bad));
    const err = d.error as JoinError;
    expect(err).toBeInstanceOf(JoinError);
    expect(err.code).toBe('CALLBACK_FAILED');
    expect(err.side).toBe(side);
    expect(err.message).toBe(`regularJoin 'j': \`${side}.key\` threw for the ${side} record at 7 ({"k":"bad"}): boom`);
    expect(err.cause).toBe(boom);
  });

  it('with onInvalid a throwing primary key or isDelete routes the record there, counted, and the join goes on', () => {
    const invalid: JoinError[] = [];
    let op: RegularJoinOperator<V, Out> | undefined;
    const d = new JoinDriver<V, V, Out>(
      (r: Subject<StreamElement<V>>) =>
        (op = regularJoin<V, V>(r, {
          ...base,
          store: new InMemoryStore(),
          left: { key: (v) => v.k, primaryKey: (v) => (v.pk === 1 ? (undefined as never) : v.pk!) },
          right: { key: (v) => v.k, primaryKey: (v) => v.pk!, isDelete: (v) => (v.pk === 2 ? (() => { throw boom; })() : false) },
          onInvalid: (_r, e) => invalid.push(e),
        }) as never),
    );
    d.push(onLeft(record<V>({ k: 'a', pk: 1 }, 1)));
    d.push(onRight(record<V>({ k: 'a', pk: 2 }, 1)));
    d.push(onLeft(record<V>({ k: 'a', pk: 3 }, 2)));
    d.push(onRight(record<V>({ k: 'a', pk: 4 }, 2)));
    d.complete();
    expect(d.error).toBeUndefined();
    expect(invalid.map((e) => [e.code, e.side])).toEqual([
      ['INVALID_KEY', 'left'],
      ['CALLBACK_FAILED', 'right'],
    ]);
    expect(invalid[1]!.message).toMatch(/`right.isDelete` threw/);
    expect(invalid[1]!.cause).toBe(boom);
    expect(op!.metrics.invalidRecords).toBe(2);
    expect(d.out.filter((el) => el.kind === 'record').map((el) => (el as StreamRecord<Out>).value)).toEqual([{ kind: 'insert', row: { left: { k: 'a', pk: 3 }, right: { k: 'a', pk: 4 } } }]);
  });

  it('a late record is counted and sent to the side output, not joined', () => {
    const late: Array<StreamRecord<V>> = [];
    let op: RegularJoinOperator<V, Out> | undefined;
    const d = new JoinDriver<V, V, Out>((r: Subject<StreamElement<V>>) => (op = regularJoin<V, V>(r, { ...base, store: new InMemoryStore(), onLateRight: (x) => late.push(x) }) as never));
    d.push(onLeft(record<V>({ k: 'a' }, 20)));
    d.push(onLeft(watermark(10)));
    d.push(onRight(watermark(10)));
    d.push(onRight(record<V>({ k: 'a' }, 10)));
    expect(late).toEqual([{ kind: 'record', value: { k: 'a' }, timestamp: 10 }]);
    expect([op!.metrics.lateRight, op!.metrics.matchesEmitted]).toEqual([1, 0]);
  });
});

describe('regularJoin changelog', () => {
  it('a full join of two tables: padded rows, their retraction at a match, updates as retract + insert, and deletes', () => {
    const d = new JoinDriver<V, V, Out>(
      (r: Subject<StreamElement<V>>) =>
        regularJoin<V, V, 'full'>(r, {
          ...base,
          store: new InMemoryStore(),
          type: 'full',
          left: { key: (v) => v.k, primaryKey: (v) => v.pk! },
          right: { key: (v) => v.k, primaryKey: (v) => v.pk!, isDelete: (v) => v.v === undefined },
        }) as never,
    );
    const L1 = { k: 'a', pk: 1, v: 1 };
    const L1b = { k: 'a', pk: 1, v: 2 };
    const R1 = { k: 'a', pk: 7, v: 1 };
    d.push(onLeft(record<V>(L1, 1)));
    d.push(onRight(record<V>(R1, 2)));
    d.push(onLeft(record<V>(L1b, 3)));
    d.push(onRight(record<V>({ k: 'a', pk: 7 }, 4))); // deletes R1
    const changes = d.out.flatMap((el) => (el.kind === 'record' ? [`${el.value.kind} ${JSON.stringify(el.value.row)} @${el.timestamp}`] : []));
    expect(changes).toEqual([
      `insert {"left":${JSON.stringify(L1)},"right":null} @1`,
      `retract {"left":${JSON.stringify(L1)},"right":null} @2`,
      `insert {"left":${JSON.stringify(L1)},"right":${JSON.stringify(R1)}} @2`,
      `retract {"left":${JSON.stringify(L1)},"right":${JSON.stringify(R1)}} @3`,
      `insert {"left":${JSON.stringify(L1b)},"right":${JSON.stringify(R1)}} @3`,
      `retract {"left":${JSON.stringify(L1b)},"right":${JSON.stringify(R1)}} @4`,
      `insert {"left":${JSON.stringify(L1b)},"right":null} @4`,
    ]);
  });
});
