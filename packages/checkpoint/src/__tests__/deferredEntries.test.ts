// Deferred snapshot entries (docs/architecture.md §5.3): an operator captures part of its state at
// the barrier and the coordinator adds the entries after it (a window's barrier log and meta entry
// go this way: its restore and crash tests cover them); one that cannot be produced fails the job.
import { StateSnapshot, type Entry, type StateStore } from '@weir/state';
import { OperatorCounters, statefulOperator, type StreamElement } from '@weir/stream';
import type { Observable } from 'rxjs';
import { CheckpointCoordinator, CheckpointError, MemoryCheckpointStorage, arraySource, collectingSink } from '../index';

interface Click {
  readonly page: string;
  readonly ts: number;
}

const clicks = (n: number): Click[] => Array.from({ length: n }, (_, i) => ({ page: `p${(i * 7) % 400}`, ts: i * 10 }));

/** An operator whose capture defers entries produced by `produce` (one per call, undefined when done). */
const deferring =
  (store: StateStore, checkpoint: CheckpointCoordinator, produce: () => Entry | undefined) =>
  (input: Observable<StreamElement<Click>>): Observable<StreamElement<Click>> =>
    statefulOperator<Click, Click>(
      { name: 'deferring', where: "operator 'deferring'", store, checkpoint, allowedLateness: 0, counters: new OperatorCounters(store), typed: (e) => e },
      (ctx) => ({
        load() {},
        input: () => input,
        late() {},
        onRecord: (r) => ctx.emit(r.value, r.timestamp),
        advance() {},
        outputWatermark: (wm) => wm,
        flush() {},
        capture: () => ({
          next: (): IteratorResult<Entry> => {
            const e = produce();
            return e === undefined ? { done: true, value: undefined } : { done: false, value: e };
          },
        }),
      }),
    );

describe('deferred snapshot entries', () => {
  it('an entry that cannot be produced fails the job with CheckpointError STATE naming the store and checkpoint', async () => {
    const job = await CheckpointCoordinator.open({ storage: new MemoryCheckpointStorage(), interval: { events: 100 }, batchSize: 10 });
    let calls = 0;
    const failing = (): Entry | undefined => {
      if (++calls === 2) throw new RangeError('accumulator codec broke');
      return calls % 3 === 0 ? undefined : [Uint8Array.of(0xee, calls), Uint8Array.of(1)];
    };
    const out = job.source('clicks', arraySource(clicks(500)), { timestamp: (c) => c.ts, maxOutOfOrderness: 0 }).pipe(deferring(job.store('d'), job, failing), job.sink('out', collectingSink<unknown>()));
    const err = await job.run(out).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(CheckpointError);
    expect((err as CheckpointError).code).toBe('STATE');
    expect((err as Error).message).toMatch(/checkpoint 1: store 'd' could not be completed \(its deferred entries\): .*accumulator codec broke/);
    expect((err as Error).cause).toBeInstanceOf(RangeError);
  });

  it('the deferred entries are in the persisted checkpoint beside the store entries', async () => {
    const storage = new MemoryCheckpointStorage();
    const job = await CheckpointCoordinator.open({ storage, interval: { events: 1_000_000 }, batchSize: 10 });
    let n = 0;
    const produce = (): Entry | undefined => (n % 3 === 2 ? (n++, undefined) : [Uint8Array.of(0xee, n++), Uint8Array.of(7)]);
    const store = job.store('d');
    await job.run(job.source('clicks', arraySource(clicks(50)), { timestamp: (c) => c.ts, maxOutOfOrderness: 0 }).pipe(deferring(store, job, produce), job.sink('out', collectingSink<unknown>())));
    const [latest] = await storage.list();
    const saved = StateSnapshot.decode((await storage.load(latest!.id)).stores['d'] as Uint8Array);
    const keys = [...saved.entries()].map(([k]) => Buffer.from(k).toString('hex'));
    // the meta entry comes first from the capture, then the operator's two entries
    expect(keys.filter((k) => k.startsWith('ee'))).toEqual(['ee00', 'ee01']);
    expect(keys.length).toBe(3);
    // the live store holds the operator's entries in none of them; its meta entry is back, once encoded
    expect([...store.prefixScan(Uint8Array.of(0xee))]).toEqual([]);
    expect(store.len()).toBe(1);
  });
});
