import fc from 'fast-check';
import { InMemoryStore, StateSnapshot } from '@weir/state';
import { barrier, record, watermark, type StreamElement } from '@weir/stream';
import { CheckpointRecorder } from '@weir/stream/testing';
import { sessionWindow, type EmitMode } from '@weir/window';
import { Driver, inputArb, makeAggregate, type AggName, type Out, type Rec } from './sessionOracle';

interface Setup {
  readonly gap: number;
  readonly allowedLateness: number;
  readonly agg: AggName;
  readonly emit: EmitMode;
  readonly earlyFiring?: number | undefined;
  /** Write-back cache size; 0 writes through, undefined is the default. */
  readonly cacheSize?: number | undefined;
  /** The checkpoint takes deferred entries (the barrier log is encoded after the barrier). */
  readonly deferred?: boolean;
}

const makeOp = (s: Setup, store: InMemoryStore, checkpoint?: CheckpointRecorder) =>
  sessionWindow<Rec, string, unknown, unknown>({
    gap: s.gap,
    allowedLateness: s.allowedLateness,
    emit: s.emit,
    earlyFiring: s.earlyFiring,
    ...(s.cacheSize !== undefined ? { cacheSize: s.cacheSize } : {}),
    key: (r) => r.k,
    aggregate: makeAggregate(s.agg),
    store,
    checkpoint,
  });

/** All output of one uninterrupted run (completion included). */
function uninterrupted(s: Setup, elements: readonly StreamElement<Rec>[]): Out[] {
  const d = new Driver(makeOp(s, new InMemoryStore()));
  const out = elements.flatMap((el) => d.push(el) as Out[]);
  out.push(...(d.complete() as Out[]));
  if (d.error !== undefined) throw d.error;
  return out;
}

/**
 * Runs `prefix` then barrier(1) on one instance, stops it, restores the checkpoint-1 snapshot
 * (as the snapshot object, or through its bytes) into a new store, and runs `rest` on a new
 * instance with the same options. Returns both parts' output and the restored store.
 */
function resumed(s: Setup, prefix: readonly StreamElement<Rec>[], rest: readonly StreamElement<Rec>[], viaBytes: boolean): { out: Out[]; store: InMemoryStore } {
  const recorder = new CheckpointRecorder({ takesDeferredEntries: s.deferred === true });
  const first = new Driver(makeOp(s, new InMemoryStore(), recorder));
  const out = prefix.flatMap((el) => first.push(el) as Out[]);
  out.push(...(first.push(barrier(1)) as Out[]));
  expect(recorder.isComplete(1)).toBe(true);
  // the first instance goes on after the barrier: a deferred snapshot must not see it
  if (s.deferred === true) for (const el of rest) first.push(el);
  first.stop();
  expect(recorder.registeredOperators()).toEqual([]);
  const snap = recorder.snapshotsOf(1).get('sessionWindow')!;
  const store = new InMemoryStore();
  store.restore(viaBytes ? StateSnapshot.decode(snap.encode()) : snap);
  const second = new Driver(makeOp(s, store));
  out.push(...rest.flatMap((el) => second.push(el) as Out[]));
  out.push(...(second.complete() as Out[]));
  if (first.error !== undefined) throw first.error;
  if (second.error !== undefined) throw second.error;
  return { out, store };
}

const setupArb = (emit: EmitMode) =>
  fc.record({
    input: inputArb(30),
    emit: fc.constant(emit),
    earlyFiring: emit === 'watermark' ? fc.option(fc.integer({ min: 1, max: 12 }), { nil: undefined }) : fc.constant(undefined),
    cut: fc.nat(),
    cacheSize: fc.constantFrom(undefined, 0, 1, 2, 5, 1000),
    deferred: fc.boolean(),
  });

describe('sessionWindow checkpoint and restore', () => {
  it.each<EmitMode>(['watermark', 'final', 'changelog'])("emit '%s': a run restored from checkpoint 1 emits exactly what an uninterrupted run emits", (emit) => {
    fc.assert(
      fc.property(setupArb(emit), ({ input, earlyFiring, cut, cacheSize }) => {
        const s: Setup = { gap: input.gap, allowedLateness: input.allowedLateness, agg: input.agg, emit, earlyFiring, cacheSize };
        const at = cut % (input.elements.length + 1);
        const prefix = input.elements.slice(0, at);
        const rest = input.elements.slice(at);
        // The reference writes through (no cache): a cached run must be indistinguishable from it.
        const expected = uninterrupted({ ...s, cacheSize: 0 }, [...prefix, barrier(1), ...rest]);
        for (const viaBytes of [false, true]) {
          const r = resumed(s, prefix, rest, viaBytes);
          expect(r.out).toEqual(expected);
          expect(r.store.len()).toBeLessThanOrEqual(1); // only the meta entry: nothing leaked
        }
      }),
      { numRuns: 100 },
    );
  });

  it('restores mid-session: merges, retractions and early firings continue across the restore', () => {
    const s: Setup = { gap: 5, allowedLateness: 11, agg: 'collect', emit: 'watermark', earlyFiring: 3 };
    const ev = (k: string, v: number, t: number) => record({ k, v }, t);
    const prefix = [ev('a', 1, 0), ev('a', 2, 8), ev('b', 3, 1), watermark(3), watermark(14)];
    const rest = [ev('a', 4, 4), ev('b', 5, 4), watermark(20), ev('a', 6, 30)];
    const expected = uninterrupted(s, [...prefix, barrier(1), ...rest]);
    const { out } = resumed(s, prefix, rest, true);
    expect(out).toEqual(expected);
    // the bridge at 4 retracts both fired sessions of a, whatever side of the restore they fired on
    expect(out.filter((o) => o.kind === 'record' && o.value.kind === 'retract').map((o) => (o.kind === 'record' ? [o.value.key, o.value.start, o.value.end] : []))).toEqual([
      ['a', 0, 5],
      ['a', 8, 13],
      ['b', 1, 6],
    ]);
  });
});

describe('sessionWindow state stays bounded', () => {
  it('a long in-order run with a few keys and many sessions keeps few store entries and leaves none behind', () => {
    const store = new InMemoryStore();
    const recorder = new CheckpointRecorder();
    const gap = 10;
    const op = sessionWindow<Rec, string, number, number>({ gap, allowedLateness: 5, key: (r) => r.k, aggregate: makeAggregate('count') as never, store, checkpoint: recorder });
    const d = new Driver(op);
    const keys = ['a', 'b', 'c'];
    let t = 0;
    let maxLen = 0;
    let sessions = 0;
    let fired = 0;
    for (let i = 0; i < 20_000; i++) {
      // bursts of records 1..gap apart, then a pause longer than the gap
      t += i % 7 === 6 ? gap + 1 + (i % 13) : 1 + (i % gap);
      if (i % 7 === 6) sessions++;
      const out = d.push(record({ k: keys[i % keys.length]!, v: 1 }, t));
      fired += out.length;
      if (i % 5 === 0) fired += d.push(watermark(t - 3)).filter((o) => o.kind === 'record').length;
      if (i % 1000 === 0) d.push(barrier(i));
      maxLen = Math.max(maxLen, store.len());
    }
    expect(sessions).toBeGreaterThan(2_000);
    expect(fired).toBeGreaterThan(1_000);
    // per key at most a few live sessions (the current one, and ones waiting out gap + lateness), plus the meta entry
    expect(maxLen).toBeLessThanOrEqual(keys.length * 4 + 1);
    d.push(watermark(Number.POSITIVE_INFINITY));
    d.complete();
    expect(d.error).toBeUndefined();
    expect(store.len()).toBeLessThanOrEqual(1); // only the operator's meta entry (watermark)
    expect(op.metrics.openWindows).toBe(0);
  });
});
