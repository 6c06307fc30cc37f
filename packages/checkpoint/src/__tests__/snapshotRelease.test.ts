// The coordinator releases every snapshot it collects (StateSnapshot.release) once the snapshot's
// checkpoint is persisted, or has failed: a lazily-backed snapshot (an LMDB read transaction)
// must not be held for the rest of the job.
import { InMemoryStore, StateSnapshot } from '@weir/state';
import { count, tumblingWindow } from '@weir/window';
import { CheckpointCoordinator, MemoryCheckpointStorage, arraySource, collectingSink, type CheckpointData } from '../index';

interface Click {
  readonly page: string;
  readonly ts: number;
}

/** An InMemoryStore whose snapshots are lazily backed, logging when they are taken and released. */
class LoggingStore extends InMemoryStore {
  taken = 0;
  constructor(private readonly log: string[]) {
    super();
  }

  override snapshot(): StateSnapshot {
    const inner = super.snapshot();
    const n = ++this.taken;
    this.log.push(`snapshot ${n}`);
    return StateSnapshot.fromSource({
      len: inner.len(),
      sizeBytes: inner.sizeBytes(),
      entries: () => inner.entries(),
      release: () => this.log.push(`release ${n}`),
    });
  }
}

/** Memory storage logging each save, failing the ones listed. */
class LoggingStorage extends MemoryCheckpointStorage {
  constructor(
    private readonly log: string[],
    private readonly failing: ReadonlySet<number>,
  ) {
    super();
  }

  override async save(checkpoint: CheckpointData): Promise<void> {
    this.log.push(`save ${checkpoint.id}`);
    if (this.failing.has(checkpoint.id)) throw new Error('disk full (simulated)');
    await super.save(checkpoint);
  }
}

describe('CheckpointCoordinator releases the snapshots it collects', () => {
  it('each one once, after its checkpoint is saved, whether the save succeeded or failed', async () => {
    const log: string[] = [];
    const store = new LoggingStore(log);
    const job = await CheckpointCoordinator.open({ storage: new LoggingStorage(log, new Set([2])), interval: { events: 50 }, batchSize: 10, tolerableCheckpointFailures: 1, storeFactory: () => store });
    const input: Click[] = Array.from({ length: 300 }, (_, i) => ({ page: `p${i % 4}`, ts: i * 10 }));
    const clicks$ = job.source('clicks', arraySource(input), { timestamp: (c) => c.ts, maxOutOfOrderness: 100 });
    const sink = collectingSink<unknown>();
    const summary = await job.run(
      clicks$.pipe(tumblingWindow({ size: 500, key: (c: Click) => c.page, aggregate: count(), store: job.store('views'), name: 'views', checkpoint: job }), job.sink('out', sink)),
    );
    expect(summary.metrics.checkpointsFailed).toBe(1);
    expect(store.taken).toBe(summary.metrics.checkpointsTriggered);
    for (let n = 1; n <= store.taken; n++) {
      const releases = log.filter((line) => line === `release ${n}`);
      expect(releases).toHaveLength(1);
      // snapshot n belongs to checkpoint n (no restore here): released after its save
      expect(log.indexOf(`release ${n}`)).toBeGreaterThan(log.indexOf(`save ${n}`));
      expect(log.indexOf(`save ${n}`)).toBeGreaterThan(log.indexOf(`snapshot ${n}`));
    }
  });
});
