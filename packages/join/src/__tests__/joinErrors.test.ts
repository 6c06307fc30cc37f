// Issue 13 item 5: a user callback that throws inside a join reaches the error channel (or
// onInvalid) as a JoinError CALLBACK_FAILED naming the operator, the callback, the input and the
// value, with the original error as `cause`.
import type { Subject } from 'rxjs';
import { InMemoryStore } from '@weir/state';
import { record, watermark, type StreamElement, type StreamRecord } from '@weir/stream';
import { JoinError, asofJoin, intervalJoin, lookupJoin, temporalJoin, type JoinOperator, type JoinSide } from '../index';
import { JoinDriver, onLeft, onRight } from './joinDriver';

interface V {
  readonly k: string;
}
type Callbacks = {
  readonly onInvalid?: (r: StreamRecord<V>, e: JoinError) => void;
  readonly onLateLeft?: (r: StreamRecord<V>) => void;
  readonly onLateRight?: (r: StreamRecord<V>) => void;
};
type Make = (right$: Subject<StreamElement<V>>, leftKey: (v: V) => unknown, rightKey: (v: V) => unknown, extra: Callbacks) => JoinOperator<V, unknown>;

const store = () => new InMemoryStore();
// [operator, the left key option's name, the right key option's name, factory]
const joins: Array<[string, string, string, Make]> = [
  ['intervalJoin', 'leftKey', 'rightKey', (r, lk, rk, x) => intervalJoin(r, { leftKey: lk, rightKey: rk, lowerBound: 0, upperBound: 5, store: store(), name: 'j', ...x })],
  ['asofJoin', 'leftKey', 'rightKey', (r, lk, rk, x) => asofJoin(r, { leftKey: lk, rightKey: rk, direction: 'backward', store: store(), name: 'j', ...x })],
  ['lookupJoin', 'key', 'tableKey', (r, lk, rk, x) => lookupJoin(r, { key: lk, tableKey: rk, store: store(), name: 'j', ...x })],
  ['temporalJoin', 'key', 'tableKey', (r, lk, rk, x) => temporalJoin(r, { key: lk, tableKey: rk, store: store(), name: 'j', ...x })],
];

const boom = new Error('boom');
const throwing = (v: V): string => {
  if (v.k === 'bad') throw boom;
  return v.k;
};
const fine = (v: V): string => v.k;

describe.each(joins)('%s', (kind, leftOption, rightOption, make) => {
  it.each<[JoinSide, string]>([
    ['left', leftOption],
    ['right', rightOption],
  ])('a %s key function (%s) that throws errors the stream with CALLBACK_FAILED naming the operator, the input, the value and the cause', (side, option) => {
    const d = new JoinDriver((r: Subject<StreamElement<V>>) => make(r, side === 'left' ? throwing : fine, side === 'right' ? throwing : fine, {}));
    const bad = record<V>({ k: 'bad' }, 7);
    d.push(side === 'left' ? onLeft(bad) : onRight(bad));
    expect(d.error).toBeInstanceOf(JoinError);
    const err = d.error as JoinError;
    expect(err.code).toBe('CALLBACK_FAILED');
    expect(err.side).toBe(side);
    expect(err.message).toBe(`${kind} 'j': \`${option}\` threw for the ${side} record at 7 ({"k":"bad"}): boom`);
    expect(err.value).toEqual({ k: 'bad' });
    expect(err.cause).toBe(boom);
  });

  it('with onInvalid, a throwing key function routes the record there, counted, and the join goes on', () => {
    const invalid: JoinError[] = [];
    let op: JoinOperator<V, unknown> | undefined;
    const d = new JoinDriver((r: Subject<StreamElement<V>>) => (op = make(r, throwing, throwing, { onInvalid: (_r, e) => invalid.push(e) })));
    d.push(onRight(record<V>({ k: 'bad' }, 1)));
    d.push(onLeft(record<V>({ k: 'bad' }, 2)));
    d.complete();
    expect(d.error).toBeUndefined();
    expect(d.completed).toBe(true);
    expect(invalid.map((e) => [e.code, e.side, e.cause])).toEqual([
      ['CALLBACK_FAILED', 'right', boom],
      ['CALLBACK_FAILED', 'left', boom],
    ]);
    expect(op!.metrics.invalidRecords).toBe(2);
  });

  it('an onInvalid callback that throws errors the stream with CALLBACK_FAILED naming it', () => {
    const d = new JoinDriver((r: Subject<StreamElement<V>>) => make(r, throwing, fine, { onInvalid: () => { throw boom; } }));
    d.push(onLeft(record<V>({ k: 'bad' }, 2)));
    expect(d.error).toMatchObject({ name: 'JoinError', code: 'CALLBACK_FAILED', side: 'left', cause: boom, message: expect.stringMatching(new RegExp(`^${kind} 'j': \`onInvalid\` threw for the left record at 2`)) });
  });

  it('an onLateLeft callback that throws errors the stream with CALLBACK_FAILED naming it', () => {
    const d = new JoinDriver((r: Subject<StreamElement<V>>) => make(r, fine, fine, { onLateLeft: () => { throw boom; } }));
    d.push(onLeft(watermark(100)));
    d.push(onRight(watermark(100)));
    d.push(onLeft(record<V>({ k: 'a' }, 3)));
    expect(d.error).toMatchObject({ name: 'JoinError', code: 'CALLBACK_FAILED', side: 'left', cause: boom, message: `${kind} 'j': \`onLateLeft\` threw for the left record at 3 ({"k":"a"}): boom` });
  });
});
