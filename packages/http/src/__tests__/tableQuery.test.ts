// /query/<operator>?key=… of a lookup join: a key's current table row, asked over HTTP while the
// table's source stands still after some of its changes, equals a Map of the changes fed so far
// (inserts, updates, a delete), although the join's write-back cache has not flushed them to the
// store yet (a /state read of the store finds none of them).
import { CheckpointCoordinator, MemoryCheckpointStorage, arraySource, collectingSink } from '@weir/checkpoint';
import { lookupJoin } from '@weir/join';
import { serveJob } from '../index';
import { pausingSource } from './jobFixture';

interface Customer {
  readonly id: string;
  readonly name: string;
  readonly since: number;
  readonly deleted?: boolean;
}
interface Order {
  readonly customer: string;
  readonly ts: number;
}

const CHANGES: Customer[] = [
  { id: 'c1', name: 'Ada', since: 1 },
  { id: 'c2', name: 'Bo', since: 2 },
  { id: 'c1', name: 'Ada L.', since: 3 },
  { id: 'c2', name: 'Bo', since: 4, deleted: true },
  { id: 'c3', name: 'Cy', since: 5 },
  { id: 'c1', name: 'Ada Lovelace', since: 6 },
];

describe('GET /query/<lookup join>?key=…', () => {
  it("answers a key's current row, live through the write-back cache, as the changes fed so far say", async () => {
    const job = await CheckpointCoordinator.open({ storage: new MemoryCheckpointStorage(), interval: { events: 1_000 } });
    const table = pausingSource(CHANGES, [4]);
    const customers$ = job.source('customers', table.source, { timestamp: (c) => c.since, maxOutOfOrderness: 0 });
    const orders$ = job.source('orders', arraySource<Order>([{ customer: 'c1', ts: 10 }]), { timestamp: (o) => o.ts, maxOutOfOrderness: 0 });
    const enrich = lookupJoin(customers$, { key: (o: Order) => o.customer, tableKey: (c: Customer) => c.id, isDelete: (c) => c.deleted === true, type: 'left', store: job.store('customers'), name: 'customers', checkpoint: job });
    const out$ = orders$.pipe(enrich, job.sink('out', collectingSink()));
    const server = await serveJob(job, { port: 0 });
    const pause = table.at(4);
    try {
      const done = job.run(out$);
      await pause.reached;
      const fed = new Map<string, Customer>();
      for (const c of CHANGES.slice(0, 4)) {
        if (c.deleted === true) fed.delete(c.id);
        else fed.set(c.id, c);
      }
      expect((await (await fetch(`${server.url}/query`)).json()) as unknown).toEqual({ operators: [{ name: 'customers', kind: 'row' }] });
      for (const id of ['c1', 'c2', 'c3']) {
        const res = await fetch(`${server.url}/query/customers?key=${id}`);
        expect(res.status).toBe(200);
        const body = (await res.json()) as { operator: string; kind: string; answer: unknown };
        const row = fed.get(id);
        expect([id, body]).toEqual([id, expect.objectContaining({ operator: 'customers', kind: 'row', answer: row === undefined ? { kind: 'row', key: id, found: false, row: null } : { kind: 'row', key: id, found: true, row } })]);
      }
      // the store behind the cache has none of them yet: only the operator knows
      const stored = (await (await fetch(`${server.url}/state/customers`)).json()) as { entries: Array<{ keyText: string }> };
      expect(stored.entries.filter((e) => e.keyText.includes('"c1"'))).toEqual([]);
      pause.go();
      await done;
      const after = (await (await fetch(`${server.url}/query/customers?key=c1`)).json()) as { answer: unknown };
      expect(after.answer).toEqual({ kind: 'row', key: 'c1', found: true, row: CHANGES[5] });
    } finally {
      pause.go();
      await server.close();
    }
  });
});
