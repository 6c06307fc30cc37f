import { tap } from 'rxjs';
import type { StreamElement } from '@weir/stream';
import { CheckpointCoordinator, CheckpointError, FileCheckpointStorage, MemoryCheckpointStorage, collectingSink, type CheckpointToSave, type Source, type SourceReader } from '../index';
import { checkCheckpointData } from '../checkCheckpointData';
import { Corrupt, decodeManifest, encodeManifest } from '../checkpointManifest';
import { makeTempDir, removeTempDir } from './checkpointFixtures';

interface Ev {
  readonly p: string;
  readonly ts: number;
}

/** One read of the scripted reader: at processing time `t`, these values (partition, timestamp); none means "nothing now". */
interface Step {
  readonly t: number;
  readonly values: ReadonlyArray<readonly [string, number]>;
}

interface Script {
  readonly steps: readonly Step[];
  /** The partitions the reader lists (default: none listed, only named by values). */
  readonly listed?: readonly string[];
  /** Throw at this step (a crash). */
  readonly crashAt?: number;
  /** Pass each value's timestamp to emit (the job then has no `timestamp` option). */
  readonly stamps?: boolean;
  /** Pass no partition (an unpartitioned reader). */
  readonly unpartitioned?: boolean;
}

/** An unbounded, partitioned reader playing `script` one step per read and setting the clock to each step's time; its offset is the step index. */
function scripted(script: Script, clock: { t: number }): Source<Ev> {
  return {
    describe: () => 'scripted partitions',
    open(offset): SourceReader<Ev> {
      let i = typeof offset === 'number' ? offset : 0;
      return {
        read: () => {
          throw new Error('readEach only');
        },
        readEach(_max, emit) {
          if (i === script.crashAt) throw new Error('simulated crash');
          const step = script.steps[i];
          if (step === undefined) return 0;
          clock.t = step.t;
          i++;
          for (const [p, ts] of step.values) emit({ p, ts }, script.unpartitioned === true ? undefined : p, script.stamps === true ? ts : undefined);
          return step.values.length;
        },
        offset: () => i,
        ...(script.listed === undefined ? {} : { partitions: () => script.listed! }),
        ended: () => i >= script.steps.length,
      };
    },
  };
}

type Seen = string; // 'A@10', 'wm 19', '|3' (barrier of checkpoint 3)
const show = (e: StreamElement<Ev>): Seen => (e.kind === 'record' ? `${e.value.p}@${e.timestamp}` : e.kind === 'watermark' ? `wm ${e.timestamp}` : `|${e.checkpointId}`);

interface Run {
  readonly storage?: MemoryCheckpointStorage;
  readonly clock?: { t: number };
  /** Default 100; `null`: none. */
  readonly idleTimeout?: number | null;
  /** The same sink object across a crash and its recovery. */
  readonly sink?: ReturnType<typeof collectingSink<Ev>>;
}

async function runScript(script: Script, run: Run = {}): Promise<{ seen: Seen[]; error?: unknown; job: CheckpointCoordinator }> {
  const { storage = new MemoryCheckpointStorage(), clock = { t: 0 }, idleTimeout = 100, sink = collectingSink<Ev>() } = run;
  const job = await CheckpointCoordinator.open({ storage, interval: { ms: 1 }, batchSize: 100, now: () => clock.t });
  const seen: Seen[] = [];
  const options = {
    ...(script.stamps === true ? {} : { timestamp: (e: Ev) => e.ts }),
    maxOutOfOrderness: 0,
    ...(idleTimeout === null ? {} : { idleTimeout }),
  };
  const out = job.source('events', scripted(script, clock), options).pipe(tap((e) => seen.push(show(e))), job.sink('out', sink));
  try {
    await job.run(out);
    return { seen, job };
  } catch (error) {
    return { seen, error, job };
  }
}

const SCRIPT: Step[] = [
  { t: 0, values: [['A', 10], ['A', 20]] }, // B listed, silent: holds the watermark back
  { t: 50, values: [['A', 30]] },
  { t: 100, values: [] }, // B silent for 100 ms: idle, the watermark follows A
  { t: 120, values: [['B', 5]] }, // B wakes up behind: the watermark does not go back
  { t: 130, values: [['A', 40], ['B', 50]] },
  { t: 300, values: [] }, // both idle: nothing to advance
  { t: 310, values: [['B', 60]] }, // B alone active: its watermark
];

describe('partitioned sources: a watermark per partition, merged at the minimum, with idleness', () => {
  it('holds event time back for a silent partition until it is idle, never goes back, and follows the active ones', async () => {
    const { seen, error } = await runScript({ steps: SCRIPT, listed: ['A', 'B'] });
    expect(error).toBeUndefined();
    expect(seen.filter((s) => !s.startsWith('|'))).toEqual(['A@10', 'A@20', 'A@30', 'wm 29', 'B@5', 'A@40', 'B@50', 'wm 39', 'B@60', 'wm 59', 'wm Infinity']);
  });

  it('without idleTimeout a silent listed partition holds the watermark until the end', async () => {
    const { seen } = await runScript({ steps: SCRIPT, listed: ['A', 'B'] }, { idleTimeout: null });
    // B holds back until its first value (B@5: min(29, 4) = 4), then the minimum of both (A stays at 39)
    expect(seen.filter((s) => s.startsWith('wm'))).toEqual(['wm 4', 'wm 39', 'wm Infinity']);
  });

  it('a partition no longer listed (finished) stops holding the watermark back', async () => {
    const steps: Step[] = [{ t: 0, values: [['A', 10], ['B', 100]] }, { t: 1, values: [['B', 200]] }];
    let listed: string[] = ['A', 'B'];
    const clock = { t: 0 };
    const base = scripted({ steps }, clock);
    const source: Source<Ev> = {
      describe: base.describe,
      async open(offset) {
        const r = await base.open(offset);
        return { ...r, readEach: (max, emit) => {
          const n = r.readEach!(max, emit);
          listed = ['B']; // A finished after the first read
          return n;
        }, partitions: () => listed };
      },
    };
    const job = await CheckpointCoordinator.open({ storage: new MemoryCheckpointStorage(), batchSize: 100, now: () => clock.t });
    const seen: Seen[] = [];
    await job.run(job.source('events', source, { timestamp: (e) => e.ts, maxOutOfOrderness: 0 }).pipe(tap((e) => seen.push(show(e))), job.sink('out', collectingSink<Ev>())));
    expect(seen.filter((s) => !s.startsWith('|'))).toEqual(['A@10', 'B@100', 'wm 9', 'wm 99', 'B@200', 'wm 199', 'wm Infinity']);
  });

  it('takes timestamps from the reader when the job gives no timestamp function, and fails a value without one', async () => {
    const { seen, error } = await runScript({ steps: SCRIPT.slice(0, 2), listed: ['A'], stamps: true });
    expect(error).toBeUndefined();
    expect(seen.filter((s) => !s.startsWith('|'))).toEqual(['A@10', 'wm 9', 'A@20', 'wm 19', 'A@30', 'wm 29', 'wm Infinity']);
    const clock = { t: 0 };
    const job = await CheckpointCoordinator.open({ storage: new MemoryCheckpointStorage(), now: () => clock.t });
    const out = job.source('events', scripted({ steps: SCRIPT.slice(0, 1) }, clock), { maxOutOfOrderness: 0 }).pipe(job.sink('out', collectingSink<Ev>()));
    const err = await job.run(out).then(() => undefined, (e: unknown) => e);
    expect(err).toBeInstanceOf(CheckpointError);
    expect((err as CheckpointError).code).toBe('SOURCE');
    expect((err as CheckpointError).message).toMatch(/events.*without a finite timestamp.*timestamp/);
  });

  it('an unbounded reader that has nothing now does not end the input; an unpartitioned one keeps one watermark', async () => {
    const { seen, error } = await runScript({ steps: SCRIPT, unpartitioned: true });
    expect(error).toBeUndefined();
    expect(seen.filter((s) => s.startsWith('wm'))).toEqual(['wm 9', 'wm 19', 'wm 29', 'wm 39', 'wm 49', 'wm 59', 'wm Infinity']);
    expect(seen.filter((s) => s.includes('@'))).toHaveLength(7);
  });

  it.each([3, 4, 5, 6])('a crash at step %i resumes from the checkpoint and re-emits exactly what an uninterrupted run emits', async (crashAt) => {
    const full = await runScript({ steps: SCRIPT, listed: ['A', 'B'] });
    const resume: Run = { storage: new MemoryCheckpointStorage(), clock: { t: 0 }, sink: collectingSink<Ev>() };
    const crashed = await runScript({ steps: SCRIPT, listed: ['A', 'B'], crashAt }, resume);
    expect(crashed.error).toBeInstanceOf(CheckpointError);
    const latest = (await resume.storage!.list())[0]!;
    expect(latest.sources.events?.partitions).toBeDefined();
    const resumed = await runScript({ steps: SCRIPT, listed: ['A', 'B'] }, resume);
    expect(resumed.error).toBeUndefined();
    expect(resumed.job.restoredFrom).toBe(latest.id);
    // the uninterrupted run after the same barrier, with the restored watermark re-emitted first
    const at = full.seen.indexOf(`|${latest.id}`);
    expect(at).toBeGreaterThan(0);
    const lastWm = full.seen.slice(0, at).filter((s) => s.startsWith('wm')).pop();
    const expected = [...(lastWm === undefined ? [] : [lastWm]), ...full.seen.slice(at + 1).filter((s) => !s.startsWith('|'))];
    expect(resumed.seen.filter((s) => !s.startsWith('|'))).toEqual(expected);
  });

  it('checks the idleTimeout option', async () => {
    const job = await CheckpointCoordinator.open({ storage: new MemoryCheckpointStorage() });
    const clock = { t: 0 };
    for (const idleTimeout of [0, -1, NaN, '5']) {
      expect(() => job.source(`s${String(idleTimeout)}`, scripted({ steps: [] }, clock), { timestamp: (e) => e.ts, maxOutOfOrderness: 0, idleTimeout: idleTimeout as number })).toThrow(/idleTimeout/);
    }
    expect(() => job.source('x', scripted({ steps: [] }, clock), { timestamp: (e: Ev) => e.ts, maxOutOfOrderness: 0, idleTimeOut: 5 } as never)).toThrow(/idleTimeOut.*idleTimeout/);
  });
});

describe('per-partition state in checkpoints', () => {
  const checkpoint = (partitions: unknown): CheckpointToSave =>
    ({
      id: 7,
      time: 1,
      sources: { events: { offset: 3, maxTimestamp: 50, watermark: 29, sinceWatermark: 0, partitions } },
      sinks: {},
      stores: {},
    }) as CheckpointToSave;
  const good = { A: { maxTimestamp: 30, watermark: 29, idle: false }, B: { maxTimestamp: -Infinity, watermark: -Infinity, idle: true } };

  it('round-trips through the file manifest (±Infinity included) and memory storage', async () => {
    const dir = await makeTempDir();
    try {
      for (const storage of [new FileCheckpointStorage(dir), new MemoryCheckpointStorage()]) {
        await storage.save(checkpoint(good));
        const loaded = await storage.load(7);
        expect(loaded.sources.events?.partitions).toEqual(good);
        expect((await storage.list())[0]?.sources.events?.partitions).toEqual(good);
      }
    } finally {
      await removeTempDir(dir);
    }
  });

  it('a source without partitions (an older manifest) loads without them', () => {
    const m = decodeManifest(encodeManifest(checkpoint(undefined), []), 7);
    expect(m.sources.events).toEqual({ offset: 3, maxTimestamp: 50, watermark: 29, sinceWatermark: 0 });
    expect('partitions' in m.sources.events!).toBe(false);
  });

  it('rejects malformed partition state when saving, and reports it as corrupt when loading', () => {
    for (const bad of [[], { A: 1 }, { A: { maxTimestamp: 1, watermark: 0 } }, { A: { maxTimestamp: '1', watermark: 0, idle: false } }]) {
      expect(() => checkCheckpointData('test', checkpoint(bad))).toThrow(/partition/);
    }
    const decode = (bad: unknown): unknown => {
      try {
        return decodeManifest(encodeManifest(checkpoint(bad), []), 7);
      } catch (err) {
        return err;
      }
    };
    expect(decode({ A: { maxTimestamp: 1, watermark: 0, idle: 'no' } })).toEqual(new Corrupt('sources["events"].partitions["A"].idle: expected a boolean, got "no"'));
    expect(decode({ A: { maxTimestamp: 'x', watermark: 0, idle: true } })).toBeInstanceOf(Corrupt);
  });
});
