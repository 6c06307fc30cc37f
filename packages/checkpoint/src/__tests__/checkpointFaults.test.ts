// Faults of the checkpoint path (issue 13): storage that cannot be written (EACCES, ENOSPC) on a
// middle checkpoint and on the final one, a store file damaged with its checksums rewritten to
// match, a tiny checkpoint interval over a long input. Exactly-once must hold or the job must fail
// loudly: never a resolved run() with output that no checkpoint committed.
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { crc32 } from 'node:zlib';
import { count, tumblingWindow, type WindowResult } from '@weir/window';
import type { Observable } from 'rxjs';
import {
  CheckpointCoordinator,
  CheckpointError,
  FileCheckpointStorage,
  arraySource,
  generatorSource,
  jsonLinesSink,
  readCommittedLines,
  type CheckpointCoordinatorOptions,
  type Source,
} from '../index';
import { chkName, crashingAfter, makeTempDir, removeTempDir } from './checkpointFixtures';

interface Click {
  readonly page: string;
  readonly ts: number;
}

const input: Click[] = Array.from({ length: 3_000 }, (_, i) => ({ page: `p${(i * 7919) % 13}`, ts: i * 10 + ((i * 31) % 200) }));

/** An fs error as Node makes them. */
function fsError(code: string, syscall: string, where: string): NodeJS.ErrnoException {
  return Object.assign(new Error(`${code}: ${code === 'ENOSPC' ? 'no space left on device' : 'permission denied'}, ${syscall} '${where}'`), { code, syscall, path: where });
}

/** `storage`, counting its saves (a save in progress counts). */
function countingSaves(storage: FileCheckpointStorage): { storage: FileCheckpointStorage; saves: () => number } {
  let saves = 0;
  const save = storage.save.bind(storage);
  storage.save = (c) => {
    saves++;
    return save(c);
  };
  return { storage, saves: () => saves };
}

/**
 * Makes file-system calls under `dir` fail like a full disk (writes: ENOSPC) or an unwritable
 * directory (mkdir: EACCES) while `when()` says so; everything else goes through.
 */
function injectFsFaults(dir: string, fault: 'ENOSPC' | 'EACCES', when: () => boolean): () => void {
  const open = fs.open.bind(fs);
  const mkdir = fs.mkdir.bind(fs);
  const spies = [
    jest.spyOn(fs, 'mkdir').mockImplementation(async (p, options) => {
      if (fault === 'EACCES' && String(p).startsWith(dir) && when()) throw fsError('EACCES', 'mkdir', String(p));
      return mkdir(p, options);
    }),
    jest.spyOn(fs, 'open').mockImplementation(async (p, flags, mode) => {
      const handle = await open(p, flags, mode);
      if (fault !== 'ENOSPC' || !String(p).startsWith(dir) || flags !== 'wx' || !when()) return handle;
      const write = handle.write.bind(handle) as (...args: unknown[]) => Promise<unknown>;
      let written = 0;
      // the disk fills after a few hundred bytes of this file
      (handle as { write: unknown }).write = async (...args: unknown[]) => {
        if ((written += 256) > 512) throw fsError('ENOSPC', 'write', String(p));
        return write(...args);
      };
      (handle as { writeFile: unknown }).writeFile = async () => {
        throw fsError('ENOSPC', 'write', String(p));
      };
      return handle;
    }),
  ];
  return () => spies.forEach((s) => s.mockRestore());
}

type Counted = WindowResult<string, number>;

/**
 * `source`, reading on only once no checkpoint is in flight: records outrun checkpoint writes by
 * far, and a job at full speed would skip most due checkpoints. Paced, every 500 records make
 * one checkpoint, so which checkpoint a fault hits is the same in every run.
 */
function paced<T>(source: Source<T>, inFlight: () => number): Source<T> {
  return {
    describe: () => source.describe(),
    async open(offset) {
      const reader = await source.open(offset);
      return {
        read: async (max) => {
          while (inFlight() > 0) await new Promise<void>((resolve) => setImmediate(resolve));
          return reader.read(max);
        },
        offset: () => reader.offset(),
      };
    },
  };
}

/** The window job (checkpoint every 500 clicks, paced) from `source` into JSON Lines in `out`. */
async function runJob(options: Partial<CheckpointCoordinatorOptions> & { storage: CheckpointCoordinatorOptions['storage'] }, out: string, source: Source<Click> = arraySource(input)) {
  const job = await CheckpointCoordinator.open({ interval: { events: 500 }, batchSize: 50, ...options });
  const counted$ = job
    .source('clicks', paced(source, () => job.metrics.checkpointsInFlight), { timestamp: (c) => c.ts, maxOutOfOrderness: 200 })
    .pipe(tumblingWindow({ size: 1_000, key: (c: Click) => c.page, aggregate: count(), store: job.store('views'), name: 'views', checkpoint: job })) as Observable<never>;
  const summary = await job.run(counted$.pipe(job.sink('out', jsonLinesSink<Counted>(out))));
  return { job, summary };
}

describe('checkpoint storage faults', () => {
  let dir: string;
  let reference: string[];
  let restore: (() => void) | undefined;

  beforeAll(async () => {
    const d = await makeTempDir();
    await runJob({ storage: new FileCheckpointStorage(path.join(d, 'chk'), { fsync: false }) }, path.join(d, 'out'));
    reference = await readCommittedLines(path.join(d, 'out'));
    expect(reference.length).toBeGreaterThan(100);
    await removeTempDir(d);
  });
  beforeEach(async () => {
    dir = await makeTempDir();
  });
  afterEach(async () => {
    restore?.();
    restore = undefined;
    await removeTempDir(dir);
  });

  const storageOf = (): FileCheckpointStorage => new FileCheckpointStorage(path.join(dir, 'chk'), { fsync: false });

  it('an unwritable checkpoint directory (EACCES) fails the job with STORAGE naming the location and the cause; nothing is committed', async () => {
    restore = injectFsFaults(path.join(dir, 'chk'), 'EACCES', () => true);
    const err = await runJob({ storage: storageOf() }, path.join(dir, 'out')).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CheckpointError);
    expect(err).toMatchObject({ code: 'STORAGE' });
    expect((err as Error).message).toMatch(new RegExp(`checkpoint 1 could not be persisted to checkpoints in ${path.join(dir, 'chk')}: .*EACCES`));
    expect((err as Error).message).toMatch(/tolerableCheckpointFailures is 0/);
    expect(((err as Error).cause as CheckpointError).code).toBe('IO');
    expect(await readCommittedLines(path.join(dir, 'out'))).toEqual([]);
  });

  it('a disk full (ENOSPC) from the third checkpoint on fails the job at that checkpoint; a restart on a working disk commits exactly the uninterrupted output', async () => {
    const { storage, saves } = countingSaves(storageOf());
    restore = injectFsFaults(path.join(dir, 'chk'), 'ENOSPC', () => saves() >= 3);
    const err = await runJob({ storage }, path.join(dir, 'out')).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'STORAGE', message: expect.stringMatching(/checkpoint 3 could not be persisted .*ENOSPC/) });
    const committed = await readCommittedLines(path.join(dir, 'out'));
    expect(committed.length).toBeLessThan(reference.length);
    expect(reference.slice(0, committed.length)).toEqual(committed);
    restore();
    restore = undefined;
    const { summary } = await runJob({ storage: storageOf() }, path.join(dir, 'out'));
    expect(summary.restoredFrom).toBe(2);
    expect(await readCommittedLines(path.join(dir, 'out'))).toEqual(reference);
  });

  it('rides out as many consecutive failures as tolerated, counted, and the output stays exactly once', async () => {
    const { storage, saves } = countingSaves(storageOf());
    restore = injectFsFaults(path.join(dir, 'chk'), 'ENOSPC', () => saves() === 2 || saves() === 3);
    const log: string[] = [];
    const { summary } = await runJob({ storage, tolerableCheckpointFailures: 2, log: (m) => log.push(m) }, path.join(dir, 'out'));
    expect(summary.metrics.checkpointsFailed).toBe(2);
    expect(summary.metrics.checkpointsCompleted).toBe(summary.metrics.checkpointsTriggered - 2);
    expect(log.join('\n')).toMatch(/checkpoint 2 could not be persisted .*ENOSPC.*failure 1 of 2 tolerated/);
    expect(await readCommittedLines(path.join(dir, 'out'))).toEqual(reference);
    // three in a row are one too many
    const again = await makeTempDir();
    restore();
    const counted = countingSaves(new FileCheckpointStorage(path.join(again, 'chk'), { fsync: false }));
    restore = injectFsFaults(path.join(again, 'chk'), 'ENOSPC', () => counted.saves() >= 2 && counted.saves() <= 4);
    await expect(runJob({ storage: counted.storage, tolerableCheckpointFailures: 2 }, path.join(again, 'out'))).rejects.toMatchObject({
      code: 'STORAGE',
      message: expect.stringMatching(/checkpoint 4 could not be persisted .*3 consecutive checkpoint failure\(s\), tolerableCheckpointFailures is 2/),
    });
    await removeTempDir(again);
  });

  it('a disk full on the final checkpoint only fails the job, whatever the tolerance; the restart commits the rest', async () => {
    let final = false;
    const source = arraySource(input);
    const watching: Source<Click> = {
      describe: () => source.describe(),
      async open(offset) {
        const reader = await source.open(offset);
        return {
          read: async (max) => {
            const values = await reader.read(max);
            if (values.length === 0) final = true; // the input ended: the next save is the final checkpoint's
            return values;
          },
          offset: () => reader.offset(),
        };
      },
    };
    restore = injectFsFaults(path.join(dir, 'chk'), 'ENOSPC', () => final);
    const err = await runJob({ storage: storageOf(), tolerableCheckpointFailures: 100 }, path.join(dir, 'out'), watching).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'STORAGE', message: expect.stringMatching(/could not be persisted .*ENOSPC.*the final checkpoint must succeed/) });
    const committed = await readCommittedLines(path.join(dir, 'out'));
    expect(committed.length).toBeLessThan(reference.length);
    restore();
    restore = undefined;
    await runJob({ storage: storageOf() }, path.join(dir, 'out'));
    expect(await readCommittedLines(path.join(dir, 'out'))).toEqual(reference);
  });
});

describe('a store file damaged with its checksums rewritten to match', () => {
  it('makes recovery fall back to the next older checkpoint, naming checkpoint, store and file; the committed output is byte-identical to an uninterrupted run', async () => {
    const dir = await makeTempDir();
    try {
      await runJob({ storage: new FileCheckpointStorage(path.join(dir, 'ref-chk'), { fsync: false }) }, path.join(dir, 'ref-out'));
      const chk = path.join(dir, 'chk');
      const storage = new FileCheckpointStorage(chk, { fsync: false, retain: 3 });
      await expect(runJob({ storage }, path.join(dir, 'out'), crashingAfter(arraySource(input), 35))).rejects.toThrow(/simulated crash/);
      const ids = (await storage.list()).map((c) => c.id);
      expect(ids.length).toBe(3);
      const newest = ids[0]!;
      // Flip a byte of the newest checkpoint's store file, then rewrite the manifest's CRC and checksum to match.
      const storeFile = path.join(chk, chkName(newest), 'store-0.state');
      const bytes = await fs.readFile(storeFile);
      bytes[bytes.length >> 1] = bytes[bytes.length >> 1]! ^ 0x01;
      await fs.writeFile(storeFile, bytes);
      const manifestFile = path.join(chk, chkName(newest), 'manifest.json');
      let manifest = (await fs.readFile(manifestFile, 'utf8')).replace(/"crc32": \d+/, `"crc32": ${crc32(bytes) >>> 0}`);
      const unsigned = manifest.replace(/"checksum": "[0-9a-f]{8}"/, '"checksum": "00000000"');
      manifest = manifest.replace(/"checksum": "[0-9a-f]{8}"/, `"checksum": "${(crc32(Buffer.from(unsigned)) >>> 0).toString(16).padStart(8, '0')}"`);
      await fs.writeFile(manifestFile, manifest);
      expect((await storage.list())[0]).toMatchObject({ id: newest, valid: true }); // the storage's own checks pass

      const log: string[] = [];
      const { summary } = await runJob({ storage, log: (m) => log.push(m) }, path.join(dir, 'out'));
      expect(summary.restoredFrom).toBe(ids[1]);
      expect(log.join('\n')).toMatch(new RegExp(`skipping checkpoint ${newest}: store 'views' of checkpoint ${newest} \\(${storeFile.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}\\) cannot be restored: .*checksum mismatch`));
      const outFiles = async (d: string): Promise<Buffer> => Buffer.concat(await Promise.all((await fs.readdir(d)).filter((f) => f.startsWith('part-')).sort().map((f) => fs.readFile(path.join(d, f)))));
      expect((await outFiles(path.join(dir, 'out'))).equals(await outFiles(path.join(dir, 'ref-out')))).toBe(true);
      expect(await readCommittedLines(path.join(dir, 'out'))).toEqual(await readCommittedLines(path.join(dir, 'ref-out')));

      // With every checkpoint's store damaged, the error names the newest checkpoint, its store and file.
      for (const id of (await storage.list()).map((c) => c.id)) {
        const file = path.join(chk, chkName(id), 'store-0.state');
        const b = await fs.readFile(file);
        b[b.length - 1] = b[b.length - 1]! ^ 0x01;
        await fs.writeFile(file, b);
        const m = await fs.readFile(path.join(chk, chkName(id), 'manifest.json'), 'utf8');
        const fixed = m.replace(/"crc32": \d+/, `"crc32": ${crc32(b) >>> 0}`);
        const u = fixed.replace(/"checksum": "[0-9a-f]{8}"/, '"checksum": "00000000"');
        await fs.writeFile(path.join(chk, chkName(id), 'manifest.json'), fixed.replace(/"checksum": "[0-9a-f]{8}"/, `"checksum": "${(crc32(Buffer.from(u)) >>> 0).toString(16).padStart(8, '0')}"`));
      }
      const err = await CheckpointCoordinator.open({ storage }).catch((e: unknown) => e);
      expect(err).toMatchObject({ code: 'CORRUPT_CHECKPOINT', message: expect.stringMatching(/none of the 3 checkpoint\(s\) .* is valid \(newest: \d+, store 'views' of checkpoint \d+ \(.*store-0\.state\) cannot be restored/) });
    } finally {
      await removeTempDir(dir);
    }
  });
});

describe('a tiny checkpoint interval over a long input', () => {
  it('keeps at most one checkpoint in flight, skips (and counts) the triggers that fall due meanwhile, and keeps the heap flat', async () => {
    const dir = await makeTempDir();
    try {
      const events = 2_000_000;
      let job: CheckpointCoordinator | undefined;
      let maxInFlight = 0;
      const heap: number[] = [];
      const source = generatorSource<Click>({
        count: events,
        seed: 7,
        generate: (i) => {
          if (job !== undefined && i % 1_000 === 0) {
            maxInFlight = Math.max(maxInFlight, job.metrics.checkpointsInFlight);
            if (i % 100_000 === 0) heap.push(process.memoryUsage().heapUsed);
          }
          return { page: `p${i % 1_000}`, ts: i };
        },
      });
      job = await CheckpointCoordinator.open({ storage: new FileCheckpointStorage(path.join(dir, 'chk'), { fsync: false }), interval: { events: 1_000 } });
      const counted$ = job
        .source('clicks', source, { timestamp: (c) => c.ts, maxOutOfOrderness: 0 })
        .pipe(tumblingWindow({ size: 10_000, key: (c: Click) => c.page, aggregate: count(), store: job.store('views'), name: 'views', checkpoint: job })) as Observable<never>;
      let results = 0;
      const summary = await job.run(counted$.pipe(job.sink('out', { describe: () => 'counting', open: () => ({ write: () => void results++, preCommit: () => null, commit: () => undefined }) })));
      expect(summary.recordsRead).toBe(events);
      expect(results).toBe(events / 10);
      expect(maxInFlight).toBe(1);
      expect(summary.metrics.checkpointsInFlight).toBe(0);
      expect(summary.metrics.checkpointsCompleted).toBe(summary.metrics.checkpointsTriggered);
      expect(summary.metrics.checkpointsCompleted + summary.metrics.checkpointsSkipped).toBeGreaterThanOrEqual(events / 1_000);
      expect(summary.metrics.checkpointsCompleted).toBeGreaterThan(10);
      // Flat: the heap of the second half stays within 64 MB of the first tenth (the unbounded
      // coordinator grew by hundreds of MB here, holding a snapshot per checkpoint in flight).
      const early = Math.max(...heap.slice(1, 3));
      const late = Math.max(...heap.slice(heap.length / 2));
      expect(late - early).toBeLessThan(64 * 2 ** 20);
    } finally {
      await removeTempDir(dir);
    }
  }, 120_000);
});
