// Restore tests: an operator stopped at a barrier and rebuilt on a fresh store restored from the
// checkpoint's snapshot must continue exactly as if it had never stopped
// (docs/architecture.md §3.4).
import fc from 'fast-check';
import { InMemoryStore, StateSnapshot, type StateStore } from '@weir/state';
import { barrier, record, watermark, type StreamElement } from '@weir/stream';
import { CheckpointRecorder } from '@weir/stream/testing';
import { aggregate, count, hoppingWindow, sum, tumblingWindow, type EmitMode, type WindowResult } from '@weir/window';
import { TimerIndex } from '../../operators/TimerIndex';
import { WindowKeys } from '../../operators/windowState';
import { Driver, SCENARIOS, cumulativeScenario, drive, hoppingScenario, makeAggregate, tumblingScenario, type Rec, type Scenario } from './alignedOracle';

type Out = StreamElement<WindowResult<string, unknown>>;
const NUM_RUNS = 60;
const MODES: readonly EmitMode[] = ['watermark', 'final', 'changelog'];

interface Plan {
  readonly s: Scenario;
  readonly emit: EmitMode;
  /** Early firing interval in scenario units (watermark mode only). */
  readonly early: number | undefined;
  /** Sorted cut points: a barrier and a restore after each. */
  readonly cuts: number[];
  readonly viaBytes: boolean;
  /** Write-back cache size; 0 writes through, undefined is the default. */
  readonly cacheSize: number | undefined;
  /** The checkpoint takes deferred entries: the barrier log is captured and encoded after the barrier. */
  readonly deferred: boolean;
}

function planArb(scenario: fc.Arbitrary<Scenario>, emit: EmitMode): fc.Arbitrary<Plan> {
  return scenario.chain((s) =>
    fc.record({
      s: fc.constant(s),
      emit: fc.constant(emit),
      early: emit === 'watermark' && s.early ? fc.option(fc.integer({ min: 1, max: 8 }), { freq: 2 }).map((x) => x ?? undefined) : fc.constant(undefined),
      cuts: fc.uniqueArray(fc.integer({ min: 0, max: s.input.elements.length }), { minLength: 1, maxLength: 3 }).map((c) => c.sort((a, b) => a - b)),
      viaBytes: fc.boolean(),
      cacheSize: fc.constantFrom(undefined, 0, 1, 2, 5, 1000),
      deferred: fc.boolean(),
    }),
  );
}

function makeOp(p: Plan, store: StateStore, checkpoint?: CheckpointRecorder) {
  return p.s.make({
    store,
    emit: p.emit,
    allowedLateness: p.s.lateness,
    aggregate: makeAggregate(p.s.agg),
    name: 'win',
    ...(p.cacheSize !== undefined ? { cacheSize: p.cacheSize } : {}),
    ...(checkpoint ? { checkpoint } : {}),
    ...(p.early !== undefined ? { earlyFiring: p.early * p.s.unit } : {}),
  });
}

/** Runs the plan with a barrier and a restore into a new store at every cut; returns the output. */
function runWithRestores(p: Plan): Out[] {
  const els = p.s.input.elements;
  const out: Out[] = [];
  let store: StateStore = new InMemoryStore();
  let from = 0;
  p.cuts.forEach((cut, i) => {
    const recorder = new CheckpointRecorder({ takesDeferredEntries: p.deferred });
    const d = new Driver(makeOp(p, store, recorder));
    expect(recorder.registeredOperators()).toEqual(['win']);
    for (const el of els.slice(from, cut)) out.push(...d.push(el));
    const id = i + 1;
    expect(d.push(barrier(id))).toEqual([barrier(id)]); // forwarded, nothing else
    expect(recorder.isComplete(id)).toBe(true);
    const snap = recorder.snapshotsOf(id).get('win')!;
    expect(snap).toBeInstanceOf(StateSnapshot);
    d.stop();
    expect(recorder.registeredOperators()).toEqual([]);
    store = new InMemoryStore();
    store.restore(p.viaBytes ? snap.encode() : snap);
    from = cut;
  });
  const last = drive(makeOp(p, store), els.slice(from));
  out.push(...last.flat());
  expect(store.len()).toBeLessThanOrEqual(1); // only the meta entry is left
  return out;
}

describe.each(SCENARIOS)('%s windows restored from a checkpoint', (_, arb) => {
  it.each(MODES)("emit '%s': output with barriers + restores into new stores equals the uninterrupted output", (emit) => {
    fc.assert(
      fc.property(planArb(arb, emit), (p) => {
        // The reference writes through (no cache): a cached run must be indistinguishable from it.
        const uninterrupted = drive(makeOp({ ...p, cacheSize: 0 }, new InMemoryStore()), p.s.input.elements).flat();
        expect(runWithRestores(p)).toEqual(uninterrupted);
      }),
      { numRuns: NUM_RUNS },
    );
  });
});

describe('snapshots are isolated from later writes', () => {
  it.each(MODES)("emit '%s': the original operator keeps running after the barrier, the snapshot still restores the barrier's state", (emit) => {
    fc.assert(
      fc.property(planArb(fc.oneof(tumblingScenario, hoppingScenario, cumulativeScenario), emit), (p) => {
        const els = p.s.input.elements;
        const cut = p.cuts[0]!;
        const uninterrupted = drive(makeOp({ ...p, cacheSize: 0 }, new InMemoryStore()), els).flat();
        const store = new InMemoryStore();
        const recorder = new CheckpointRecorder({ takesDeferredEntries: p.deferred });
        const d = new Driver(makeOp(p, store, recorder));
        const pre = els.slice(0, cut).flatMap((el) => d.push(el));
        d.push(barrier(7));
        // a deferred snapshot is completed only now, after every later record changed the groups
        const early = p.deferred ? undefined : recorder.snapshotsOf(7).get('win')!;
        const rest = [...els.slice(cut).flatMap((el) => d.push(el)), ...d.complete()];
        const snap = early ?? recorder.snapshotsOf(7).get('win')!;
        expect([...pre, ...rest]).toEqual(uninterrupted); // a barrier changes nothing
        const fresh = new InMemoryStore();
        fresh.restore(StateSnapshot.decode(snap.encode()));
        expect([...pre, ...drive(makeOp(p, fresh), els.slice(cut)).flat()]).toEqual(uninterrupted);
      }),
      { numRuns: NUM_RUNS },
    );
  });
});

describe('concrete restores', () => {
  const ev = (k: string, v: number, ts: number) => record({ k, v }, ts);
  const r = (key: string, start: number, end: number, value: unknown, kind: 'insert' | 'update' | 'retract' = 'insert'): Out => ({
    kind: 'record',
    value: { key, start, end, value, kind },
    timestamp: end - 1,
  });

  it('a fired window kept for allowed lateness: after restore a record within the lateness updates it, a new key inserts', () => {
    const mk = (store: StateStore, checkpoint?: CheckpointRecorder) =>
      tumblingWindow<Rec, string, number, number>({ size: 10, key: (e) => e.k, aggregate: sum((e: Rec) => e.v), store, allowedLateness: 5, name: 't', ...(checkpoint ? { checkpoint } : {}) });
    const store = new InMemoryStore();
    const recorder = new CheckpointRecorder();
    const before = drive(mk(store, recorder), [ev('a', 1, 3), watermark(9), barrier(1)], false);
    // watermarks are forwarded minus the allowed lateness (5)
    expect(before).toEqual([[], [r('a', 0, 10, 1), { kind: 'watermark', timestamp: 4 }], [barrier(1)]]);
    const fresh = new InMemoryStore();
    fresh.restore(recorder.snapshotsOf(1).get('t')!.encode());
    const op = mk(fresh);
    // the restored watermark (9) decides: 6 and 5 are within the lateness (> 9 - 5), and 6 is late after 14
    const after = drive(op, [ev('a', 2, 6), ev('b', 3, 5), watermark(14), ev('a', 9, 6)]);
    expect(after).toEqual([[r('a', 0, 10, 3, 'update')], [r('b', 0, 10, 3, 'insert')], [{ kind: 'watermark', timestamp: 9 }], [], [{ kind: 'watermark', timestamp: Infinity }]]);
    expect(op.metrics.lateRecords).toBe(1);
    expect(op.metrics.watermark).toBe(Infinity);
  });

  it('the restored watermark decides lateness and drops stale watermarks', () => {
    const mk = (store: StateStore, checkpoint?: CheckpointRecorder) =>
      tumblingWindow<Rec, string, number, number>({ size: 10, key: (e) => e.k, aggregate: count(), store, name: 't', ...(checkpoint ? { checkpoint } : {}) });
    const store = new InMemoryStore();
    const recorder = new CheckpointRecorder();
    drive(mk(store, recorder), [ev('a', 1, 12), watermark(15), barrier(3)], false);
    const fresh = new InMemoryStore();
    fresh.restore(recorder.snapshotsOf(3).get('t')!);
    const late: unknown[] = [];
    const op = tumblingWindow<Rec, string, number, number>({ size: 10, key: (e) => e.k, aggregate: count(), store: fresh, name: 't', onLate: (x) => late.push(x) });
    const after = drive(op, [ev('a', 1, 5), watermark(15), watermark(12), ev('a', 1, 16)]);
    expect(after).toEqual([[], [], [], [], [r('a', 10, 20, 2), { kind: 'watermark', timestamp: Infinity }]]);
    expect(late).toHaveLength(1);
  });

  it('two operators sharing one store under different names (one a prefix of the other) restore independently', () => {
    fc.assert(
      fc.property(
        tumblingScenario,
        fc.constantFrom<EmitMode>(...MODES),
        fc.nat(),
        (s, emit, cutSeed) => {
          const els = s.input.elements;
          const cut = cutSeed % (els.length + 1);
          const aggregate = () => makeAggregate(s.agg);
          const a = (store: StateStore, checkpoint?: CheckpointRecorder) =>
            s.make({ store, emit, allowedLateness: s.lateness, aggregate: aggregate(), name: 'agg', ...(checkpoint ? { checkpoint } : {}) });
          const b = (store: StateStore, checkpoint?: CheckpointRecorder) =>
            hoppingWindow<Rec, string, unknown, unknown>({ size: 6, slide: 4, key: (e) => e.k, store, emit, allowedLateness: s.lateness, aggregate: aggregate(), name: 'agg2', ...(checkpoint ? { checkpoint } : {}) });
          const soloA = drive(a(new InMemoryStore()), els).flat();
          const soloB = drive(b(new InMemoryStore()), els).flat();

          const shared = new InMemoryStore();
          const recorder = new CheckpointRecorder();
          const da = new Driver(a(shared, recorder));
          const db = new Driver(b(shared, recorder));
          expect(recorder.registeredOperators().sort()).toEqual(['agg', 'agg2']);
          const preA: Out[] = [];
          const preB: Out[] = [];
          for (const el of els.slice(0, cut)) {
            preA.push(...da.push(el));
            preB.push(...db.push(el));
          }
          da.push(barrier(1));
          db.push(barrier(1));
          expect(recorder.isComplete(1)).toBe(true);
          da.stop();
          db.stop();
          // both reports are snapshots of the same store; the later one holds both operators' state
          const fresh = new InMemoryStore();
          fresh.restore(recorder.snapshotsOf(1).get('agg2')!.encode());
          const da2 = new Driver(a(fresh));
          const db2 = new Driver(b(fresh));
          const postA: Out[] = [];
          const postB: Out[] = [];
          for (const el of els.slice(cut)) {
            postA.push(...da2.push(el));
            postB.push(...db2.push(el));
          }
          postA.push(...da2.complete());
          postB.push(...db2.complete());
          expect([...preA, ...postA]).toEqual(soloA);
          expect([...preB, ...postB]).toEqual(soloB);
          expect(fresh.len()).toBe(2); // the two meta entries
        },
      ),
      { numRuns: 100 },
    );
  });

  it('timers pending at the barrier (an early firing, a purge) are in the snapshot and fire after restore as they would have', () => {
    const mk = (store: StateStore, checkpoint?: CheckpointRecorder) =>
      tumblingWindow<Rec, string, number, number>({ size: 10, key: (e) => e.k, aggregate: sum((e: Rec) => e.v), store, allowedLateness: 10, earlyFiring: 4, name: 't', ...(checkpoint ? { checkpoint } : {}) });
    const before = [ev('a', 1, 1), ev('b', 2, 12), watermark(9)];
    const after = [watermark(13), ev('b', 3, 13), watermark(15), ev('a', 4, 8), watermark(19), ev('a', 5, 9), ev('c', 6, 21)];
    const uninterrupted = drive(mk(new InMemoryStore()), [...before, ...after]);
    const store = new InMemoryStore();
    const recorder = new CheckpointRecorder();
    const first = drive(mk(store, recorder), [...before, barrier(1)], false);
    // [0, 10) fired at 9 and waits for late records until 19; [10, 20) fires early at 14
    expect(first.flat()).toEqual([r('a', 0, 10, 1), { kind: 'watermark', timestamp: -1 }, barrier(1)]);
    const fresh = new InMemoryStore();
    fresh.restore(recorder.snapshotsOf(1).get('t')!.encode());
    const pending = new TimerIndex(fresh, new WindowKeys('t')).all().map(({ due, end, start, flags }) => ({ due, end, start, flags }));
    expect(pending).toEqual([
      { due: 14, end: 20, start: 10, flags: 0 },
      { due: 19, end: 10, start: 0, flags: 1 },
    ]);
    const resumed = drive(mk(fresh), after);
    expect([...first.flat().slice(0, 2), ...resumed.flat()]).toEqual(uninterrupted.flat());
    expect(resumed).toEqual([
      [{ kind: 'watermark', timestamp: 3 }],
      [],
      [r('b', 10, 20, 5), { kind: 'watermark', timestamp: 5 }], // [10, 20)'s early firing, due at 14
      [r('a', 0, 10, 5, 'update')], // within the allowed lateness of the fired [0, 10)
      [{ kind: 'watermark', timestamp: 9 }], // [10, 20) fires with nothing new; [0, 10) is purged
      [], // late
      [],
      [r('c', 20, 30, 6), { kind: 'watermark', timestamp: Infinity }],
    ]);
    expect(fresh.len()).toBe(1); // the meta entry: every timer went with its window
  });

  it('hopping windows: the timers of fired and pending windows are in the snapshot and fire after restore as they would have', () => {
    const mk = (store: StateStore, checkpoint?: CheckpointRecorder) =>
      hoppingWindow<Rec, string, number, number>({ size: 10, slide: 5, key: (e) => e.k, aggregate: sum((e: Rec) => e.v), store, allowedLateness: 5, name: 'h', ...(checkpoint ? { checkpoint } : {}) });
    const before = [ev('a', 1, 1), ev('b', 2, 7), watermark(4)];
    const after = [ev('a', 3, 3), watermark(9), ev('c', 4, 8), watermark(20)];
    const uninterrupted = drive(mk(new InMemoryStore()), [...before, ...after]);
    const recorder = new CheckpointRecorder();
    const first = drive(mk(new InMemoryStore(), recorder), [...before, barrier(1)], false);
    expect(first.flat()).toEqual([r('a', -5, 5, 1), { kind: 'watermark', timestamp: -1 }, barrier(1)]);
    const fresh = new InMemoryStore();
    fresh.restore(recorder.snapshotsOf(1).get('h')!.encode());
    const pending = new TimerIndex(fresh, new WindowKeys('h')).all().map(({ due, end, start, flags }) => ({ due, end, start, flags }));
    expect(pending).toEqual([
      { due: 9, end: 5, start: -5, flags: 1 }, // fired at 4, purged at 9
      { due: 9, end: 10, start: 0, flags: 0 }, // fires at 9
      { due: 14, end: 15, start: 5, flags: 0 },
    ]);
    const resumed = drive(mk(fresh), after);
    expect([...first.flat().slice(0, 2), ...resumed.flat()]).toEqual(uninterrupted.flat());
    expect(resumed).toEqual([
      [r('a', -5, 5, 4, 'update')], // within the allowed lateness of the fired [-5, 5)
      [r('a', 0, 10, 4), r('b', 0, 10, 2), { kind: 'watermark', timestamp: 4 }],
      [r('c', 0, 10, 4, 'insert')], // [0, 10) fired and waits for late records until 14
      [r('b', 5, 15, 2), r('c', 5, 15, 4), { kind: 'watermark', timestamp: 15 }],
      [{ kind: 'watermark', timestamp: Infinity }],
    ]);
    expect(fresh.len()).toBe(1); // the meta entry: every timer went with its window
  });

  it('a window left without accumulators (its only record failed) keeps its timer across a restore and is purged', () => {
    // Regression: such a window's fired marker used to outlive a restore and stay in the store.
    let fail = true;
    const agg = aggregate<Rec, number, number>({
      create: () => 0,
      add: (acc, e) => {
        if (fail) throw new Error('bad record');
        return acc + e.v;
      },
      merge: (a, b) => a + b,
      result: (acc) => acc,
    });
    const mk = (store: StateStore, checkpoint?: CheckpointRecorder) =>
      tumblingWindow<Rec, string, number, number>({ size: 10, key: (e) => e.k, aggregate: agg, store, allowedLateness: 20, name: 't', onInvalid: () => undefined, ...(checkpoint ? { checkpoint } : {}) });
    const store = new InMemoryStore();
    const recorder = new CheckpointRecorder();
    drive(mk(store, recorder), [ev('a', 1, 3), watermark(9), barrier(1)], false);
    const fresh = new InMemoryStore();
    fresh.restore(recorder.snapshotsOf(1).get('t')!.encode());
    fail = false;
    const out = drive(mk(fresh), [ev('a', 2, 14), watermark(40)]);
    expect(out).toEqual([[], [r('a', 10, 20, 2), { kind: 'watermark', timestamp: 20 }], [{ kind: 'watermark', timestamp: Infinity }]]);
    expect(fresh.len()).toBe(1); // the meta entry
  });
});
