// The CheckpointStorage contract as a jest describe block: what every storage must do, run by
// FileCheckpointStorage, MemoryCheckpointStorage and any storage elsewhere (JetStream, ...).
import { crc32 } from 'node:zlib';
import { CheckpointError } from '../CheckpointError';
import type { CheckpointData, CheckpointStorage } from '../CheckpointStorage';
import { loadLatestCheckpoint } from '../loadLatestCheckpoint';
import { bytesOf, sampleCheckpoint, withoutOrigin } from './checkpointSamples';

/** How {@link describeCheckpointStorageContract} makes, damages and cleans up one kind of storage. */
export interface CheckpointStorageHarness {
  /** A storage over a fresh (empty) place; rejects (or throws) as the constructor does for bad options. */
  create(options?: { retain?: number }): Promise<CheckpointStorage>;
  /** Damages stored checkpoint `id` so that its first store's bytes no longer match their checksum. */
  corrupt(storage: CheckpointStorage, id: number): Promise<void>;
  /** Leaves what a crash in the middle of saving `checkpoint` would leave. */
  crashDuringSave(storage: CheckpointStorage, checkpoint: CheckpointData): Promise<void>;
  /** Removes whatever the storages made (called after each check). */
  cleanup(): Promise<void>;
}

/**
 * Registers the {@link CheckpointStorage} contract as a jest `describe` block: round trips (odd
 * store names, empty stores, non-finite numbers, sink JSON), newest-first listing, copy semantics,
 * `retain` (default 3), ids (replacing one, refusing one its own pruning would delete with
 * `STATE`), argument checks (`INVALID_ARGUMENT`), and corruption: a damaged checkpoint is listed
 * invalid, `load` rejects with `CORRUPT_CHECKPOINT`, {@link loadLatestCheckpoint} falls back to
 * the previous one, a crash while saving leaves the previous checkpoints as they were.
 * `FileCheckpointStorage` and `MemoryCheckpointStorage` run it; a custom storage proves itself by
 * running it unchanged. `describe()` must start with `"checkpoints in "`.
 *
 * Call it at the top level of a jest test file (it uses jest's global `describe`, `it` and `expect`).
 *
 * @param name - the describe block's title, usually the storage's class name
 * @param makeHarness - called before each check: a harness over fresh storage
 * @param timeoutMs - per check; default jest's
 *
 * @example
 * ```ts
 * // MyStorage.test.ts
 * import { describeCheckpointStorageContract } from '@weir/checkpoint/testing';
 * describeCheckpointStorageContract('MyStorage', () => ({
 *   create: async (options) => new MyStorage(freshPlace(), options),
 *   corrupt: async (storage, id) => flipAByteOfTheFirstStore(storage, id),
 *   crashDuringSave: async (storage, checkpoint) => writeHalfOf(storage, checkpoint),
 *   cleanup: async () => removeFreshPlaces(),
 * }));
 * ```
 */
export function describeCheckpointStorageContract(name: string, makeHarness: () => CheckpointStorageHarness, timeoutMs?: number): void {
  const check = (title: string, fn: () => Promise<void>): void => it(title, fn, timeoutMs);
  describe(`${name} (CheckpointStorage contract)`, () => {
    let h: CheckpointStorageHarness;
    beforeEach(() => {
      h = makeHarness();
    });
    afterEach(() => h.cleanup());

    describe('round trip', () => {
      check('loads exactly what was saved: unusual store names, empty stores, ±Infinity, NaN and -0, sink JSON', async () => {
        const storage = await h.create();
        const checkpoint: CheckpointData = {
          id: 7,
          time: 1_700_000_123_456,
          sources: {
            clicks: { offset: { file: 'a.jsonl', line: 42, tags: ['x', null, true] }, maxTimestamp: 9_000, watermark: 8_500, sinceWatermark: 12 },
            fresh: { offset: null, maxTimestamp: -Infinity, watermark: -Infinity, sinceWatermark: 0 },
            done: { offset: 'end', maxTimestamp: Infinity, watermark: Infinity, sinceWatermark: 0 },
            odd: { offset: 0, maxTimestamp: -0, watermark: NaN, sinceWatermark: 1 },
          },
          sinks: { out: { pending: ['part-7'], n: 3, nested: { deep: [1, 2.5, -3e-9] } }, 'other sink': null, s: 'text "quoted" \n ü' },
          stores: {
            '': bytesOf(1, 10),
            'a/b': bytesOf(2, 1000),
            '../escape': bytesOf(3, 5),
            ['__proto__']: bytesOf(4, 7), // computed: an own property, not the prototype
            constructor: new Uint8Array(0),
            'store-0.state': bytesOf(5, 3),
            'ünïcødé ✓ 🚀': bytesOf(6, 64),
            ' ': new Uint8Array([0, 255, 0]),
          },
        };
        await storage.save(checkpoint);

        const [info, ...rest] = await storage.list();
        expect(rest).toEqual([]);
        expect(info).toMatchObject({ id: 7, time: 1_700_000_123_456, valid: true });
        expect(info!.reason).toBeUndefined();
        expect(info!.stores).toEqual(
          Object.entries(checkpoint.stores).map(([name, bytes]) => ({ name, bytes: bytes.length, crc32: crc32(bytes) >>> 0 })),
        );
        expect(info!.bytes).toBe(10 + 1000 + 5 + 7 + 0 + 3 + 64 + 3);
        expect(info!.sources).toEqual(checkpoint.sources);

        const loaded = withoutOrigin(await storage.load(7));
        expect(loaded).toEqual(checkpoint);
        expect(Object.keys(loaded.stores)).toEqual(Object.keys(checkpoint.stores));
        expect(Object.prototype.hasOwnProperty.call(loaded.stores, '__proto__')).toBe(true);
        expect(Object.getPrototypeOf(loaded.stores)).toBe(Object.prototype);
        for (const bytes of Object.values(loaded.stores)) expect(bytes).toBeInstanceOf(Uint8Array);
        const src = loaded.sources;
        expect(src.fresh!.maxTimestamp).toBe(-Infinity);
        expect(src.done!.watermark).toBe(Infinity);
        expect(Object.is(src.odd!.maxTimestamp, -0)).toBe(true);
        expect(src.odd!.watermark).toBeNaN();
      });

      check('lists newest (highest id) first, whatever the order of saving', async () => {
        const storage = await h.create({ retain: 5 });
        for (const id of [3, 10, 1, 9, 2]) await storage.save(sampleCheckpoint(id));
        expect(await ids(storage)).toEqual([10, 9, 3, 2, 1]);
        for (const id of [10, 9, 3, 2, 1]) expect(withoutOrigin(await storage.load(id))).toEqual(sampleCheckpoint(id));
      });

      check('copies: mutating saved or loaded bytes and JSON changes nothing stored', async () => {
        const storage = await h.create();
        const checkpoint = sampleCheckpoint(1);
        const original = sampleCheckpoint(1);
        await storage.save(checkpoint);
        checkpoint.stores.counts![0] = checkpoint.stores.counts![0]! ^ 0xff;
        (checkpoint.sinks.out as { pending: string[] }).pending.push('late');
        (checkpoint.sources.clicks!.offset as { line: number }).line = -1;
        const loaded = withoutOrigin(await storage.load(1));
        expect(loaded).toEqual(original);
        loaded.stores.windows![5] = loaded.stores.windows![5]! ^ 0xff;
        (loaded.sinks.out as { pending: string[] }).pending.length = 0;
        expect(withoutOrigin(await storage.load(1))).toEqual(original);
        expect((await storage.list())[0]!.valid).toBe(true);
      });

      check('starts empty: list is [], load is NO_CHECKPOINT, loadLatestCheckpoint is undefined', async () => {
        const storage = await h.create();
        expect(await storage.list()).toEqual([]);
        expect(await codeOf(storage.load(1))).toBe('NO_CHECKPOINT');
        const log = jest.fn();
        expect(await loadLatestCheckpoint(storage, log)).toBeUndefined();
        expect(log).not.toHaveBeenCalled();
      });

      check('describes itself', async () => {
        expect((await h.create()).describe()).toMatch(/^checkpoints in /);
      });
    });

    describe('retain', () => {
      check('keeps the newest `retain` checkpoints by id and prunes the older ones', async () => {
        const storage = await h.create({ retain: 2 });
        for (let id = 1; id <= 5; id++) await storage.save(sampleCheckpoint(id));
        expect(await ids(storage)).toEqual([5, 4]);
        expect(await codeOf(storage.load(3))).toBe('NO_CHECKPOINT');
        expect(await codeOf(storage.load(1))).toBe('NO_CHECKPOINT');
        expect(withoutOrigin(await storage.load(4))).toEqual(sampleCheckpoint(4));
      });

      check('defaults to 3', async () => {
        const storage = await h.create();
        for (let id = 1; id <= 6; id++) await storage.save(sampleCheckpoint(id));
        expect(await ids(storage)).toEqual([6, 5, 4]);
      });

      check('retain 1 keeps only the newest', async () => {
        const storage = await h.create({ retain: 1 });
        for (let id = 1; id <= 3; id++) await storage.save(sampleCheckpoint(id));
        expect(await ids(storage)).toEqual([3]);
      });

      check('rejects a retain that is not a positive integer', async () => {
        for (const retain of [0, -1, 1.5, NaN, Infinity]) {
          await expect(h.create({ retain })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT', message: expect.stringMatching(/retain/) });
        }
      });
    });

    describe('ids', () => {
      check('replaces a checkpoint saved again under the same id', async () => {
        const storage = await h.create();
        await storage.save(sampleCheckpoint(1));
        await storage.save(sampleCheckpoint(2));
        const again = { ...sampleCheckpoint(2), time: 99, stores: { other: bytesOf(77, 20) } };
        await storage.save(again);
        expect(await ids(storage)).toEqual([2, 1]);
        expect(withoutOrigin(await storage.load(2))).toEqual(again);
      });

      check('refuses an id that its own pruning would delete at once', async () => {
        const storage = await h.create({ retain: 2 });
        await storage.save(sampleCheckpoint(5));
        await storage.save(sampleCheckpoint(6));
        await expect(storage.save(sampleCheckpoint(4))).rejects.toMatchObject({
          code: 'STATE',
          message: expect.stringMatching(/checkpoint 4 .*pruned at once.*\(5, 6\).*retain is 2/),
        });
        expect(await ids(storage)).toEqual([6, 5]);
      });

      check('accepts a lower id while fewer than `retain` newer ones exist (after falling back past a corrupt one)', async () => {
        const storage = await h.create({ retain: 3 });
        await storage.save(sampleCheckpoint(5));
        await storage.save(sampleCheckpoint(6));
        await storage.save(sampleCheckpoint(4));
        expect(await ids(storage)).toEqual([6, 5, 4]);
      });
    });

    describe('argument checks', () => {
      check('rejects checkpoints that could not be stored faithfully, storing nothing', async () => {
        const storage = await h.create();
        const base = sampleCheckpoint(1);
        const bad: Array<[unknown, RegExp]> = [
          [{ ...base, id: -1 }, /non-negative integer, got number -1/],
          [{ ...base, id: 1.5 }, /non-negative integer, got number 1\.5/],
          [{ ...base, time: '1' }, /time must be a number/],
          [{ ...base, sinks: { out: { n: NaN } } }, /sink "out".n: NaN is not JSON/],
          [{ ...base, sinks: { out: [1, undefined] } }, /sink "out"\[1\]: undefined/],
          [{ ...base, sinks: { out: new Date(0) } }, /sink "out": Date instance is not JSON/],
          [{ ...base, sinks: { out: 1n } }, /sink "out": bigint 1n is not JSON/],
          [{ ...base, sources: { s: { ...base.sources.clicks, offset: Infinity } } }, /source "s": offset: Infinity is not JSON/],
          [{ ...base, sources: { s: { ...base.sources.clicks, watermark: '5' } } }, /source "s": watermark must be a number/],
          [{ ...base, stores: { s: [1, 2, 3] } }, /store "s": expected encoded snapshot bytes/],
          [{ ...base, stores: undefined }, /stores must be an object/],
        ];
        for (const [checkpoint, message] of bad) {
          await expect(storage.save(checkpoint as CheckpointData)).rejects.toMatchObject({ code: 'INVALID_ARGUMENT', message: expect.stringMatching(message) });
        }
        const cyclic: Record<string, unknown> = {};
        cyclic.self = cyclic;
        await expect(storage.save({ ...base, sinks: { out: cyclic as never } })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT', message: expect.stringMatching(/cycle/) });
        expect(await storage.list()).toEqual([]);
      });

      check('rejects a bad id in load', async () => {
        const storage = await h.create();
        for (const id of [-1, 0.5, NaN]) expect(await codeOf(storage.load(id))).toBe('INVALID_ARGUMENT');
      });
    });

    describe('corruption and recovery', () => {
      check('reports a corrupt checkpoint as invalid, refuses to load it, and loadLatestCheckpoint falls back to the previous one', async () => {
        const storage = await h.create();
        for (let id = 1; id <= 3; id++) await storage.save(sampleCheckpoint(id));
        await h.corrupt(storage, 3);

        const list = await storage.list();
        expect(list.map((c) => [c.id, c.valid])).toEqual([
          [3, false],
          [2, true],
          [1, true],
        ]);
        expect(list[0]!.reason).toMatch(/checksum mismatch/);
        await expect(storage.load(3)).rejects.toMatchObject({ code: 'CORRUPT_CHECKPOINT', message: expect.stringMatching(/checkpoint 3 .*checksum mismatch/) });

        const log = jest.fn();
        expect(withoutOrigin(await loadLatestCheckpoint(storage, log))).toEqual(sampleCheckpoint(2));
        expect(log).toHaveBeenCalledWith(expect.stringMatching(/^skipping checkpoint 3: .*checksum mismatch/));
        expect(log).toHaveBeenLastCalledWith(expect.stringMatching(/^restoring checkpoint 2 .*skipping 1 newer/));
      });

      check('falls back past several corrupt checkpoints, and returns undefined when none is valid', async () => {
        const storage = await h.create();
        for (let id = 1; id <= 3; id++) await storage.save(sampleCheckpoint(id));
        await h.corrupt(storage, 3);
        await h.corrupt(storage, 2);
        expect((await loadLatestCheckpoint(storage))?.id).toBe(1);
        await h.corrupt(storage, 1);
        const log = jest.fn();
        expect(await loadLatestCheckpoint(storage, log)).toBeUndefined();
        expect(log.mock.calls.map(([m]) => (m as string).slice(0, 22))).toEqual([
          'skipping checkpoint 3:',
          'skipping checkpoint 2:',
          'skipping checkpoint 1:',
          expect.stringMatching(/^no valid checkpoint/),
        ]);
      });

      check('a crash while saving leaves the previous checkpoints as they were', async () => {
        const storage = await h.create();
        await storage.save(sampleCheckpoint(1));
        await storage.save(sampleCheckpoint(2));
        await h.crashDuringSave(storage, sampleCheckpoint(3));
        expect(await ids(storage)).toEqual([2, 1]);
        expect(withoutOrigin(await loadLatestCheckpoint(storage))).toEqual(sampleCheckpoint(2));
        // The job resumes from 2 and checkpoints 3 again: that works.
        await storage.save(sampleCheckpoint(3));
        expect(await ids(storage)).toEqual([3, 2, 1]);
        expect(withoutOrigin(await loadLatestCheckpoint(storage))).toEqual(sampleCheckpoint(3));
      });

      check('restores a lower id after a newer one failed, then numbers on from it', async () => {
        const storage = await h.create();
        for (let id = 1; id <= 3; id++) await storage.save(sampleCheckpoint(id));
        await h.corrupt(storage, 3);
        const restored = await loadLatestCheckpoint(storage);
        expect(withoutOrigin(restored)).toEqual(sampleCheckpoint(2));
        // The resumed job checkpoints 3 again (replacing the corrupt one), then 4.
        await storage.save({ ...sampleCheckpoint(3), time: 1 });
        await storage.save(sampleCheckpoint(4));
        expect((await storage.list()).map((c) => [c.id, c.valid])).toEqual([
          [4, true],
          [3, true],
          [2, true],
        ]);
        expect(withoutOrigin(await storage.load(3))).toEqual({ ...sampleCheckpoint(3), time: 1 });
      });
    });
  });
}

async function ids(storage: CheckpointStorage): Promise<number[]> {
  return (await storage.list()).map((c) => c.id);
}

async function codeOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (err) {
    expect(err).toBeInstanceOf(CheckpointError);
    return (err as CheckpointError).code;
  }
  throw new Error('expected a rejection');
}
