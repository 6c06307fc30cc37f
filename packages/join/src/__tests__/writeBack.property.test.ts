// The write-back default against write-through: whatever the rows held between barriers, at every
// barrier the store must hold exactly what a join writing every change through holds (the store
// is the source of truth at each barrier, docs/architecture.md §3.2), and the output must be the
// same. A small cacheSize exercises the overflow path (a change written at once when the set is
// full), the default the path where everything waits for the barrier.
import fc from 'fast-check';
import type { Subject } from 'rxjs';
import { InMemoryStore, StateSnapshot, toHex, type StateStore } from '@weir/state';
import { barrier, type CheckpointHook, type StreamElement } from '@weir/stream';
import { CheckpointRecorder } from '@weir/stream/testing';
import { asofJoin, intervalJoin, lookupJoin, temporalJoin, type AsofDirection, type IntervalJoinType, type JoinOperator } from '../index';
import { JoinDriver, scriptArb, type Item, type Step } from './joinDriver';

type TableItem = Item & { readonly del?: true };
type Make = (right$: Subject<StreamElement<TableItem>>, store: StateStore, checkpoint: CheckpointHook, cacheSize: number | undefined) => JoinOperator<Item, unknown>;

const sized = (cacheSize: number | undefined): { cacheSize?: number } => (cacheSize === undefined ? {} : { cacheSize });

const JOINS: ReadonlyArray<readonly [string, fc.Arbitrary<Make>]> = [
  [
    'intervalJoin',
    fc.record({ lower: fc.integer({ min: -8, max: 4 }), span: fc.integer({ min: 0, max: 10 }), type: fc.constantFrom<IntervalJoinType>('inner', 'left', 'right', 'full', 'semi', 'anti') }).map(
      ({ lower, span, type }): Make =>
        (right$, store, checkpoint, cacheSize) =>
          intervalJoin<Item, Item, IntervalJoinType>(right$, { leftKey: (v) => v.k, rightKey: (v) => v.k, lowerBound: lower, upperBound: lower + span, type, store, checkpoint, name: 'j', ...sized(cacheSize) }) as never,
    ),
  ],
  [
    'asofJoin',
    fc.record({ direction: fc.constantFrom<AsofDirection>('backward', 'forward', 'nearest'), tolerance: fc.constantFrom(undefined, 0, 5) }).map(
      ({ direction, tolerance }): Make =>
        (right$, store, checkpoint, cacheSize) =>
          asofJoin<Item, Item, 'left'>(right$, { key: (v) => v.k, direction, type: 'left', store, checkpoint, name: 'j', ...(tolerance === undefined ? {} : { tolerance }), ...sized(cacheSize) }) as never,
    ),
  ],
  [
    'lookupJoin',
    fc.constant<Make>(
      (right$, store, checkpoint, cacheSize) => lookupJoin<Item, TableItem, 'left'>(right$, { key: (v) => v.k, tableKey: (v) => v.k, isDelete: (v) => v.del === true, type: 'left', store, checkpoint, name: 'j', ...sized(cacheSize) }) as never,
    ),
  ],
  [
    'temporalJoin',
    fc.constantFrom(0, 3).map(
      (allowedLateness): Make =>
        (right$, store, checkpoint, cacheSize) =>
          temporalJoin<Item, TableItem, 'left'>(right$, { key: (v) => v.k, tableKey: (v) => v.k, isDelete: (v) => v.del === true, type: 'left', allowedLateness, store, checkpoint, name: 'j', ...sized(cacheSize) }) as never,
    ),
  ],
];

/** Every entry of a snapshot, as hex text, in key order. */
function entriesOf(snapshot: StateSnapshot): string[] {
  const store = new InMemoryStore();
  store.restore(snapshot);
  return [...store.prefixScan(new Uint8Array(0))].map(([k, v]) => `${toHex(k)}=${toHex(v)}`);
}

/** Runs `steps` with a barrier into both inputs before each step index in `barriers`; returns the output and each checkpoint's entries. */
/** An InMemoryStore whose snapshots are lazily backed (as an LmdbStore's are): completed by merging. */
class LazyStore extends InMemoryStore {
  override snapshot(): StateSnapshot {
    const inner = super.snapshot();
    return StateSnapshot.fromSource({ len: inner.len(), sizeBytes: inner.sizeBytes(), entries: () => inner.entries() });
  }
}

function run(make: Make, steps: readonly Step<Item, TableItem>[], barriers: ReadonlySet<number>, cacheSize: number | undefined, deferred = false, completeAfter?: number | 'next barrier', lazy = false) {
  // deferred: the rows waiting at each barrier are captured, and encoded (and written to the store)
  // `completeAfter` steps after their barrier, just after the next barrier, or at the end: after
  // later steps changed, expired or removed them, and later barriers captured them again
  const recorder = new CheckpointRecorder({ takesDeferredEntries: deferred });
  const d = new JoinDriver<Item, TableItem, unknown>((r: Subject<StreamElement<TableItem>>) => make(r, lazy ? new LazyStore() : new InMemoryStore(), recorder, cacheSize));
  let id = 0;
  let since = 0;
  steps.forEach((step, i) => {
    if (barriers.has(i)) {
      id++;
      since = 0;
      d.push({ side: 'left', el: barrier(id) });
      d.push({ side: 'right', el: barrier(id) });
      if (completeAfter === 'next barrier' && id > 1) recorder.snapshotsOf(id - 1);
    }
    if (id > 0 && since++ === completeAfter) recorder.snapshotsOf(id);
    d.push(step);
  });
  d.complete();
  if (d.error !== undefined) throw d.error;
  const checkpoints = Array.from({ length: id }, (_, n) => entriesOf(recorder.snapshotsOf(n + 1).get('j')!));
  return { out: d.out, checkpoints };
}

describe('write-back (the default, and a small cacheSize) against write-through', () => {
  it.each(JOINS)('%s: the same store at every barrier, the same output', (_name, makeArb) => {
    fc.assert(
      fc.property(scriptArb({ tombstones: true }), makeArb, fc.uniqueArray(fc.nat(60), { maxLength: 6 }), (steps, make, at) => {
        const barriers = new Set(at.map((i) => i % (steps.length + 1)));
        const through = run(make, steps, barriers, 0);
        for (const cacheSize of [undefined, 2]) {
          for (const [deferred, completeAfter, lazy] of [[false, undefined], [true, undefined], [true, 0], [true, 3], [true, 'next barrier'], [true, 'next barrier', true]] as const) {
            const back = run(make, steps, barriers, cacheSize, deferred, completeAfter, lazy);
            expect(back.checkpoints).toEqual(through.checkpoints);
            expect(back.out).toEqual(through.out);
          }
        }
      }),
      { numRuns: 150 },
    );
  });
});
