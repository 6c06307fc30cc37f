import fc from 'fast-check';
import { promises as fs } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { arraySource } from '../arraySource';
import { CheckpointCoordinator } from '../CheckpointCoordinator';
import type { Json } from '../Json';
import { MemoryCheckpointStorage } from '../MemoryCheckpointStorage';
import { partitionedJsonLinesSink, type PartitionedJsonLinesSinkOptions } from '../partitionedJsonLinesSink';
import { readCommittedPartitions } from '../readCommittedPartitions';
import type { Sink, SinkWriter } from '../Sink';
import { crashingAfter } from '../testing/crashingAfter';
import { caught, rejection } from './checkpointFixtures';

/** A value with its partition directory. */
interface Row {
  readonly i: number;
  readonly p: string;
}

// Nested and overlapping partitions ('b' holds the directory 'c' of 'b/c'), as q10 writes them.
const PARTITIONS = ['a', 'b', 'b/c', 'dt=2015-07-15/hm=00:01', 'dt=2015-07-15/hm=00:02'] as const;

// File-system work for a few hundred generated runs: seconds, more when the cores are shared.
jest.setTimeout(60_000);

let root: string;
beforeEach(async () => {
  root = await fs.mkdtemp(join(tmpdir(), 'weir-partitioned-sink-'));
});
afterEach(async () => {
  await fs.rm(root, { recursive: true, force: true });
});

const sinkOf = (dir: string, options: Partial<PartitionedJsonLinesSinkOptions<Row>> = {}): Sink<Row> => partitionedJsonLinesSink<Row>(dir, { partitionOf: (r) => r.p, fsync: false, ...options });
/** A state as the coordinator hands it back: through JSON. */
const stored = (state: Json): Json => JSON.parse(JSON.stringify(state)) as Json;
const partitionsOf = (state: Json): string[] => Object.keys((state as { partitions: object }).partitions).sort();

/** The committed output: partition => the `i` of its rows, in order. */
async function visible(dir: string): Promise<Map<string, number[]>> {
  const out = new Map<string, number[]>();
  for (const [p, lines] of await readCommittedPartitions(dir)) out.set(p, lines.map((l) => (JSON.parse(l) as Row).i));
  return out;
}

/** What exactly-once output of `rows` looks like: partition => `i`s, partitions sorted, empty ones absent. */
function model(rows: readonly Row[]): Map<string, number[]> {
  const out = new Map<string, number[]>();
  for (const p of [...new Set(rows.map((r) => r.p))].sort()) out.set(p, rows.filter((r) => r.p === p).map((r) => r.i));
  return out;
}

/** Every pending and in-progress file under `dir`. */
async function uncommittedFiles(dir: string): Promise<string[]> {
  const entries = await fs.readdir(dir, { recursive: true });
  return entries.filter((f) => f.endsWith('.pending') || f.endsWith('.inprogress'));
}

type Step =
  | { readonly kind: 'write'; readonly count: number }
  | { readonly kind: 'checkpoint'; readonly persist: boolean; readonly commit: boolean }
  | { readonly kind: 'commit' }
  | { readonly kind: 'crash'; readonly back: number };

const step: fc.Arbitrary<Step> = fc.oneof(
  { weight: 4, arbitrary: fc.record({ kind: fc.constant('write' as const), count: fc.integer({ min: 1, max: 6 }) }) },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('checkpoint' as const), persist: fc.boolean(), commit: fc.boolean() }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('commit' as const) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('crash' as const), back: fc.oneof({ weight: 3, arbitrary: fc.constant(0) }, { weight: 1, arbitrary: fc.integer({ min: 1, max: 2 }) }) }) },
);

describe('partitionedJsonLinesSink', () => {
  it('commits every value exactly once in its partition across crashes (property, against a model)', async () => {
    let run = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(step, { minLength: 10, maxLength: 40 }), fc.array(fc.constantFrom(...PARTITIONS), { minLength: 10, maxLength: 60 }), async (steps, partitions) => {
        const dir = join(root, String(run++));
        const rows: Row[] = partitions.map((p, i) => ({ i, p }));
        const total = rows.length;
        // The job: a source replaying `rows` from a position; a checkpoint pre-commits, may fail
        // to persist, and a persisted one is committed at once, later (after more writes) or
        // never (a crash came first). A crash drops the writer (no close, no pre-commit) and
        // resumes from the newest persisted checkpoint, or an older one when the newer are found
        // corrupt.
        let w: SinkWriter<Row> = await sinkOf(dir).open(undefined);
        let position = 0;
        let nextId = 1;
        const persisted: Array<{ id: number; position: number; state: Json }> = [];
        let uncommitted: Array<{ id: number; position: number }> = []; // persisted by this writer, not committed
        // The partitions the writer keeps open (and in its state): those written since the
        // pre-commit of the last checkpoint it committed (or since it opened).
        let open = new Set<string>();
        const commit = async (c: { id: number; position: number }): Promise<void> => {
          await w.commit(c.id);
          uncommitted = uncommitted.filter((u) => u.id > c.id);
          open = new Set(rows.slice(c.position, position).map((r) => r.p));
          expect(await visible(dir)).toEqual(model(rows.slice(0, c.position)));
        };
        for (const s of steps) {
          if (s.kind === 'write') {
            for (let k = 0; k < s.count && position < total; k++) {
              const row = rows[position++]!;
              w.write(row);
              open.add(row.p);
            }
          } else if (s.kind === 'checkpoint') {
            const id = nextId++;
            const state = stored(await w.preCommit(id));
            expect(partitionsOf(state)).toEqual([...open].sort());
            if (!s.persist) continue;
            persisted.push({ id, position, state });
            uncommitted.push({ id, position });
            if (s.commit) await commit({ id, position });
          } else if (s.kind === 'commit') {
            const newest = uncommitted[uncommitted.length - 1];
            if (newest !== undefined) await commit(newest);
          } else {
            persisted.splice(Math.max(0, persisted.length - s.back), s.back);
            const restored = persisted[persisted.length - 1];
            w = await sinkOf(dir).open(restored?.state);
            position = restored?.position ?? 0;
            uncommitted = [];
            open = new Set();
            expect(await visible(dir)).toEqual(model(rows.slice(0, position)));
            expect(await uncommittedFiles(dir)).toEqual([]);
          }
        }
        while (position < total) w.write(rows[position++]!);
        const last = nextId++;
        await w.preCommit(last);
        await w.commit(last);
        expect(await visible(dir)).toEqual(model(rows));
        await w.close?.();
      }),
      { numRuns: 60 },
    );
  });

  it('keeps its state to the partitions written since the last commit, and their output after a crash (a new partition per checkpoint, like q10)', async () => {
    const dir = join(root, 'q10');
    const w = await sinkOf(dir).open(undefined);
    const rows: Row[] = [];
    let state: Json = null;
    let pendingCommit: number | undefined;
    for (let minute = 0; minute < 60; minute++) {
      const p = `dt=2015-07-15/hm=${String(minute).padStart(2, '0')}`;
      for (let k = 0; k < 3; k++) {
        const row = { i: rows.length, p };
        rows.push(row);
        w.write(row);
      }
      const id = minute + 1;
      // The next pre-commit overlaps the previous checkpoint's commit, as the coordinator allows.
      const pre = w.preCommit(id);
      if (pendingCommit !== undefined) await w.commit(pendingCommit);
      state = stored(await pre);
      pendingCommit = id;
      expect(partitionsOf(state).length).toBeLessThanOrEqual(2);
    }
    await w.commit(pendingCommit!);
    expect(partitionsOf(state)).toEqual(['dt=2015-07-15/hm=58', 'dt=2015-07-15/hm=59']);
    // a crash, resumed from the last checkpoint: the 58 forgotten partitions keep their output
    const resumed = await sinkOf(dir).open(state);
    expect(await visible(dir)).toEqual(model(rows));
    await resumed.close?.();
    await w.close?.();
  });

  it('reopens a forgotten partition without losing its committed output', async () => {
    const dir = join(root, 'out');
    const w = await sinkOf(dir).open(undefined);
    w.write({ i: 0, p: 'a' });
    await w.preCommit(1);
    await w.commit(1); // 'a' is forgotten
    expect(partitionsOf(stored(await w.preCommit(2)))).toEqual([]);
    w.write({ i: 1, p: 'a' });
    w.write({ i: 2, p: 'b' });
    const state = stored(await w.preCommit(3));
    expect(partitionsOf(state)).toEqual(['a', 'b']);
    expect(await visible(dir)).toEqual(new Map([['a', [0]]]));
    // crash before commit 3: recovery commits it
    const resumed = await sinkOf(dir).open(state);
    expect(await visible(dir)).toEqual(new Map([['a', [0, 1]], ['b', [2]]]));
    await resumed.close?.();
  });

  it('does not forget a partition written (or pre-committed) while a commit is on its way', async () => {
    const dir = join(root, 'out');
    const w = await sinkOf(dir).open(undefined);
    w.write({ i: 0, p: 'a' });
    await w.preCommit(1);
    const first = w.commit(1); // 'a' is idle when it starts ...
    w.write({ i: 1, p: 'a' }); // ... and written during it
    await first;
    await w.preCommit(2);
    const second = w.commit(2); // idle again when it starts ...
    w.write({ i: 2, p: 'a' });
    const pre = w.preCommit(3); // ... and written and pre-committed during it
    await second;
    expect(partitionsOf(stored(await pre))).toEqual(['a']);
    await w.commit(3);
    await w.preCommit(4);
    await w.commit(4);
    expect(await visible(dir)).toEqual(new Map([['a', [0, 1, 2]]]));
    await w.close?.();
  });

  it('recovering an older checkpoint deletes output of newer ones in partitions the state does not name', async () => {
    const dir = join(root, 'out');
    const w = await sinkOf(dir).open(undefined);
    w.write({ i: 0, p: 'a' });
    const first = stored(await w.preCommit(1));
    await w.commit(1);
    w.write({ i: 1, p: 'a' });
    w.write({ i: 2, p: 'x/y' });
    await w.preCommit(2);
    await w.commit(2);
    w.write({ i: 3, p: 'z' });
    await w.preCommit(3); // pending, never committed
    expect(await visible(dir)).toEqual(new Map([['a', [0, 1]], ['x/y', [2]]]));
    // checkpoints 2 and 3 are found corrupt: resume from 1
    const resumed = await sinkOf(dir).open(first);
    expect(await visible(dir)).toEqual(new Map([['a', [0]]]));
    expect(await uncommittedFiles(dir)).toEqual([]);
    await resumed.close?.();
  });

  it('discards the in-progress output of a crash, and everything on a fresh start (other files stay)', async () => {
    const dir = join(root, 'out');
    const big = 'x'.repeat((1 << 20) + 10); // more than the child's buffer: flushed to an in-progress file
    const w = await sinkOf(dir, { serialize: (r) => (r.i === 1 ? JSON.stringify({ i: r.i, big }) : JSON.stringify(r)) }).open(undefined);
    w.write({ i: 0, p: 'a/b' });
    const state = stored(await w.preCommit(1));
    await w.commit(1);
    w.write({ i: 1, p: 'a/b' });
    // the append is asynchronous: wait for its file (up to 4 s on a loaded machine)
    for (let k = 0; k < 400 && (await uncommittedFiles(dir)).length === 0; k++) await new Promise((r) => setTimeout(r, 10));
    expect(await uncommittedFiles(dir)).toHaveLength(1);
    await fs.writeFile(join(dir, 'a', 'notes.txt'), 'mine');
    // crash: resume from checkpoint 1
    const resumed = await sinkOf(dir).open(state);
    expect(await uncommittedFiles(dir)).toEqual([]);
    expect(await visible(dir)).toEqual(new Map([['a/b', [0]]]));
    await resumed.close?.();
    await w.close?.();
    const fresh = await sinkOf(dir).open(undefined);
    expect(await visible(dir)).toEqual(new Map());
    expect(await fs.readFile(join(dir, 'a', 'notes.txt'), 'utf8')).toBe('mine');
    await fresh.close?.();
  });

  it('rejects a partition that is not a relative directory path, naming the value', async () => {
    const w = await sinkOf(join(root, 'out'), { partitionOf: (r) => r.p }).open(undefined);
    const bad = ['', '/etc', 'a//b', 'a/', '../x', 'a/../b', 'a/./b', '.', 'a\0b', 'a\\b', 'a/part-000000000001.jsonl'];
    for (const p of bad) {
      const err = caught(() => w.write({ i: 7, p }));
      expect(err.code).toBe('SINK');
      expect(err.message).toContain('partitionOf');
      expect(err.message).toContain('"i":7');
    }
    const w2 = await partitionedJsonLinesSink<Row>(join(root, 'out2'), { partitionOf: () => 42 as unknown as string, fsync: false }).open(undefined);
    expect(caught(() => w2.write({ i: 1, p: 'a' })).message).toMatch(/number 42.*not a string/);
    const w3 = await partitionedJsonLinesSink<Row>(join(root, 'out3'), {
      partitionOf: () => {
        throw new Error('no partition');
      },
      fsync: false,
    }).open(undefined);
    const err = caught(() => w3.write({ i: 1, p: 'a' }));
    expect(err.code).toBe('SINK');
    expect(err.cause).toBeInstanceOf(Error);
    // a rejected value is not written: the sink goes on
    w.write({ i: 8, p: 'ok' });
    await w.preCommit(1);
    await w.commit(1);
    expect(await visible(join(root, 'out'))).toEqual(new Map([['ok', [8]]]));
  });

  it('throws SINK for a value it cannot serialize, whether its partition is new, opening or open', async () => {
    const dir = join(root, 'out');
    const serialize = (r: Row): string => {
      if (r.i < 0) throw new Error('negative');
      return r.i === 99 ? 'two\nlines' : JSON.stringify(r);
    };
    const w = await sinkOf(dir, { serialize }).open(undefined);
    for (const bad of [{ i: -1, p: 'new' }, { i: 99, p: 'new' }]) expect(caught(() => w.write(bad)).code).toBe('SINK');
    w.write({ i: 0, p: 'a' }); // 'a' is opening
    expect(caught(() => w.write({ i: -1, p: 'a' })).message).toContain('negative');
    await w.preCommit(1); // 'a' is open
    expect(caught(() => w.write({ i: -1, p: 'a' })).code).toBe('SINK');
    expect(caught(() => w.write({ i: 99, p: 'a' })).code).toBe('SINK');
    w.write({ i: 1, p: 'a' }); // the writer goes on
    await w.preCommit(2);
    await w.commit(2);
    expect(await visible(dir)).toEqual(new Map([['a', [0, 1]]]));
    expect(await fs.readdir(dir)).toEqual(['a']); // no directory for a rejected value
    await w.close?.();
  });

  it('with fields, writes each line as JSON.stringify(value, fields) into its partition, opening or open', async () => {
    const dir = join(root, 'out');
    interface Wide extends Row {
      readonly extra: string;
      readonly s: string;
    }
    const w = await partitionedJsonLinesSink<Wide>(dir, { partitionOf: (r) => r.p, fsync: false, fields: ['s', 'i'] }).open(undefined);
    const rows: Wide[] = [
      { i: 0, p: 'a', extra: 'x', s: 'plain' },
      { i: 1, p: 'b/c', extra: 'y', s: 'quote " and \u00e9' }, // not printable ASCII: JSON.stringify's own escaping
      { i: 2, p: 'a', extra: 'z', s: '' },
    ];
    w.write(rows[0]!); // 'a' opening
    await w.preCommit(1);
    w.write(rows[1]!);
    w.write(rows[2]!); // 'a' open
    await w.preCommit(2);
    await w.commit(2);
    const byPartition = await readCommittedPartitions(dir);
    expect(byPartition.get('a')).toEqual([JSON.stringify(rows[0], ['s', 'i']), JSON.stringify(rows[2], ['s', 'i'])]);
    expect(byPartition.get('b/c')).toEqual([JSON.stringify(rows[1], ['s', 'i'])]);
    await w.close?.();
  });

  it('checks its options: an unknown key, a missing partitionOf, bad types', () => {
    const partitionOf = (r: Row): string => r.p;
    const unknown = caught(() => partitionedJsonLinesSink<Row>(root, { partitionOf, fsyncc: true } as PartitionedJsonLinesSinkOptions<Row>));
    expect(unknown.code).toBe('INVALID_ARGUMENT');
    expect(unknown.message).toContain('fsyncc');
    expect(unknown.message).toContain('partitionedJsonLinesSink');
    expect(caught(() => partitionedJsonLinesSink<Row>(root, {} as PartitionedJsonLinesSinkOptions<Row>)).message).toContain('partitionOf');
    expect(caught(() => partitionedJsonLinesSink<Row>(root, { partitionOf, fsync: 'yes' as unknown as boolean })).code).toBe('INVALID_ARGUMENT');
    expect(caught(() => partitionedJsonLinesSink<Row>(root, { partitionOf, serialize: 3 as unknown as () => string })).code).toBe('INVALID_ARGUMENT');
    expect(caught(() => partitionedJsonLinesSink<Row>(root, { partitionOf, fields: ['i', 'i'] })).message).toMatch(/partitionedJsonLinesSink \(.*\): option `fields` must be an array of distinct strings/);
    expect(caught(() => partitionedJsonLinesSink<Row>(root, { partitionOf, fields: ['i'], serialize: (r) => String(r.i) })).message).toContain('with serialize');
    expect(caught(() => partitionedJsonLinesSink<Row>('', { partitionOf })).code).toBe('INVALID_ARGUMENT');
    expect(caught(() => partitionedJsonLinesSink<Row>(root, undefined as unknown as PartitionedJsonLinesSinkOptions<Row>)).code).toBe('INVALID_ARGUMENT');
  });

  it('refuses a state that is not one of its own', async () => {
    const states: Json[] = [null, 3, { upTo: 1 }, { upTo: -1, partitions: {} }, { upTo: 1, partitions: { '../x': { upTo: 1, pending: [] } } }, { upTo: 1, partitions: { a: 'nope' } }];
    for (const state of states) {
      const err = await rejection(sinkOf(join(root, 'out')).open(state));
      expect(err.code).toBe('SINK');
    }
  });

  it('fails with SINK, never success, when a partition cannot be opened (a file in its path)', async () => {
    const dir = join(root, 'out');
    await fs.mkdir(dir, { recursive: true });
    await fs.writeFile(join(dir, 'dt=2015-07-15'), 'a file, not a directory');
    const w = await sinkOf(dir).open(undefined);
    w.write({ i: 0, p: 'fine' });
    w.write({ i: 1, p: 'dt=2015-07-15/hm=00:01' });
    const err = await rejection(w.preCommit(1));
    expect(err.code).toBe('SINK');
    expect(err.message).toContain("partition 'dt=2015-07-15/hm=00:01'");
    expect(err.cause).toBeDefined();
    // the writer stays failed
    expect(caught(() => w.write({ i: 2, p: 'fine' }))).toBe(err);
    expect(await rejection(w.preCommit(2))).toBe(err);
    expect(await rejection(w.commit(1))).toBe(err);
    await w.close?.();
    expect(await visible(dir)).toEqual(new Map());
  });

  it('fails with SINK when an open partition directory is replaced by a file', async () => {
    const dir = join(root, 'out');
    const w = await sinkOf(dir).open(undefined);
    w.write({ i: 0, p: 'a' });
    await w.preCommit(1); // 'a' is open (not committed: not forgotten)
    w.write({ i: 1, p: 'a' });
    await fs.rm(join(dir, 'a'), { recursive: true });
    await fs.writeFile(join(dir, 'a'), 'in the way');
    const err = await rejection(w.preCommit(2));
    expect(err.code).toBe('SINK');
    expect(err.message).toContain("partition 'a'");
    await w.close?.();
  });

  it('fails the job under the coordinator when a partition cannot be written', async () => {
    const dir = join(root, 'out');
    await fs.mkdir(join(dir, 'b'), { recursive: true });
    await fs.writeFile(join(dir, 'b', 'c'), 'in the way');
    const job = await CheckpointCoordinator.open({ storage: new MemoryCheckpointStorage(), interval: { events: 2 } });
    const rows: Row[] = [0, 1, 2, 3, 4, 5].map((i) => ({ i, p: i < 4 ? 'a' : 'b/c' }));
    const out$ = job.source('rows', arraySource(rows), { timestamp: (r) => r.i, maxOutOfOrderness: 0 }).pipe(job.sink('out', sinkOf(dir)));
    const err = await rejection(job.run(out$));
    expect(err.code).toBe('SINK');
    expect(err.message).toContain("partition 'b/c'");
  });

  it('runs under the coordinator: crashed and resumed, every value once in its partition', async () => {
    const dir = join(root, 'out');
    const rows: Row[] = Array.from({ length: 200 }, (_, i) => ({ i, p: PARTITIONS[Math.floor(i / 17) % PARTITIONS.length]! }));
    const storage = new MemoryCheckpointStorage();
    const runJob = async (crashAfter?: number): Promise<void> => {
      const job = await CheckpointCoordinator.open({ storage, interval: { events: 15 }, batchSize: 10 });
      const source = crashAfter === undefined ? arraySource(rows) : crashingAfter(arraySource(rows), crashAfter);
      await job.run(job.source('rows', source, { timestamp: (r) => r.i, maxOutOfOrderness: 0 }).pipe(job.sink('out', sinkOf(dir))));
    };
    for (const crashAfter of [3, 7, 11]) await expect(runJob(crashAfter)).rejects.toThrow(/simulated crash/);
    await runJob();
    expect(await visible(dir)).toEqual(model(rows));
  });
});
