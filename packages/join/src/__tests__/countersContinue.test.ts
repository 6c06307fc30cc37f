// Issue 14: a join's counters (lateLeft, matchesEmitted and the rest) continue from the checkpoint
// after a restore instead of restarting at 0: snapshot -> restore -> continue, per join.
import type { Observable } from 'rxjs';
import type { StateStore } from '@weir/state';
import type { CheckpointHook, StreamElement } from '@weir/stream';
import { checkCountersContinue, type ScriptItem } from '@weir/stream/testing';
import { asofJoin, intervalJoin, lookupJoin, temporalJoin, type JoinOperator } from '../index';

type In = Observable<StreamElement<ScriptItem>>;
interface Common {
  readonly store: StateStore;
  readonly name: string;
  readonly allowedLateness: number;
  readonly checkpoint?: CheckpointHook;
}
const k = (v: ScriptItem): number => v.k;

const joins: Array<[string, (right$: In, o: Common) => JoinOperator<ScriptItem, unknown>]> = [
  ['intervalJoin', (r, o) => intervalJoin(r, { ...o, leftKey: k, rightKey: k, lowerBound: -3, upperBound: 5, type: 'full' })],
  ['asofJoin', (r, o) => asofJoin(r, { ...o, key: k, direction: 'nearest', tolerance: 6, type: 'left' })],
  ['lookupJoin', (r, o) => lookupJoin(r, { ...o, key: k, tableKey: k, type: 'left' })],
  ['temporalJoin', (r, o) => temporalJoin(r, { ...o, key: k, tableKey: k, type: 'left' })],
];

describe.each(joins)('%s: counters continue across a restore', (_name, make) => {
  it('snapshot -> restore -> continue ends with the metrics of a run that never stopped', () => {
    checkCountersContinue({
      inputs: 2,
      name: 'j',
      build: ([left, right], store, checkpoint) => {
        const op = make(right!, { store, name: 'j', allowedLateness: 2, ...(checkpoint === undefined ? {} : { checkpoint }) });
        return { output: left!.pipe(op), metrics: op.metrics };
      },
    });
  });
});
