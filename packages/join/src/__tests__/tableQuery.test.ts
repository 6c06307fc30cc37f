// The key query of table joins (job.view().query(name), served as /query/<operator>): a key's
// current row, read live through the operator's write-back cache, equals a reference table after
// every change, whatever the cache size (the store lags the cache until the next barrier).
import fc from 'fast-check';
import type { Subject } from 'rxjs';
import { InMemoryStore, type KeyPart } from '@weir/state';
import { record, watermark, type CheckpointHook, type OperatorQuery, type StreamElement } from '@weir/stream';
import { JoinError, lookupJoin, temporalJoin, type TableRowState } from '../index';
import { JoinDriver, onLeft, onRight } from './joinDriver';

interface Row {
  readonly id: string;
  readonly v: number;
  readonly deleted?: boolean;
}
interface Probe {
  readonly id: string;
}
const IDS = ['a', 'b', 'c'] as const;

function queryHook(): { hook: CheckpointHook; queries: Map<string, OperatorQuery> } {
  const queries = new Map<string, OperatorQuery>();
  const hook: CheckpointHook = {
    register: (name, _metrics, query) => {
      if (query !== undefined) queries.set(name, query);
    },
    snapshotTaken: () => undefined,
  };
  return { hook, queries };
}

describe('lookupJoin key query', () => {
  const change = fc.record({ id: fc.constantFrom(...IDS), v: fc.integer({ min: 0, max: 99 }), deleted: fc.boolean() });

  it.each([0, 2, 8_192])('after every table change, each key\'s row equals the reference table (cacheSize %d)', (cacheSize) => {
    fc.assert(
      fc.property(fc.array(change, { maxLength: 40 }), (changes) => {
        const { hook, queries } = queryHook();
        const d = new JoinDriver<Probe, Row, unknown>((table$: Subject<StreamElement<Row>>) =>
          lookupJoin<Probe, Row>(table$, { name: 'enrich', key: (p) => p.id, tableKey: (r) => r.id, isDelete: (r) => r.deleted === true, store: new InMemoryStore(), checkpoint: hook, cacheSize }),
        );
        const query = queries.get('enrich')!;
        expect(query.kind).toBe('row');
        const ref = new Map<string, Row>();
        changes.forEach((c, i) => {
          d.push(onRight(record(c, i)));
          if (c.deleted) ref.delete(c.id);
          else ref.set(c.id, c);
          for (const id of IDS) {
            const got = query.query(id) as TableRowState<Row>;
            expect(got).toEqual({ kind: 'row', key: id, found: ref.has(id), row: ref.get(id) });
          }
        });
        d.stop();
      }),
      { numRuns: 80 },
    );
  });

  it('refuses a key that cannot be a table key with INVALID_KEY', () => {
    const { hook, queries } = queryHook();
    const d = new JoinDriver<Probe, Row, unknown>((table$: Subject<StreamElement<Row>>) =>
      lookupJoin<Probe, Row>(table$, { name: 'enrich', key: (p) => p.id, tableKey: (r) => r.id, store: new InMemoryStore(), checkpoint: hook }),
    );
    let thrown: unknown;
    try {
      queries.get('enrich')!.query({} as unknown as KeyPart);
    } catch (err) {
      thrown = err;
    }
    expect(thrown).toBeInstanceOf(JoinError);
    expect((thrown as JoinError).code).toBe('INVALID_KEY');
    d.stop();
  });
});

describe('temporalJoin key query', () => {
  it('answers the latest version of a key with its version time; a tombstone or no version is not found', () => {
    const { hook, queries } = queryHook();
    const d = new JoinDriver<Probe, Row, unknown>((table$: Subject<StreamElement<Row>>) =>
      temporalJoin<Probe, Row>(table$, { name: 'rates', key: (p) => p.id, tableKey: (r) => r.id, isDelete: (r) => r.deleted === true, store: new InMemoryStore(), checkpoint: hook, cacheSize: 1 }),
    );
    const q = (id: string): TableRowState<Row> => queries.get('rates')!.query(id) as TableRowState<Row>;
    expect(q('a')).toEqual({ kind: 'row', key: 'a', found: false, row: undefined, version: undefined });
    d.push(onRight(record({ id: 'a', v: 1 }, 10)));
    d.push(onRight(record({ id: 'a', v: 3 }, 30)));
    d.push(onRight(record({ id: 'a', v: 2 }, 20))); // an older version arriving later does not replace the latest
    d.push(onRight(record({ id: 'b', v: 7 }, 5)));
    expect(q('a')).toEqual({ kind: 'row', key: 'a', found: true, row: { id: 'a', v: 3 }, version: 30 });
    expect(q('b')).toEqual({ kind: 'row', key: 'b', found: true, row: { id: 'b', v: 7 }, version: 5 });
    d.push(onRight(record({ id: 'a', v: 0, deleted: true }, 40)));
    expect(q('a').found).toBe(false);
    d.push(onLeft(record({ id: 'b' }, 50)));
    d.push(onLeft(watermark(60)));
    d.push(onRight(watermark(60))); // expires superseded versions; b's only version stays
    expect(q('b')).toEqual({ kind: 'row', key: 'b', found: true, row: { id: 'b', v: 7 }, version: 5 });
    expect(d.error).toBeUndefined();
    d.stop();
  });
});
