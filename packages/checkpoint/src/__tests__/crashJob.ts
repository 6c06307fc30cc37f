// The job the crash test kills: orders left-joined with payments (interval join, 0..30 s), then
// paid and unpaid orders counted per region in tumbling 10 s windows. File sources, file sinks,
// checkpoints every 1,000 events. Run: node -r ts-node/register crashJob.ts <data> <checkpoints> <out> [memory|lmdb]
// With `lmdb`, every store is an LmdbStore (in <checkpoints>-lmdb/<store name>): the one line
// that changes is the coordinator's storeFactory.
import type { StateStore } from '@weir/state';
import { mapRecords, type StreamElement } from '@weir/stream';
import { count, tumblingWindow } from '@weir/window';
import { intervalJoin, type JoinedRecord } from '@weir/join';
import { CheckpointCoordinator, FileCheckpointStorage, jsonLinesSink, jsonLinesSource } from '../index';
import type { Observable } from 'rxjs';
import { share } from 'rxjs';
import { join } from 'node:path';

interface Order {
  readonly id: number;
  readonly region: string;
  readonly ts: number;
}
interface Payment {
  readonly order: number;
  readonly ts: number;
}

async function main(): Promise<void> {
  const [data, checkpoints, out, store = 'memory'] = process.argv.slice(2) as [string, string, string, string?];
  const job = await CheckpointCoordinator.open({
    storage: new FileCheckpointStorage(checkpoints, { retain: 3 }),
    interval: { events: 1_000 },
    batchSize: 100,
    ...(store === 'lmdb' ? { storeFactory: await lmdbStores(`${checkpoints}-lmdb`) } : {}),
  });
  const orders$ = job.source('orders', jsonLinesSource<Order>(join(data, 'orders.jsonl')), { timestamp: (o) => o.ts, maxOutOfOrderness: 2_000 });
  const payments$ = job.source('payments', jsonLinesSource<Payment>(join(data, 'payments.jsonl')), { timestamp: (p) => p.ts, maxOutOfOrderness: 2_000 });
  const joined$ = orders$.pipe(
    intervalJoin(payments$, { leftKey: (o: Order) => o.id, rightKey: (p: Payment) => p.order, lowerBound: 0, upperBound: 30_000, type: 'left', store: job.store('paid'), name: 'paid', checkpoint: job }),
    share(),
  ) as Observable<StreamElement<JoinedRecord<Order, Payment | undefined>>>;
  const counts$ = joined$.pipe(
    mapRecords((r) => ({ region: r.left.region, paid: r.right !== undefined })),
    tumblingWindow({ size: 10_000, key: (r: { region: string; paid: boolean }) => `${r.region}/${r.paid ? 'paid' : 'unpaid'}`, aggregate: count(), store: job.store('counts'), name: 'counts', checkpoint: job }),
  );
  process.stdout.write('started\n');
  await job.run(joined$.pipe(job.sink('joined', jsonLinesSink(join(out, 'joined')))), counts$.pipe(job.sink('counts', jsonLinesSink(join(out, 'counts')))));
  process.stdout.write('done\n');
}

/** The store factory that puts every store on LMDB (loaded only when asked for). */
async function lmdbStores(dir: string): Promise<(name: string) => StateStore> {
  const { LmdbStore } = await import('@weir/state-lmdb');
  return (name) => new LmdbStore({ path: join(dir, name) });
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
