import fc from 'fast-check';
import type { Subject } from 'rxjs';
import type { StateStore } from '@weir/state';
import type { CheckpointHook, StreamElement } from '@weir/stream';
import { lookupJoin, type JoinedRecord, type LookupJoinType } from '../index';
import { rowsOf, runJoin, runWithRestore, type Item, type Step } from './joinDriver';
import { recordsOf, tableScriptArb, watermarksOf, type TableItem } from './tableScript';

/** A cacheSize to test: a number, or 'default' (the option left out: the bounded write-back default). */
type CacheSize = number | 'default';

type Out = JoinedRecord<Item, TableItem | undefined>;

function maker(type: LookupJoinType, late?: { left: string[]; right: string[] }, cacheSize: CacheSize = 0) {
  return (right$: Subject<StreamElement<TableItem>>, store: StateStore, checkpoint?: CheckpointHook) =>
    lookupJoin<Item, TableItem, LookupJoinType>(right$, {
      key: (v) => v.k,
      tableKey: (v) => v.k,
      isDelete: (v) => v.del === true,
      type,
      store,
      ...(cacheSize === 'default' ? {} : { cacheSize }),
      name: 'lj',
      ...(checkpoint === undefined ? {} : { checkpoint }),
      ...(late === undefined ? {} : { onLateLeft: (r) => late.left.push(r.value.id), onLateRight: (r) => late.right.push(r.value.id) }),
    }) as never;
}

/**
 * The batch oracle: replay the steps in arrival order with a Map as the table. Returns the output
 * records in emission order, the watermarks to forward (the left input's, then +Infinity when
 * the left input completes), and the late left records (at or below the left watermark: the
 * lateness rule, allowed lateness 0; the table input has no event time, nothing on it is late).
 */
function lookupOracle(steps: readonly Step<Item, TableItem>[], type: LookupJoinType): { records: string[]; watermarks: number[]; late: string[] } {
  const table = new Map<number, TableItem>();
  const records: string[] = [];
  const watermarks: number[] = [];
  const late: string[] = [];
  let wm = -Infinity;
  for (const s of steps) {
    if (s.el.kind === 'watermark') {
      if (s.side === 'left') {
        watermarks.push(s.el.timestamp);
        wm = Math.max(wm, s.el.timestamp);
      }
      continue;
    }
    if (s.el.kind !== 'record') continue;
    if (s.side === 'right') {
      const r = s.el.value as TableItem;
      if (r.del === true) table.delete(r.k);
      else table.set(r.k, r);
    } else {
      const l = s.el.value as Item;
      if (s.el.timestamp <= wm) {
        late.push(l.id);
        continue;
      }
      const r = table.get(l.k);
      if (r !== undefined) records.push(`${l.id}|${r.id}@${s.el.timestamp}`);
      else if (type === 'left') records.push(`${l.id}|-@${s.el.timestamp}`);
    }
  }
  watermarks.push(Infinity);
  return { records, watermarks, late };
}

describe('lookupJoin against an arrival-order Map oracle', () => {
  it.each([
    ['inner', 0],
    ['left', 0],
    ['inner', 3],
    ['left', 3],
    ['inner', 'default'],
    ['left', 'default'],
  ] as const)('%s join emits exactly the oracle rows (cacheSize %s)', (type, cacheSize) => {
    fc.assert(
      fc.property(tableScriptArb(), (steps) => {
        const late = { left: [] as string[], right: [] as string[] };
        const out = runJoin<Item, TableItem, Out>(maker(type, late, cacheSize), steps);
        const expected = lookupOracle(steps, type);
        expect(rowsOf(out)).toEqual([...expected.records].sort());
        // a lookup is decided on arrival: the order is the left records' arrival order
        expect(recordsOf(out)).toEqual(expected.records);
        // only the left input's watermarks count, forwarded unchanged
        expect(watermarksOf(out)).toEqual(expected.watermarks);
        // the lateness rule judges the left input only
        expect(late).toEqual({ left: expected.late, right: [] });
      }),
      { numRuns: 300 },
    );
  });

  it.each(['inner', 'left'] as const)('%s join: snapshot -> restore -> continue gives the uninterrupted output, element for element', (type) => {
    fc.assert(
      fc.property(tableScriptArb(), fc.nat(), fc.constantFrom<CacheSize>(0, 2, 'default'), (steps, at, cacheSize) => {
        const cut = steps.length === 0 ? 0 : at % (steps.length + 1);
        const whole = runJoin<Item, TableItem, Out>(maker(type, undefined, cacheSize), steps);
        const resumed = runWithRestore<Item, TableItem, Out>(maker(type, undefined, cacheSize), steps, cut, 'lj');
        expect(resumed).toEqual(whole);
      }),
      { numRuns: 300 },
    );
  });
});
