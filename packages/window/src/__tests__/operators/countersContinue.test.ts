// Issue 14: a window operator's counters (lateRecords and the rest) continue from the checkpoint
// after a restore instead of restarting at 0: snapshot -> restore -> continue, per operator kind.
import type { Observable } from 'rxjs';
import { barrier, record, watermark, type CheckpointHook, type StreamElement } from '@weir/stream';
import { CheckpointRecorder, checkCountersContinue, type ScriptItem } from '@weir/stream/testing';
import { InMemoryStore, type StateStore } from '@weir/state';
import { calendarWindow, count, cumulativeWindow, hoppingWindow, sessionWindow, tumblingWindow, type WindowOperator } from '@weir/window';
import { Driver } from './driver';

interface Common {
  readonly key: (v: ScriptItem) => number;
  readonly store: StateStore;
  readonly name: string;
  readonly allowedLateness: number;
  readonly checkpoint?: CheckpointHook;
}
type Make = (o: Common) => WindowOperator<ScriptItem, number, number>;

const windows: Array<[string, Make]> = [
  ['tumblingWindow', (o) => tumblingWindow({ ...o, size: 10, aggregate: count() })],
  ['hoppingWindow', (o) => hoppingWindow({ ...o, size: 10, slide: 4, aggregate: count() })],
  ['cumulativeWindow', (o) => cumulativeWindow({ ...o, step: 4, maxSize: 12, aggregate: count() })],
  ['calendarWindow', (o) => calendarWindow({ ...o, unit: 'day', timeZone: 'UTC', aggregate: count() })],
  ['sessionWindow', (o) => sessionWindow({ ...o, gap: 5, aggregate: count() })],
];

describe.each(windows)('%s: counters continue across a restore', (_kind, make) => {
  it('snapshot -> restore -> continue ends with the metrics of a run that never stopped', () => {
    checkCountersContinue({
      inputs: 1,
      name: 'w',
      build: ([input], store, checkpoint) => {
        const op = make({ key: (v) => v.k, store, name: 'w', allowedLateness: 3, ...(checkpoint === undefined ? {} : { checkpoint }) });
        return { output: (input as Observable<StreamElement<ScriptItem>>).pipe(op), metrics: op.metrics };
      },
    });
  });

  it('a restored operator starts from the checkpoint\'s counts, not 0', () => {
    const recorder = new CheckpointRecorder();
    const first = make({ key: (v) => v.k, store: new InMemoryStore(), name: 'w', allowedLateness: 0, checkpoint: recorder });
    const d = new Driver(first);
    d.push(record({ id: 'a', k: 1 }, 5));
    d.push(watermark(100));
    d.push(record({ id: 'b', k: 1 }, 6)); // late
    d.push(barrier(1));
    d.stop();
    expect(first.metrics).toMatchObject({ recordsIn: 2, lateRecords: 1 });
    const store = new InMemoryStore();
    store.restore(recorder.snapshotsOf(1).get('w')!);
    const resumed = make({ key: (v) => v.k, store, name: 'w', allowedLateness: 0 });
    const e = new Driver(resumed);
    expect(resumed.metrics.snapshot()).toMatchObject({ recordsIn: 2, lateRecords: 1, windowsFired: first.metrics.windowsFired, resultsEmitted: first.metrics.resultsEmitted, watermark: 100 });
    e.push(record({ id: 'c', k: 1 }, 7)); // late
    expect(resumed.metrics).toMatchObject({ recordsIn: 3, lateRecords: 2 });
  });
});
