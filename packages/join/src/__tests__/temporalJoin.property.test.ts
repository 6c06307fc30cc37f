import fc from 'fast-check';
import type { Subject } from 'rxjs';
import type { StateStore } from '@weir/state';
import type { CheckpointHook, StreamElement } from '@weir/stream';
import { temporalJoin, type JoinedRecord, type TemporalJoinType } from '../index';
import { expectNothingLate, rowsOf, runJoin, runWithRestore, watermarksAtArrival, type Item, type Step } from './joinDriver';
import { recordsOf, tableScriptArb, type TableItem } from './tableScript';

/** A cacheSize to test: a number, or 'default' (the option left out: the bounded write-back default). */
type CacheSize = number | 'default';

type Out = JoinedRecord<Item, TableItem | undefined>;

interface Case {
  readonly type: TemporalJoinType;
  readonly retention: number;
}

const caseArb: fc.Arbitrary<Case> = fc.record({ type: fc.constantFrom<TemporalJoinType>('inner', 'left'), retention: fc.constantFrom(0, 0, 3, 10) });

function maker(c: Case, late?: { left: string[]; right: string[] }, cacheSize: CacheSize = 0) {
  return (right$: Subject<StreamElement<TableItem>>, store: StateStore, checkpoint?: CheckpointHook) =>
    temporalJoin<Item, TableItem, TemporalJoinType>(right$, {
      key: (v) => v.k,
      tableKey: (v) => v.k,
      isDelete: (v) => v.del === true,
      type: c.type,
      retention: c.retention,
      store,
      ...(cacheSize === 'default' ? {} : { cacheSize }),
      name: 'tj',
      ...(checkpoint === undefined ? {} : { checkpoint }),
      ...(late === undefined ? {} : { onLateLeft: (r) => late.left.push(r.value.id), onLateRight: (r) => late.right.push(r.value.id) }),
    }) as never;
}

interface Version {
  readonly id: string;
  readonly k: number;
  readonly v: number;
  readonly del: boolean;
  /** Index of the step it arrived at. */
  readonly at: number;
}

interface Expected {
  /** Output records `left|right@t`, in emission order. */
  readonly records: string[];
  /** The same, each left record joined with every non-late version (whenever it arrived). */
  readonly timeless: string[];
  readonly lateLeft: string[];
  readonly lateRight: string[];
}

/**
 * The batch oracle, in plain loops. With W the join's watermark when a record arrives
 * (`watermarksAtArrival`): a record at or below W - retention is late. Every other left record
 * at t is joined when W reaches t (at once if it already has): with the latest non-late version
 * of its key with time <= t (the later arrival on a tie) among the versions that arrived before
 * that step; a tombstone or no version is a miss.
 */
function temporalOracle(steps: readonly Step<Item, TableItem>[], c: Case): Expected {
  const at = watermarksAtArrival(steps);
  // the join's watermark after each step
  const after = steps.map((_, i) => (i + 1 < steps.length ? at[i + 1]! : Infinity));
  const lateLeft: string[] = [];
  const lateRight: string[] = [];
  const versions: Version[] = [];
  const lefts: { id: string; k: number; t: number; at: number; emitAt: number }[] = [];
  steps.forEach((s, i) => {
    if (s.el.kind !== 'record') return;
    const ts = s.el.timestamp;
    const late = ts <= at[i]! - c.retention;
    if (s.side === 'right') {
      const r = s.el.value as TableItem;
      if (late) lateRight.push(r.id);
      else versions.push({ id: r.id, k: r.k, v: ts, del: r.del === true, at: i });
      return;
    }
    const l = s.el.value as Item;
    if (late) {
      lateLeft.push(l.id);
      return;
    }
    let emitAt = steps.length; // completion
    if (ts <= at[i]!) emitAt = i;
    else {
      for (let j = i + 1; j < steps.length; j++) {
        if (steps[j]!.el.kind === 'watermark' && after[j]! >= ts) {
          emitAt = j;
          break;
        }
      }
    }
    lefts.push({ id: l.id, k: l.k, t: ts, at: i, emitAt });
  });
  const rowOf = (l: (typeof lefts)[number], arrivedBefore: number): string | undefined => {
    let best: Version | undefined;
    for (const v of versions) {
      if (v.k !== l.k || v.v > l.t || v.at >= arrivedBefore) continue;
      if (best === undefined || v.v > best.v || (v.v === best.v && v.at > best.at)) best = v;
    }
    if (best !== undefined && !best.del) return `${l.id}|${best.id}@${l.t}`;
    return c.type === 'left' ? `${l.id}|-@${l.t}` : undefined;
  };
  // emission order: by the step that releases them, then time, then arrival
  const ordered = [...lefts].sort((a, b) => a.emitAt - b.emitAt || a.t - b.t || a.at - b.at);
  const records: string[] = [];
  const timeless: string[] = [];
  for (const l of ordered) {
    const row = rowOf(l, l.emitAt);
    if (row !== undefined) records.push(row);
    const anyTime = rowOf(l, Infinity);
    if (anyTime !== undefined) timeless.push(anyTime);
  }
  return { records, timeless, lateLeft, lateRight };
}

describe('temporalJoin against a batch oracle', () => {
  it.each([0, 3, 'default'] as const)('emits exactly the oracle rows, in order, for both types (cacheSize %s)', (cacheSize) => {
    fc.assert(
      fc.property(tableScriptArb(), caseArb, (steps, c) => {
        const late = { left: [] as string[], right: [] as string[] };
        const out = runJoin<Item, TableItem, Out>(maker(c, late, cacheSize), steps);
        const expected = temporalOracle(steps, c);
        expect(rowsOf(out)).toEqual([...expected.records].sort());
        expect(recordsOf(out)).toEqual(expected.records);
        expect(late.left).toEqual(expected.lateLeft);
        expect(late.right).toEqual(expected.lateRight);
        expectNothingLate(out);
        // without retention the result does not depend on when non-late versions arrived
        if (c.retention === 0) expect(expected.timeless).toEqual(expected.records);
      }),
      { numRuns: 400 },
    );
  });

  it('finds a version that arrived after its left record (held until the watermark)', () => {
    // a focused case the random scripts hit often; kept so a failure reads plainly
    const steps: Step<Item, TableItem>[] = [
      { side: 'left', el: { kind: 'record', value: { id: 'l0', k: 0 }, timestamp: 5 } },
      { side: 'right', el: { kind: 'record', value: { id: 'r0', k: 0 }, timestamp: 3 } },
      { side: 'left', el: { kind: 'watermark', timestamp: 10 } },
      { side: 'right', el: { kind: 'watermark', timestamp: 10 } },
    ];
    const out = runJoin<Item, TableItem, Out>(maker({ type: 'inner', retention: 0 }), steps);
    expect(recordsOf(out)).toEqual(['l0|r0@5']);
  });

  it.each(['inner', 'left'] as const)('%s join: snapshot -> restore -> continue gives the uninterrupted output, element for element', (type) => {
    fc.assert(
      fc.property(tableScriptArb(), fc.constantFrom(0, 0, 3, 10), fc.nat(), fc.constantFrom<CacheSize>(0, 2, 'default'), (steps, retention, at, cacheSize) => {
        const c = { type, retention };
        const cut = steps.length === 0 ? 0 : at % (steps.length + 1);
        const whole = runJoin<Item, TableItem, Out>(maker(c, undefined, cacheSize), steps);
        const resumed = runWithRestore<Item, TableItem, Out>(maker(c, undefined, cacheSize), steps, cut, 'tj');
        expect(resumed).toEqual(whole);
      }),
      { numRuns: 300 },
    );
  });
});
