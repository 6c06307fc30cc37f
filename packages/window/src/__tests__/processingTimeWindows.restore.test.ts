// Snapshot -> restore -> continue for the processing-time windows (docs/architecture.md §3.4,
// §3.6): the state (accumulators, open windows, timers) is in the store at a barrier; a restored
// operator fires at once the windows that came due while the job was down (as Flink does), then
// the others on their timers, and emits what an uninterrupted operator would have, later.
import { InMemoryStore, StateSnapshot, type StateStore } from '@weir/state';
import { barrier, type StreamElement } from '@weir/stream';
import { CheckpointRecorder } from '@weir/stream/testing';
import { count, processingTimeHoppingWindow, processingTimeSessionWindow, processingTimeTumblingWindow, type WindowOperator } from '@weir/window';
import type { VirtualTimeScheduler } from 'rxjs';
import { PtDriver, advanceTo, clockAt } from './processingTimeClock';

type Op = WindowOperator<string, string, number>;
type Make = (store: StateStore, clock: VirtualTimeScheduler, checkpoint?: CheckpointRecorder) => Op;

const common = (store: StateStore, scheduler: VirtualTimeScheduler, checkpoint?: CheckpointRecorder) => ({
  key: (k: string) => k,
  aggregate: count(),
  store,
  name: 'pt',
  scheduler,
  ...(checkpoint === undefined ? {} : { checkpoint }),
});

/** Runs `before` on one operator, takes barrier 1, stops it, restores into a fresh store; returns the snapshot's store and the first output. */
function checkpointAfter(make: Make, before: (d: PtDriver<string, string, number>) => void, viaBytes: boolean) {
  const recorder = new CheckpointRecorder();
  const clock = clockAt(0);
  const d = new PtDriver<string, string, number>(clock, make(new InMemoryStore(), clock, recorder));
  before(d);
  d.push(barrier(1));
  expect(d.out.at(-1)?.el).toEqual(barrier(1)); // forwarded
  expect(recorder.isComplete(1)).toBe(true);
  const snap = recorder.snapshotsOf(1).get('pt')!;
  expect(snap).toBeInstanceOf(StateSnapshot);
  d.stop();
  expect(clock.actions).toHaveLength(0); // the crash left no timer behind
  const store = new InMemoryStore();
  store.restore(viaBytes ? snap.encode() : snap);
  return { store, first: d.results() };
}

const strip = (rs: ReadonlyArray<{ key: string; start: number; end: number; value: number; timestamp: number }>) =>
  rs.map(({ key, start, end, value, timestamp }) => ({ key, start, end, value, timestamp }));

describe.each([false, true])('processing-time windows: snapshot -> restore -> continue (via bytes: %s)', (viaBytes) => {
  it('hopping: a window that came due while down fires at subscribe, the other on its timer', () => {
    const make: Make = (store, clock, cp) => processingTimeHoppingWindow({ size: 20, slide: 10, ...common(store, clock, cp) });
    const script = (d: PtDriver<string, string, number>): void => {
      d.at(12, 'x').at(13, 'x').at(15, 'y'); // windows [0, 20) and [10, 30)
    };
    // uninterrupted: [0, 20) fires at 20, [10, 30) at 30
    const clock = clockAt(0);
    const whole = new PtDriver<string, string, number>(clock, make(new InMemoryStore(), clock));
    script(whole);
    advanceTo(clock, 40);
    const expected = whole.results();
    expect(expected.map((r) => r.at)).toEqual([20, 20, 30, 30]);

    const { store, first } = checkpointAfter(make, script, viaBytes);
    expect(first).toEqual([]);
    // down from 15 to 25: [0, 20) is overdue and fires as the restored operator subscribes
    const clock2 = clockAt(25);
    const d = new PtDriver<string, string, number>(clock2, make(store, clock2));
    expect(d.results().map((r) => [r.start, r.end, r.key, r.value, r.at])).toEqual([
      [0, 20, 'x', 2, 25],
      [0, 20, 'y', 1, 25],
    ]);
    expect(d.out.at(-1)?.el).toEqual({ kind: 'watermark', timestamp: 24 });
    expect(clock2.actions).toHaveLength(1); // [10, 30) rescheduled
    advanceTo(clock2, 29);
    expect(d.results()).toHaveLength(2);
    advanceTo(clock2, 40);
    expect(strip(d.results())).toEqual(strip(expected));
    expect(d.results().map((r) => r.at)).toEqual([25, 25, 30, 30]);
    expect(store.len()).toBe(1); // every window fired: only the meta entry is left
  });

  it('tumbling: a record after the restore joins the restored window', () => {
    const make: Make = (store, clock, cp) => processingTimeTumblingWindow({ size: 10, ...common(store, clock, cp) });
    const { store } = checkpointAfter(make, (d) => void d.at(1, 'a').at(3, 'a'), viaBytes);
    const clock = clockAt(5);
    const op = make(store, clock);
    const d = new PtDriver<string, string, number>(clock, op);
    d.at(8, 'a');
    advanceTo(clock, 10);
    expect(d.results().map((r) => [r.start, r.end, r.key, r.value, r.at])).toEqual([[0, 10, 'a', 3, 10]]);
    // the counters continued from the checkpoint: 2 records before, 1 after
    expect(op.metrics.recordsIn).toBe(3);
    expect(op.metrics.windowsFired).toBe(1);
  });

  it('session: an overdue session fires at subscribe; a live one is extended after the restore', () => {
    const make: Make = (store, clock, cp) => processingTimeSessionWindow({ gap: 10, ...common(store, clock, cp) });
    const { store } = checkpointAfter(make, (d) => void d.at(2, 'x').at(5, 'y').at(6, 'y'), viaBytes);
    // down from 6 to 13: x's session [2, 12) is overdue; y's [5, 16) is not
    const clock = clockAt(13);
    const d = new PtDriver<string, string, number>(clock, make(store, clock));
    expect(d.results().map((r) => [r.key, r.start, r.end, r.value, r.at])).toEqual([['x', 2, 12, 1, 13]]);
    d.at(14, 'y'); // extends y to [5, 24)
    advanceTo(clock, 23);
    expect(d.results()).toHaveLength(1);
    advanceTo(clock, 24);
    expect(d.results().map((r) => [r.key, r.start, r.end, r.value, r.at])).toEqual([
      ['x', 2, 12, 1, 13],
      ['y', 5, 24, 3, 24],
    ]);
  });
});

describe('processing-time windows: restore refuses another number of key groups', () => {
  it('names both numbers', () => {
    const make = (store: StateStore, clock: VirtualTimeScheduler, keyGroups: number, cp?: CheckpointRecorder) =>
      processingTimeTumblingWindow({ size: 10, keyGroups, ...common(store, clock, cp) });
    const recorder = new CheckpointRecorder();
    const clock = clockAt(0);
    const d = new PtDriver<string, string, number>(clock, make(new InMemoryStore(), clock, 64, recorder));
    d.at(1, 'a').push(barrier(1) as StreamElement<string>);
    d.stop();
    const store = new InMemoryStore();
    store.restore(recorder.snapshotsOf(1).get('pt')!);
    const again = new PtDriver<string, string, number>(clock, make(store, clock, 128));
    expect(again.error).toMatchObject({ name: 'WindowError', code: 'INVALID_ARGUMENT' });
    expect(String((again.error as Error).message)).toMatch(/64 key groups.*keyGroups 128/);
  });
});
