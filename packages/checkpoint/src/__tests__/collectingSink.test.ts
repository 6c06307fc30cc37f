import { collectingSink } from '../collectingSink';
import type { Json } from '../Json';
import type { SinkWriter } from '../Sink';
import { caught } from './checkpointFixtures';

const stored = (state: Json): Json => JSON.parse(JSON.stringify(state)) as Json;

function writeAll<T>(w: SinkWriter<T>, values: readonly T[]): void {
  for (const v of values) w.write(v);
}

/** The scenario of the brief: epoch 1 committed, epoch 2 pre-committed only, epoch 3 in progress. */
async function crashedRun() {
  const sink = collectingSink<string>();
  const w = await sink.open(undefined);
  writeAll(w, ['e1-a', 'e1-b']);
  const state1 = await w.preCommit(1);
  await w.commit(1);
  writeAll(w, ['e2-a', 'e2-b']);
  const state2 = await w.preCommit(2);
  w.write('e3-a');
  expect(sink.committed()).toEqual(['e1-a', 'e1-b']);
  expect(sink.pending()).toEqual(['e2-a', 'e2-b']);
  expect(sink.inProgress()).toEqual(['e3-a']);
  return { sink, crashed: w, state1, state2 };
}

describe('collectingSink', () => {
  it('values are visible only after commit', async () => {
    const sink = collectingSink<{ n: number }>();
    expect(sink.describe()).toBe('collecting sink (in memory)');
    const w = await sink.open(undefined);
    w.write({ n: 1 });
    expect(sink.inProgress()).toEqual([{ n: 1 }]);
    expect(sink.committed()).toEqual([]);
    expect(await w.preCommit(1)).toEqual({ upTo: 1, pending: [1] });
    expect(sink.committed()).toEqual([]);
    expect(sink.pending()).toEqual([{ n: 1 }]);
    expect(sink.inProgress()).toEqual([]);
    await w.commit(1);
    expect(sink.committed()).toEqual([{ n: 1 }]);
    expect(sink.pending()).toEqual([]);
  });

  it('holds any values, JSON or not (the state carries ids only)', async () => {
    const sink = collectingSink<unknown>();
    const w = await sink.open(undefined);
    const odd = [undefined, 10n, new Date(0), Symbol.for('x')];
    writeAll(w, odd);
    const state = await w.preCommit(1);
    expect(stored(state)).toEqual({ upTo: 1, pending: [1] });
    await w.commit(1);
    expect(sink.committed()).toEqual(odd);
  });

  it('commit(n) covers every earlier pending part, in id order, and is idempotent', async () => {
    const sink = collectingSink<string>();
    const w = await sink.open(undefined);
    w.write('a');
    await w.preCommit(1);
    w.write('b');
    expect(await w.preCommit(2)).toEqual({ upTo: 2, pending: [1, 2] });
    expect(await w.preCommit(3)).toEqual({ upTo: 3, pending: [1, 2] }); // nothing written: no part
    w.write('c');
    await w.preCommit(4);
    await w.commit(2);
    expect(sink.committed()).toEqual(['a', 'b']);
    await w.commit(2);
    await w.commit(1);
    expect(sink.committed()).toEqual(['a', 'b']);
    expect(sink.pending()).toEqual(['c']);
    await w.commit(9);
    await w.commit(9);
    expect(sink.committed()).toEqual(['a', 'b', 'c']);
  });

  it('crash, then resume from checkpoint 1: epoch 1 visible, nothing pending', async () => {
    const { sink, crashed, state1 } = await crashedRun();
    const w = await sink.open(stored(state1));
    expect(sink.committed()).toEqual(['e1-a', 'e1-b']);
    expect(sink.pending()).toEqual([]);
    expect(sink.inProgress()).toEqual([]);
    expect(caught(() => crashed.write('zombie')).code).toBe('STATE'); // the crashed run's writer is dead
    expect(sink.inProgress()).toEqual([]);
    writeAll(w, ['e2-a', 'e2-b']);
    await w.preCommit(2);
    await w.commit(2);
    expect(sink.committed()).toEqual(['e1-a', 'e1-b', 'e2-a', 'e2-b']);
  });

  it('crash, then resume from checkpoint 2: its pending epoch is committed, epoch 3 is gone', async () => {
    const { sink, state2 } = await crashedRun();
    const w = await sink.open(stored(state2));
    expect(sink.committed()).toEqual(['e1-a', 'e1-b', 'e2-a', 'e2-b']);
    expect(sink.pending()).toEqual([]);
    expect(sink.inProgress()).toEqual([]);
    expect(caught(() => w.preCommit(2)).code).toBe('STATE');
    // recovering again (a crash during recovery) changes nothing
    await sink.open(stored(state2));
    expect(sink.committed()).toEqual(['e1-a', 'e1-b', 'e2-a', 'e2-b']);
  });

  it('drops committed parts beyond the restored checkpoint (a newer one was found corrupt)', async () => {
    const sink = collectingSink<string>();
    const w = await sink.open(undefined);
    w.write('one');
    const state1 = await w.preCommit(1);
    await w.commit(1);
    w.write('two');
    await w.preCommit(2);
    await w.commit(2);
    expect(sink.committed()).toEqual(['one', 'two']);
    const r = await sink.open(stored(state1));
    expect(sink.committed()).toEqual(['one']);
    r.write('two');
    await r.preCommit(3);
    await r.commit(3);
    expect(sink.committed()).toEqual(['one', 'two']);
  });

  it('a fresh open clears everything', async () => {
    const { sink } = await crashedRun();
    await sink.open(undefined);
    expect(sink.committed()).toEqual([]);
    expect(sink.pending()).toEqual([]);
    expect(sink.inProgress()).toEqual([]);
  });

  it('refuses a state that is not its own, or that covers output it never held', async () => {
    const sink = collectingSink<number>();
    for (const bad of [null, 'x', { upTo: 1 }, { upTo: 1, pending: [2] }, { upTo: 1.5, pending: [] }]) {
      const err = caught(() => sink.open(bad as Json));
      expect(err.code).toBe('SINK');
      expect(err.message).toContain('cannot recover');
    }
    const { state2 } = await crashedRun();
    expect(caught(() => collectingSink<string>().open(stored(state2))).message).toContain('never held'); // a new object: the output is gone
    expect(() => collectingSink<string>().open({ upTo: 4, pending: [] })).not.toThrow();
  });

  it('checkpoint ids must be integers and increase', async () => {
    const w = await collectingSink<number>().open(undefined);
    await w.preCommit(2);
    expect(caught(() => w.preCommit(2)).code).toBe('STATE');
    expect(caught(() => w.preCommit(-3)).code).toBe('INVALID_ARGUMENT');
    expect(caught(() => w.commit(NaN)).code).toBe('INVALID_ARGUMENT');
  });
});
