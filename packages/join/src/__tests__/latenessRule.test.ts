// Issue 14: one lateness rule for every event-time operator (docs/concepts/event-time.md), checked
// by the one shared property of @weir/stream/testing on every join.
import type { Observable } from 'rxjs';
import { InMemoryStore } from '@weir/state';
import type { StreamElement, StreamRecord } from '@weir/stream';
import { checkLatenessRule, type ScriptItem } from '@weir/stream/testing';
import { asofJoin, intervalJoin, lookupJoin, temporalJoin, type JoinOperator } from '../index';

type In = Observable<StreamElement<ScriptItem>>;
interface Common {
  readonly store: InMemoryStore;
  readonly allowedLateness: number;
  readonly onLateLeft: (r: StreamRecord<ScriptItem>) => void;
  readonly onLateRight: (r: StreamRecord<ScriptItem>) => void;
}
const k = (v: ScriptItem): number => v.k;

// [operator, which inputs carry event time, factory]
const joins: Array<[string, boolean[], (right$: In, o: Common) => JoinOperator<ScriptItem, unknown>]> = [
  ['intervalJoin (inner)', [true, true], (r, o) => intervalJoin(r, { ...o, leftKey: k, rightKey: k, lowerBound: -3, upperBound: 5 })],
  ['intervalJoin (full)', [true, true], (r, o) => intervalJoin(r, { ...o, leftKey: k, rightKey: k, lowerBound: 0, upperBound: 4, type: 'full' })],
  ['asofJoin (backward)', [true, true], (r, o) => asofJoin(r, { ...o, key: k, direction: 'backward', type: 'left' })],
  ['asofJoin (forward, tolerance 6)', [true, true], (r, o) => asofJoin(r, { ...o, key: k, direction: 'forward', tolerance: 6 })],
  ['asofJoin (nearest)', [true, true], (r, o) => asofJoin(r, { ...o, key: k, direction: 'nearest', type: 'left' })],
  ['lookupJoin', [true, false], (r, o) => lookupJoin(r, { ...o, key: k, tableKey: k, type: 'left' })],
  ['temporalJoin', [true, true], (r, o) => temporalJoin(r, { ...o, key: k, tableKey: k, type: 'left' })],
];

describe('the lateness rule: late exactly when ts <= watermark - allowedLateness, counted and sent to onLateLeft / onLateRight', () => {
  it.each(joins)('%s', (_name, timed, make) => {
    checkLatenessRule({
      timed,
      build: ([left, right], allowedLateness, onLate) => {
        const op = make(right!, { store: new InMemoryStore(), allowedLateness, onLateLeft: (r) => onLate(0, r), onLateRight: (r) => onLate(1, r) });
        return { output: left!.pipe(op), metrics: op.metrics };
      },
    });
  });
});
