import { InMemoryStore } from '@weir/state';
import { CheckpointRecorder } from '@weir/stream/testing';

describe('CheckpointRecorder', () => {
  it('tracks registered operators and which of them reported each checkpoint', () => {
    const recorder = new CheckpointRecorder();
    const a = new InMemoryStore();
    const b = new InMemoryStore();
    const stopA = recorder.register('a');
    recorder.register('b');
    recorder.snapshotTaken({ checkpointId: 1, operator: 'a', snapshot: a.snapshot() });
    expect(recorder.isComplete(1)).toBe(false);
    recorder.snapshotTaken({ checkpointId: 1, operator: 'b', snapshot: b.snapshot() });
    expect(recorder.isComplete(1)).toBe(true);
    expect([...recorder.snapshotsOf(1).keys()]).toEqual(['a', 'b']);
    expect(recorder.snapshotsOf(2).size).toBe(0);
    expect(recorder.reports).toHaveLength(2);
    stopA();
    stopA(); // idempotent
    expect(recorder.registeredOperators()).toEqual(['b']);
  });

  it('counts two instances registered under one name separately', () => {
    const recorder = new CheckpointRecorder();
    const stop1 = recorder.register('x');
    recorder.register('x');
    stop1();
    expect(recorder.registeredOperators()).toEqual(['x']);
  });
});
