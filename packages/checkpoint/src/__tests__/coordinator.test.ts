import { Observable, asyncScheduler, observeOn } from 'rxjs';
import { InMemoryStore } from '@weir/state';
import { values, type StreamElement } from '@weir/stream';
import { count, tumblingWindow, type WindowResult } from '@weir/window';
import { intervalJoin } from '@weir/join';
import fc from 'fast-check';
import {
  CheckpointCoordinator,
  CheckpointError,
  MemoryCheckpointStorage,
  arraySource,
  collectingSink,
  type CheckpointStorage,
  type Source,
} from '../index';
import { crashingAfter } from './checkpointFixtures';

interface Click {
  readonly page: string;
  readonly ts: number;
}

function clicks(n: number, seed = 1): Click[] {
  let s = seed;
  const rand = (): number => {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    return s / 2 ** 32;
  };
  return Array.from({ length: n }, (_, i) => ({ page: `p${Math.floor(rand() * 5)}`, ts: i * 10 + Math.floor(rand() * 300) }));
}

type Counted = WindowResult<string, number>;
const windowJob = (job: CheckpointCoordinator, source: Source<Click>, sink: ReturnType<typeof collectingSink<Counted>>, asyncBoundary = false): Observable<never> => {
  const clicks$ = job.source('clicks', source, { timestamp: (c) => c.ts, maxOutOfOrderness: 300 });
  const counted$ = (asyncBoundary ? clicks$.pipe(observeOn(asyncScheduler)) : clicks$).pipe(
    tumblingWindow({ size: 1_000, key: (c: Click) => c.page, aggregate: count(), store: job.store('views'), name: 'views', checkpoint: job }),
  );
  return (asyncBoundary ? counted$.pipe(observeOn(asyncScheduler)) : counted$).pipe(job.sink('out', sink));
};

async function runWindowJob(storage: CheckpointStorage, source: Source<Click>, sink: ReturnType<typeof collectingSink<Counted>>, events = 50, asyncBoundary = false) {
  const job = await CheckpointCoordinator.open({ storage, interval: { events }, batchSize: 10 });
  return job.run(windowJob(job, source, sink, asyncBoundary));
}

describe('CheckpointCoordinator: a window job', () => {
  const input = clicks(600);

  it('commits exactly what the same pipeline computes without checkpoints', async () => {
    const sink = collectingSink<Counted>();
    const summary = await runWindowJob(new MemoryCheckpointStorage(), arraySource(input), sink);
    const expected: Counted[] = [];
    const { from } = await import('rxjs');
    const { withEventTime } = await import('@weir/stream');
    from(input)
      .pipe(withEventTime((c: Click) => c.ts, { maxOutOfOrderness: 300 }), tumblingWindow({ size: 1_000, key: (c: Click) => c.page, aggregate: count(), store: new InMemoryStore() }), values())
      .subscribe((v) => expected.push(v));
    expect(sink.committed()).toEqual(expected);
    expect(sink.pending()).toEqual([]);
    expect(summary.recordsRead).toBe(600);
    expect(summary.metrics.checkpointsCompleted).toBe(summary.metrics.checkpointsTriggered);
    expect(summary.metrics.checkpointsCompleted).toBeGreaterThanOrEqual(12);
    expect(summary.lastCheckpoint).toBe(summary.metrics.lastCompletedId);
  });

  it('resumes after crashes at any point with exactly the uninterrupted committed output', async () => {
    const reference = collectingSink<Counted>();
    await runWindowJob(new MemoryCheckpointStorage(), arraySource(input), reference);
    await fc.assert(
      fc.asyncProperty(fc.array(fc.integer({ min: 1, max: 40 }), { minLength: 1, maxLength: 4 }), async (crashes) => {
        const storage = new MemoryCheckpointStorage();
        const sink = collectingSink<Counted>();
        for (const reads of crashes) {
          // a crash, unless the resumed run has fewer reads left (then it finishes)
          await runWindowJob(storage, crashingAfter(arraySource(input), reads), sink).catch((err: unknown) => expect(String(err)).toMatch(/simulated crash/));
        }
        const stored = (await storage.list()).length;
        const summary = await runWindowJob(storage, arraySource(input), sink);
        expect(sink.committed()).toEqual(reference.committed());
        expect(summary.restoredFrom !== undefined).toBe(stored > 0);
      }),
      { numRuns: 25 },
    );
  });

  it('stays exactly-once with asynchronous boundaries between operators', async () => {
    const reference = collectingSink<Counted>();
    await runWindowJob(new MemoryCheckpointStorage(), arraySource(input), reference);
    const storage = new MemoryCheckpointStorage();
    const sink = collectingSink<Counted>();
    await expect(runWindowJob(storage, crashingAfter(arraySource(input), 23), sink, 50, true)).rejects.toThrow(/simulated crash/);
    await runWindowJob(storage, arraySource(input), sink, 50, true);
    expect(sink.committed()).toEqual(reference.committed());
  });

  it('falls back past a corrupt newest checkpoint', async () => {
    const reference = collectingSink<Counted>();
    await runWindowJob(new MemoryCheckpointStorage(), arraySource(input), reference);
    const storage = new MemoryCheckpointStorage({ retain: 5 });
    const sink = collectingSink<Counted>();
    await expect(runWindowJob(storage, crashingAfter(arraySource(input), 31), sink)).rejects.toThrow(/simulated crash/);
    const newest = (await storage.list())[0]!.id;
    storage.corrupt(newest);
    const log: string[] = [];
    const job = await CheckpointCoordinator.open({ storage, interval: { events: 50 }, batchSize: 10, log: (m) => log.push(m) });
    expect(job.restoredFrom).toBe(newest - 1);
    expect(log.join('\n')).toMatch(new RegExp(`skipping checkpoint ${newest}`));
    await job.run(windowJob(job, arraySource(input), sink));
    expect(sink.committed()).toEqual(reference.committed());
  });

  it('survives a crash during a checkpoint write, restoring the checkpoint before it', async () => {
    const reference = collectingSink<Counted>();
    await runWindowJob(new MemoryCheckpointStorage(), arraySource(input), reference);
    const storage = new MemoryCheckpointStorage({ retain: 5 });
    const sink = collectingSink<Counted>();
    const job = await CheckpointCoordinator.open({ storage, interval: { events: 50 }, batchSize: 10, tolerableCheckpointFailures: 1 });
    const out = windowJob(job, crashingAfter(arraySource(input), 26), sink);
    // checkpoint 3's write fails; the crash comes before checkpoint 4 completes the next one
    let saves = 0;
    const save = storage.save.bind(storage);
    storage.save = async (c) => {
      if (++saves === 3) storage.failNextSave(new Error('disk full'));
      return save(c);
    };
    await expect(job.run(out)).rejects.toThrow(/simulated crash/);
    expect(job.metrics.checkpointsFailed).toBe(1);
    storage.save = save;
    const again = await CheckpointCoordinator.open({ storage, interval: { events: 50 }, batchSize: 10 });
    await again.run(windowJob(again, arraySource(input), sink));
    expect(sink.committed()).toEqual(reference.committed());
  });

  it('refuses to restore into a pipeline that lacks a store of the checkpoint', async () => {
    const storage = new MemoryCheckpointStorage();
    const sink = collectingSink<Counted>();
    await expect(runWindowJob(storage, crashingAfter(arraySource(input), 12), sink)).rejects.toThrow(/simulated crash/);
    const job = await CheckpointCoordinator.open({ storage });
    const changed = job
      .source('clicks', arraySource(input), { timestamp: (c) => c.ts, maxOutOfOrderness: 300 })
      .pipe(tumblingWindow({ size: 1_000, key: (c: Click) => c.page, aggregate: count(), store: job.store('renamed'), name: 'renamed', checkpoint: job }), job.sink('out', sink));
    const err = await job.run(changed).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CheckpointError);
    expect((err as CheckpointError).code).toBe('UNKNOWN_STORE');
    expect((err as Error).message).toMatch(/store 'views'.*pipeline changed/);
  });

  it('says which operator forgot `checkpoint: job`', async () => {
    const job = await CheckpointCoordinator.open({ storage: new MemoryCheckpointStorage() });
    const out = job
      .source('clicks', arraySource(input), { timestamp: (c) => c.ts, maxOutOfOrderness: 300 })
      .pipe(tumblingWindow({ size: 1_000, key: (c: Click) => c.page, aggregate: count(), store: job.store('views'), name: 'views' }), job.sink('out', collectingSink()));
    await expect(job.run(out)).rejects.toThrow(/store 'views' was not reported at checkpoint 1: pass `checkpoint: job`/);
  });

  it('rejects an operator store the coordinator did not create', async () => {
    const job = await CheckpointCoordinator.open({ storage: new MemoryCheckpointStorage() });
    const out = job
      .source('clicks', arraySource(input), { timestamp: (c) => c.ts, maxOutOfOrderness: 300 })
      .pipe(tumblingWindow({ size: 1_000, key: (c: Click) => c.page, aggregate: count(), store: new InMemoryStore(), name: 'views', checkpoint: job }), job.sink('out', collectingSink()));
    await expect(job.run(out)).rejects.toThrow(/operator 'views' uses a store the coordinator did not create/);
  });
});

describe('CheckpointCoordinator: a join job', () => {
  interface Order {
    readonly id: number;
    readonly ts: number;
  }
  interface Payment {
    readonly order: number;
    readonly ts: number;
  }
  const orders: Order[] = Array.from({ length: 300 }, (_, i) => ({ id: i, ts: i * 10 + ((i * 37) % 50) }));
  const payments: Payment[] = Array.from({ length: 300 }, (_, i) => ({ order: (i * 7) % 300, ts: i * 10 + ((i * 53) % 80) })).sort((a, b) => a.ts - b.ts);
  type Row = { left: Order | undefined; right: Payment | undefined };

  async function runJoinJob(storage: CheckpointStorage, sink: ReturnType<typeof collectingSink<Row>>, crashAt?: number) {
    const job = await CheckpointCoordinator.open({ storage, interval: { events: 40 }, batchSize: 7 });
    const orders$ = job.source('orders', crashAt === undefined ? arraySource(orders) : crashingAfter(arraySource(orders), crashAt), { timestamp: (o) => o.ts, maxOutOfOrderness: 50 });
    const payments$ = job.source('payments', arraySource(payments), { timestamp: (p) => p.ts, maxOutOfOrderness: 80 });
    const joined$ = orders$.pipe(
      intervalJoin(payments$, { leftKey: (o: Order) => o.id, rightKey: (p: Payment) => p.order, lowerBound: -100, upperBound: 400, type: 'full', store: job.store('paid'), name: 'paid', checkpoint: job }),
    ) as Observable<StreamElement<Row>>;
    return job.run(joined$.pipe(job.sink('out', sink)));
  }

  it('aligns barriers across the two inputs and resumes exactly once', async () => {
    const reference = collectingSink<Row>();
    await runJoinJob(new MemoryCheckpointStorage(), reference);
    expect(reference.committed().length).toBeGreaterThan(300);
    for (const crashAt of [3, 17, 30]) {
      const storage = new MemoryCheckpointStorage();
      const sink = collectingSink<Row>();
      await expect(runJoinJob(storage, sink, crashAt)).rejects.toThrow(/simulated crash/);
      await runJoinJob(storage, sink);
      expect(sink.committed()).toEqual(reference.committed());
    }
  });
});

describe('CheckpointCoordinator reports', () => {
  it('reports every completed checkpoint with its figures, and keeps its metrics', async () => {
    const reports: import('../index').CheckpointReport[] = [];
    const job = await CheckpointCoordinator.open({ storage: new MemoryCheckpointStorage(), interval: { events: 100 }, batchSize: 10, onCheckpoint: (r) => reports.push(r) });
    const sink = collectingSink<Counted>();
    const summary = await job.run(windowJob(job, arraySource(clicks(450)), sink));
    expect(reports.map((r) => r.id)).toEqual([1, 2, 3, 4, 5]);
    for (const r of reports) {
      expect(r.sizeBytes).toBeGreaterThan(16);
      expect(r.entries).toBeGreaterThanOrEqual(1);
      expect(r.pauseMs).toBeGreaterThanOrEqual(0);
      expect(r.durationMs).toBeGreaterThanOrEqual(r.alignmentMs);
    }
    expect(summary.metrics).toMatchObject({ checkpointsTriggered: 5, checkpointsCompleted: 5, checkpointsFailed: 0, lastCompletedId: 5, lastSizeBytes: reports[4]!.sizeBytes });
  });
});

describe('CheckpointCoordinator with every checkpoint corrupt', () => {
  it('refuses to start over (the sinks would discard committed output) unless told to', async () => {
    const storage = new MemoryCheckpointStorage({ retain: 2 });
    const sink = collectingSink<Counted>();
    await expect(runWindowJob(storage, crashingAfter(arraySource(clicks(300)), 20), sink)).rejects.toThrow(/simulated crash/);
    const ids = (await storage.list()).map((c) => c.id);
    expect(ids.length).toBe(2);
    for (const id of ids) storage.corrupt(id);
    const err = await CheckpointCoordinator.open({ storage }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CheckpointError);
    expect((err as CheckpointError).code).toBe('CORRUPT_CHECKPOINT');
    expect((err as Error).message).toMatch(/none of the 2 checkpoint\(s\) .* is valid .*ifAllCorrupt: 'start-fresh'/);
    const fresh = await CheckpointCoordinator.open({ storage, ifAllCorrupt: 'start-fresh' });
    expect(fresh.restoredFrom).toBeUndefined();
    await expect(CheckpointCoordinator.open({ storage, ifAllCorrupt: 'maybe' as never })).rejects.toThrow(/ifAllCorrupt/);
  });
});

describe('CheckpointCoordinator with a barrier that never arrives', () => {
  it('fails with the operator that never acknowledged, instead of waiting for it forever', async () => {
    const job = await CheckpointCoordinator.open({ storage: new MemoryCheckpointStorage(), interval: { events: 50 }, batchSize: 10 });
    // an operator that counts itself in but drops every barrier
    const ghost = (input: Observable<StreamElement<Click>>): Observable<StreamElement<Click>> =>
      new Observable((subscriber) => {
        const unregister = job.register('ghost');
        const sub = input.subscribe({
          next: (el) => {
            if (el.kind !== 'barrier') subscriber.next(el);
          },
          error: (err: unknown) => subscriber.error(err),
          complete: () => subscriber.complete(),
        });
        return () => {
          sub.unsubscribe();
          unregister();
        };
      });
    const out = job.source('clicks', arraySource(clicks(300)), { timestamp: (c) => c.ts, maxOutOfOrderness: 300 }).pipe(ghost, job.sink('out', collectingSink()));
    await expect(job.run(out)).rejects.toThrow(/the final checkpoint \d+ never completed: no acknowledgement from operator 'ghost'/);
  });
});
