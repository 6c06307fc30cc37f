// CheckpointStorage.copiesChunks: a storage that is done with each chunk before asking for the
// next gets a store's chunks encoded into one reused buffer; any other storage gets fresh arrays
// it may keep. Either way the saved bytes decode (their checksum holds) to the whole store.
import { StateSnapshot } from '@weir/state';
import { count, tumblingWindow } from '@weir/window';
import { CheckpointCoordinator, MemoryCheckpointStorage, collectingSink, encodedChunks, generatorSource, type CheckpointToSave } from '../index';

/** Memory storage that reads the chunks itself, noting each chunk's buffer and keeping a copy. */
class ChunkNotingStorage extends MemoryCheckpointStorage {
  /** `${checkpoint id}/${store}` -> the buffer of each chunk, in order. */
  readonly buffers = new Map<string, ArrayBufferLike[]>();

  constructor(override readonly copiesChunks: boolean) {
    super();
  }

  override async save(checkpoint: CheckpointToSave): Promise<void> {
    const stores: Record<string, Uint8Array> = {};
    for (const [name, encoded] of Object.entries(checkpoint.stores)) {
      const copies: Uint8Array[] = [];
      const seen: ArrayBufferLike[] = [];
      for await (const chunk of encodedChunks(encoded)) {
        seen.push(chunk.buffer);
        copies.push(chunk.slice()); // a view of a reused buffer is overwritten by the next step
      }
      this.buffers.set(`${checkpoint.id}/${name}`, seen);
      stores[name] = Buffer.concat(copies);
    }
    await super.save({ ...checkpoint, stores });
  }
}

describe('CheckpointStorage.copiesChunks', () => {
  it.each([true, false])('copiesChunks %s: a 5,000-group store is saved whole; its entry chunks share one buffer exactly when the storage copies them', async (copies) => {
    const storage = new ChunkNotingStorage(copies);
    const job = await CheckpointCoordinator.open({ storage, interval: { events: 6_000 }, batchSize: 1_000 });
    const input = generatorSource({ count: 7_000, seed: 1, generate: (i: number) => ({ k: i % 5_000, ts: i }) });
    const out = job
      .source('in', input, { timestamp: (e) => e.ts, maxOutOfOrderness: 0 })
      .pipe(
        tumblingWindow({ size: 1_000_000_000, key: (e: { k: number }) => e.k, aggregate: count(), store: job.store('counts'), name: 'counts', checkpoint: job, cacheSize: 0 }),
        job.sink('out', collectingSink()),
      );
    await job.run(out);
    // checkpoint 1 (after 6,000 records): 5,000 groups written through, in chunks of 1,024 entries
    const saved = StateSnapshot.decode((await storage.load(1)).stores.counts!);
    expect(saved.len()).toBeGreaterThanOrEqual(5_000);
    const entryBuffers = storage.buffers.get('1/counts')!.slice(1, -1); // without the header and the trailer
    expect(entryBuffers.length).toBe(Math.ceil(saved.len() / 1_024));
    expect(new Set(entryBuffers).size).toBe(copies ? 1 : entryBuffers.length);
  });
});
