// The pause a checkpoint reports is the longest the record path stood still because of it (issue
// 13 item 4): not only the barrier injection but every slice of encoding and persisting that runs
// between record batches. The figure to meet (< 10 ms at 1M keys) lives in the benchmark
// (npm run bench -w @weir/checkpoint); these tests check that the figure is honest and that the
// work is sliced.
import { Observable, tap } from 'rxjs';
import { encodeI64 } from '@weir/state';
import { handleBarrier, registerOperator, type StreamElement } from '@weir/stream';
import { count, tumblingWindow } from '@weir/window';
import { CheckpointCoordinator, MemoryCheckpointStorage, collectingSink, encodedChunks, generatorSource, type CheckpointReport, type CheckpointToSave } from '../index';
import { ENTRIES_PER_CHUNK, SLICE_MS, TurnSlices } from '../CheckpointPersister';

interface Event {
  readonly k: number;
  readonly ts: number;
}

/** A window job over `keys` keys, checkpointing every `every` records; returns the reports and the record-path gaps. */
async function run(keys: number, every: number, storage: MemoryCheckpointStorage) {
  const reports: CheckpointReport[] = [];
  const ended: number[] = [];
  const gaps: Array<[number, number]> = [];
  let last = performance.now();
  const job = await CheckpointCoordinator.open({
    storage,
    interval: { events: every },
    onCheckpoint: (r) => {
      reports.push(r);
      ended.push(performance.now());
    },
  });
  const source = generatorSource<Event>({ count: 2 * keys, seed: 3, generate: (i) => ({ k: i % keys, ts: Math.min(i, keys - 1) }) });
  const out = job
    .source('events', source, { timestamp: (e) => e.ts, maxOutOfOrderness: 0 })
    .pipe(
      tap<StreamElement<Event>>(() => {
        const t = performance.now();
        if (t - last > 0.5) gaps.push([t, t - last]);
        last = t;
      }),
      // cacheSize 0: one store entry per key (by default a window logs what changed at a barrier
      // in a few large entries, and these tests are about encoding a store of many entries)
      tumblingWindow({ size: 1e12, key: (e: Event) => e.k, aggregate: count(), store: job.store('counts'), name: 'counts', checkpoint: job, cacheSize: 0 }),
    ) as Observable<StreamElement<never>>;
  await job.run(out.pipe(job.sink('out', collectingSink())));
  /** The longest record-path gap while report i's checkpoint was in flight. */
  const stallOf = (i: number): number => {
    const end = ended[i]!;
    const start = end - reports[i]!.durationMs - 1;
    return Math.max(0, ...gaps.filter(([t, gap]) => t <= end && t - gap >= start).map(([, gap]) => gap));
  };
  return { reports, stallOf };
}

/**
 * A job whose one operator holds `keys` entries of state (put directly: through a window it would
 * take ten times longer) and snapshots them at each barrier, while `records` records flow through
 * it, checkpointing every `every` records.
 */
async function runHolding(keys: number, records: number, every: number, storage: MemoryCheckpointStorage) {
  const reports: CheckpointReport[] = [];
  const job = await CheckpointCoordinator.open({ storage, interval: { events: every }, onCheckpoint: (r) => reports.push(r) });
  const store = job.store('held');
  const value = new Uint8Array(8);
  for (let k = 0; k < keys; k++) store.put(encodeI64(BigInt(k)), value);
  const holding = (input: Observable<StreamElement<number>>): Observable<StreamElement<number>> =>
    new Observable((subscriber) => {
      const unregister = registerOperator(job, 'held');
      const sub = input.subscribe({
        next: (el) => {
          try {
            if (el.kind === 'barrier') handleBarrier(el, subscriber, { operator: 'held', store, checkpoint: job });
            else subscriber.next(el);
          } catch (err) {
            subscriber.error(err);
          }
        },
        error: (err: unknown) => subscriber.error(err),
        complete: () => subscriber.complete(),
      });
      return () => {
        sub.unsubscribe();
        unregister();
      };
    });
  let written = 0;
  const source = generatorSource<number>({ count: records, seed: 1, generate: (i) => i });
  const out = job.source('numbers', source, { timestamp: (n) => n, maxOutOfOrderness: 0 }).pipe(holding);
  await job.run(out.pipe(job.sink('out', { describe: () => 'counting', open: () => ({ write: () => void written++, preCommit: () => null, commit: () => undefined }) })));
  return { reports, written };
}

/** Holds the thread for `ms` (a storage's synchronous work on a chunk). */
function spin(ms: number): void {
  const until = performance.now() + ms;
  while (performance.now() < until);
}

describe('checkpoint work is cut into slices of one turn of the event loop', () => {
  it('a slice ends once its budget is spent, and a new one starts with the next turn', async () => {
    let now = 0;
    const slices = new TurnSlices(1, () => now);
    await slices.next();
    expect(slices.slices).toBe(1);
    now += 0.6; // within the budget: same slice, no turn
    await slices.next();
    expect(slices.slices).toBe(1);
    now += 0.6; // past it: the next piece waits for a turn of the event loop and starts a slice
    let turned = false;
    setImmediate(() => (turned = true));
    await slices.next();
    expect(turned).toBe(true);
    expect(slices.slices).toBe(2);
    // a turn taken elsewhere (the storage awaiting I/O) starts a new slice with a fresh budget
    now += 0.2;
    await new Promise<void>((resolve) => setImmediate(resolve));
    await slices.next();
    expect(slices.slices).toBe(3);
    now += 0.9;
    await slices.next();
    expect(slices.slices).toBe(3);
  });

  it("the storage's work on each chunk counts toward the slice: a slow storage takes one chunk per turn", async () => {
    const keys = 20 * ENTRIES_PER_CHUNK;
    // A storage that holds the thread for a whole slice per chunk, and notes in which turn of the
    // event loop (counted by an immediate that reschedules itself) each chunk came.
    let turn = 0;
    let ticking = false;
    const tick = (): void => {
      turn++;
      if (ticking) setImmediate(tick);
    };
    const perTurn: number[] = [];
    const storage = new (class extends MemoryCheckpointStorage {
      override async save(checkpoint: CheckpointToSave): Promise<void> {
        ticking = true;
        setImmediate(tick);
        const chunksIn = new Map<number, number>();
        try {
          for (const encoded of Object.values(checkpoint.stores)) {
            for await (const _chunk of encodedChunks(encoded)) {
              chunksIn.set(turn, (chunksIn.get(turn) ?? 0) + 1);
              spin(SLICE_MS);
            }
          }
        } finally {
          ticking = false;
        }
        perTurn.push(...chunksIn.values());
      }
    })();
    const { reports } = await runHolding(keys, 40_000, 10_000, storage);
    expect(reports.length).toBeGreaterThan(1);
    expect(perTurn.reduce((a, b) => a + b, 0)).toBeGreaterThanOrEqual(reports.length * 20);
    // (counting only the encoder's own time, all 20 chunks of a checkpoint came in one turn)
    expect(Math.max(...perTurn)).toBe(1);
  });
});

describe('the pause a checkpoint reports', () => {
  it('includes synchronous work of the storage, not only the barrier injection', async () => {
    // A storage that holds the thread for 40 ms after reading the first chunk of each store.
    class SlowStorage extends MemoryCheckpointStorage {
      override async save(checkpoint: CheckpointToSave): Promise<void> {
        const stores: Record<string, Uint8Array[]> = {};
        for (const [name, encoded] of Object.entries(checkpoint.stores)) {
          stores[name] = [];
          for await (const chunk of encodedChunks(encoded)) {
            if (stores[name].length === 0) {
              const until = performance.now() + 40;
              while (performance.now() < until);
            }
            stores[name].push(chunk.slice()); // a copy: it declares copiesChunks (inherited), so the buffer is reused
          }
        }
        await super.save({ ...checkpoint, stores: Object.fromEntries(Object.entries(stores).map(([n, c]) => [n, Buffer.concat(c)])) });
      }
    }
    const { reports, stallOf } = await run(5_000, 4_000, new SlowStorage());
    const middle = reports.filter((r) => r.entries > 1 && r.entries < 5_000 + 5); // not the final one (no records flow then)
    expect(middle.length).toBeGreaterThan(0);
    for (const r of middle) {
      expect(r.pauseMs).toBeGreaterThanOrEqual(40);
      expect(r.barrierMs).toBeLessThan(r.pauseMs);
    }
    // what a probe on the record path saw holds what was reported: the reported turn lies inside
    // the probe's gap (one-sided: another process taking the core widens the gap, not the turn)
    const i = reports.indexOf(middle[0]!);
    expect(stallOf(i)).toBeGreaterThanOrEqual(40);
    expect(reports[i]!.pauseMs).toBeLessThanOrEqual(stallOf(i) + 1);
  });

  it("includes a sink's synchronous commit (regression: the commit's turn came after the checkpoint had ended, so no report held it)", async () => {
    const reports: CheckpointReport[] = [];
    const job = await CheckpointCoordinator.open({ storage: new MemoryCheckpointStorage(), interval: { events: 2_000 }, onCheckpoint: (r) => void reports.push(r) });
    const source = generatorSource<Event>({ count: 10_000, seed: 5, generate: (i) => ({ k: i % 100, ts: i }) });
    // commits hold the thread 30 ms before they return
    const slowCommit = { describe: () => 'slow commit', open: () => ({ write: () => undefined, preCommit: () => null, commit: () => spin(30) }) };
    const out = job.source('events', source, { timestamp: (e) => e.ts, maxOutOfOrderness: 0 }) as Observable<StreamElement<never>>;
    await job.run(out.pipe(job.sink('out', slowCommit)));
    expect(reports.length).toBeGreaterThan(1);
    // (without the commit, the barrier of this stateless job is well under a millisecond)
    for (const r of reports) expect(r.pauseMs).toBeGreaterThanOrEqual(30);
  });

  it('at 1M keys: the encoding runs in slices between batches, so the stall is a small part of the checkpoint', async () => {
    const keys = 1_000_000;
    // A storage that reads every chunk (as a file would be written) and keeps none of them.
    let chunks = 0;
    const storage = new (class extends MemoryCheckpointStorage {
      override async save(checkpoint: CheckpointToSave): Promise<void> {
        for (const encoded of Object.values(checkpoint.stores)) for await (const _chunk of encodedChunks(encoded)) chunks++;
      }
    })();
    const { reports, written } = await runHolding(keys, 3_000_000, 100_000, storage);
    expect(written).toBe(3_000_000);
    const middle = reports.filter((r) => r.entries === keys && r.id < reports[reports.length - 1]!.id);
    expect(middle.length).toBeGreaterThan(0);
    expect(chunks).toBeGreaterThan(keys / 2_048); // ~1,000 chunks per checkpoint of 1M entries
    // Sliced: each checkpoint's longest stall is a small part of its duration.
    // (medians: a preempted turn on a busy machine is not the checkpoint's doing)
    const median = (xs: number[]): number => xs.sort((a, b) => a - b)[xs.length >> 1]!;
    expect(median(middle.map((r) => r.pauseMs))).toBeLessThan(median(middle.map((r) => r.durationMs)) / 4);
  }, 120_000);
});
