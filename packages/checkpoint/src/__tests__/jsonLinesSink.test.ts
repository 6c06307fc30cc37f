import { promises as fs } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Json } from '../Json';
import { jsonLinesSink, readCommittedLines } from '../jsonLinesSink';
import type { SinkWriter } from '../Sink';
import { rejection } from './checkpointFixtures';

let dir: string;
beforeEach(async () => {
  dir = await fs.mkdtemp(join(tmpdir(), 'weir-jsonl-sink-'));
});
afterEach(async () => {
  await fs.rm(dir, { recursive: true, force: true });
});

const visible = async (): Promise<unknown[]> => (await readCommittedLines(dir)).map((l) => JSON.parse(l) as unknown);
const files = async (): Promise<string[]> => (await fs.readdir(dir)).sort();
const inProgressFiles = async (): Promise<string[]> => (await files()).filter((f) => f.endsWith('.inprogress'));
/** A state as the coordinator hands it back: through JSON. */
const stored = (state: Json): Json => JSON.parse(JSON.stringify(state)) as Json;

function writeAll<T>(w: SinkWriter<T>, values: readonly T[]): void {
  for (const v of values) w.write(v);
}

async function until(cond: () => Promise<boolean>): Promise<void> {
  for (let i = 0; i < 500 && !(await cond()); i++) await new Promise((r) => setTimeout(r, 5));
  expect(await cond()).toBe(true);
}

describe('jsonLinesSink', () => {
  it('output is visible only after commit, one part per checkpoint', async () => {
    const sink = jsonLinesSink<{ n: number }>(dir);
    expect(sink.describe()).toBe(`JSON Lines in ${dir}`);
    const w = await sink.open(undefined);
    writeAll(w, [{ n: 1 }, { n: 2 }]);
    expect(await visible()).toEqual([]);
    expect(await w.preCommit(1)).toEqual({ upTo: 1, pending: [1] });
    expect(await files()).toEqual(['part-000000000001.pending']);
    expect(await visible()).toEqual([]);
    await w.commit(1);
    expect(await files()).toEqual(['part-000000000001.jsonl']);
    expect(await visible()).toEqual([{ n: 1 }, { n: 2 }]);
    w.write({ n: 3 });
    expect(await w.preCommit(2)).toEqual({ upTo: 2, pending: [2] });
    await w.commit(2);
    expect(await visible()).toEqual([{ n: 1 }, { n: 2 }, { n: 3 }]);
    expect(await fs.readFile(join(dir, 'part-000000000002.jsonl'), 'utf8')).toBe('{"n":3}\n');
    await w.close?.();
  });

  it('a checkpoint with no output creates no part', async () => {
    const w = await jsonLinesSink<number>(dir).open(undefined);
    expect(await w.preCommit(1)).toEqual({ upTo: 1, pending: [] });
    await w.commit(1);
    expect(await files()).toEqual([]);
  });

  it('commit(n) covers every earlier pending part, in id order, and is idempotent', async () => {
    const w = await jsonLinesSink<string>(dir).open(undefined);
    w.write('a');
    await w.preCommit(1);
    w.write('b');
    expect(await w.preCommit(2)).toEqual({ upTo: 2, pending: [1, 2] });
    w.write('c');
    expect(await w.preCommit(3)).toEqual({ upTo: 3, pending: [1, 2, 3] });
    await w.commit(2); // checkpoint 1 failed to persist; 2 covers it
    expect(await visible()).toEqual(['a', 'b']);
    await w.commit(2);
    await w.commit(1);
    expect(await visible()).toEqual(['a', 'b']);
    expect(await w.preCommit(4)).toEqual({ upTo: 4, pending: [3] });
    await w.commit(4);
    await w.commit(4);
    expect(await visible()).toEqual(['a', 'b', 'c']);
    expect(await files()).toEqual(['part-000000000001.jsonl', 'part-000000000002.jsonl', 'part-000000000003.jsonl']);
  });

  it('output written after preCommit belongs to the next checkpoint, even before it resolves', async () => {
    const w = await jsonLinesSink<number>(dir).open(undefined);
    w.write(1);
    const pre1 = w.preCommit(1);
    w.write(2);
    const pre2 = w.preCommit(2);
    const commit1 = w.commit(1); // not awaited before the next checkpoint: calls are queued in order
    w.write(3);
    expect(await pre1).toEqual({ upTo: 1, pending: [1] });
    expect(await pre2).toEqual({ upTo: 2, pending: [1, 2] });
    await commit1;
    expect(await visible()).toEqual([1]);
    expect(await w.preCommit(3)).toEqual({ upTo: 3, pending: [2, 3] });
  });

  it('crash after checkpoint 2 was pre-committed: resuming from checkpoint 1 shows epoch 1 only', async () => {
    const { state1 } = await crashedRun();
    const w = await jsonLinesSink<string>(dir).open(stored(state1)); // a new process: a new sink object
    expect(await visible()).toEqual(['e1-a', 'e1-b']);
    expect(await files()).toEqual(['part-000000000001.jsonl']); // no pending, no in-progress
    // the replay writes epochs 2 and 3 again
    writeAll(w, ['e2-a', 'e2-b']);
    await w.preCommit(2);
    await w.commit(2);
    expect(await visible()).toEqual(['e1-a', 'e1-b', 'e2-a', 'e2-b']);
  });

  it('crash after checkpoint 2 was persisted but before its commit: resuming from 2 commits it', async () => {
    const { state2 } = await crashedRun();
    const w = await jsonLinesSink<string>(dir).open(stored(state2));
    expect(await visible()).toEqual(['e1-a', 'e1-b', 'e2-a', 'e2-b']);
    expect(await files()).toEqual(['part-000000000001.jsonl', 'part-000000000002.jsonl']); // epoch 3 in progress: gone
    await expect(w.preCommit(2)).rejects.toMatchObject({ code: 'STATE' }); // ids continue after the restored one
    w.write('e3-a');
    await w.preCommit(3);
    await w.commit(3);
    expect(await visible()).toEqual(['e1-a', 'e1-b', 'e2-a', 'e2-b', 'e3-a']);
  });

  it('recovery is idempotent: recovering twice (a crash during recovery) gives the same output', async () => {
    const { state2 } = await crashedRun();
    await jsonLinesSink<string>(dir).open(stored(state2));
    await jsonLinesSink<string>(dir).open(stored(state2));
    expect(await visible()).toEqual(['e1-a', 'e1-b', 'e2-a', 'e2-b']);
  });

  it('deletes committed parts beyond the restored checkpoint (a newer one was found corrupt)', async () => {
    const w = await jsonLinesSink<string>(dir).open(undefined);
    w.write('one');
    const state1 = await w.preCommit(1);
    await w.commit(1);
    w.write('two');
    await w.preCommit(2);
    await w.commit(2);
    w.write('three');
    await w.preCommit(3);
    await w.commit(3);
    expect(await visible()).toEqual(['one', 'two', 'three']);
    const r = await jsonLinesSink<string>(dir).open(stored(state1));
    expect(await visible()).toEqual(['one']);
    expect(await files()).toEqual(['part-000000000001.jsonl']);
    r.write('two');
    await r.preCommit(4); // ids keep increasing across restarts
    await r.commit(4);
    expect(await visible()).toEqual(['one', 'two']);
  });

  it('a fresh open deletes every part and in-progress file, and nothing else', async () => {
    await fs.writeFile(join(dir, 'part-000000000001.jsonl'), '"old"\n');
    await fs.writeFile(join(dir, 'part-000000000002.pending'), '"old"\n');
    await fs.writeFile(join(dir, '.part-dead-0.inprogress'), '"old"\n');
    await fs.writeFile(join(dir, 'README.md'), 'mine');
    const w = await jsonLinesSink<string>(dir).open(undefined);
    expect(await files()).toEqual(['README.md']);
    expect(await visible()).toEqual([]);
    w.write('new');
    await w.preCommit(1);
    await w.commit(1);
    expect(await visible()).toEqual(['new']);
  });

  it('creates a missing output directory', async () => {
    const nested = join(dir, 'a', 'b');
    const w = await jsonLinesSink<number>(nested, { fsync: false }).open(undefined);
    w.write(7);
    await w.preCommit(1);
    await w.commit(1);
    expect(await readCommittedLines(nested)).toEqual(['7']);
  });

  it('appends large output in several writes and keeps its order', async () => {
    const w = await jsonLinesSink<{ i: number; s: string }>(dir).open(undefined);
    const s = 'ü€😀x'.repeat(100); // multi-byte text: ~1 MiB buffered every ~2,000 values
    const values = Array.from({ length: 6000 }, (_, i) => ({ i, s }));
    writeAll(w, values.slice(0, 5000));
    await until(async () => (await inProgressFiles()).length === 1); // flushed off the record path
    expect(await visible()).toEqual([]);
    await w.preCommit(1);
    writeAll(w, values.slice(5000));
    await w.preCommit(2);
    await w.commit(2);
    expect(await visible()).toEqual(values);
  });

  it('a custom serialize writes its lines; a bad line is refused', async () => {
    const w = await jsonLinesSink<number>(dir, { serialize: (n) => `n=${n}`, fsync: false }).open(undefined);
    w.write(1);
    w.write(2);
    await w.preCommit(1);
    await w.commit(1);
    expect(await readCommittedLines(dir)).toEqual(['n=1', 'n=2']);
    const bad = await jsonLinesSink<string>(dir, { serialize: (s) => s }).open(undefined);
    expect(() => bad.write('a\nb')).toThrow(expect.objectContaining({ code: 'SINK', message: expect.stringContaining('one line') as unknown }) as Error);
    const throwing = await jsonLinesSink<number>(dir, { serialize: () => { throw new Error('no'); } }).open(undefined);
    expect(() => throwing.write(1)).toThrow(expect.objectContaining({ code: 'SINK', message: expect.stringContaining('cannot serialize number 1: no') as unknown }) as Error);
    const plain = await jsonLinesSink<unknown>(dir).open(undefined);
    expect(() => plain.write(undefined)).toThrow(expect.objectContaining({ code: 'SINK' }) as Error);
    expect(() => plain.write(10n)).toThrow(expect.objectContaining({ code: 'SINK' }) as Error);
  });

  it('checkpoint ids must increase', async () => {
    const w = await jsonLinesSink<number>(dir).open(undefined);
    await w.preCommit(5);
    expect((await rejection(w.preCommit(5))).code).toBe('STATE');
    expect((await rejection(w.preCommit(3))).message).toContain('must increase');
    expect((await rejection(w.preCommit(-1))).code).toBe('INVALID_ARGUMENT');
    expect((await rejection(w.commit(1.5))).code).toBe('INVALID_ARGUMENT');
  });

  it('refuses a restored state that is not its own, or whose parts are gone', async () => {
    const sink = jsonLinesSink<number>(dir);
    for (const bad of [null, 5, [], { upTo: 1 }, { upTo: -1, pending: [] }, { upTo: 1, pending: [2] }, { upTo: 1, pending: ['1'] }]) {
      const err = await rejection(sink.open(bad as Json));
      expect(err.code).toBe('SINK');
      expect(err.message).toContain('cannot recover');
    }
    const err = await rejection(sink.open({ upTo: 3, pending: [3] }));
    expect(err.message).toContain('part-000000000003.pending is missing');
  });

  it('file-system failures are SINK errors naming the path', async () => {
    const notDir = join(dir, 'file');
    await fs.writeFile(notDir, 'x');
    const err = await rejection(jsonLinesSink<number>(notDir).open(undefined));
    expect(err.code).toBe('SINK');
    expect(err.message).toContain(notDir);

    // the output directory disappears under a running writer
    const out = join(dir, 'out');
    const w = await jsonLinesSink<number>(out).open(undefined);
    w.write(1);
    await fs.rm(out, { recursive: true });
    const pre = await rejection(w.preCommit(1));
    expect(pre.code).toBe('SINK');
    expect(pre.message).toContain(out);
    expect(() => w.write(2)).toThrow(pre); // the writer stays failed: its buffered output is lost
    await w.close?.();
  });

  it('a failed commit is reported, and the next checkpoint still lists the uncommitted part', async () => {
    const w = await jsonLinesSink<number>(dir).open(undefined);
    w.write(1);
    await w.preCommit(1);
    await fs.rm(join(dir, 'part-000000000001.pending')); // vanishes under the writer
    const err = await rejection(w.commit(1));
    expect(err.code).toBe('SINK');
    expect(err.message).toContain('part-000000000001.pending');
    w.write(2); // a failed commit does not fail the writer: a later commit may cover it
    expect(await w.preCommit(2)).toEqual({ upTo: 2, pending: [1, 2] });
  });

  it('readCommittedLines reports a missing directory as IO', async () => {
    const err = await rejection(readCommittedLines(join(dir, 'nope')));
    expect(err.code).toBe('IO');
    expect(err.message).toContain(join(dir, 'nope'));
  });

  it('validates its options', () => {
    const cases: Array<[() => unknown, string]> = [
      [() => jsonLinesSink(''), 'directory path'],
      [() => jsonLinesSink(dir, { serialize: 1 as never }), '`serialize`'],
      [() => jsonLinesSink(dir, { fsync: 'yes' as never }), '`fsync`'],
      [() => jsonLinesSink(dir, null as never), 'options'],
    ];
    for (const [fn, part] of cases) expect(fn).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT', message: expect.stringContaining(part) as unknown }) as Error);
  });
});

/**
 * write + preCommit(1) + commit(1) + write + preCommit(2) (no commit) + write (flushed to an
 * in-progress file), then the process "dies" (the writer is abandoned). Also leaves an
 * in-progress file of an earlier dead attempt.
 */
async function crashedRun(): Promise<{ state1: Json; state2: Json }> {
  await fs.mkdir(dir, { recursive: true });
  const w = await jsonLinesSink<string>(dir).open(undefined);
  await fs.writeFile(join(dir, '.part-deadbeef-0.inprogress'), '"leftover"\n');
  writeAll(w, ['e1-a', 'e1-b']);
  const state1 = await w.preCommit(1);
  await w.commit(1);
  writeAll(w, ['e2-a', 'e2-b']);
  const state2 = await w.preCommit(2);
  expect(state2).toEqual({ upTo: 2, pending: [2] });
  w.write('e3-a');
  w.write(`e3-${'x'.repeat(1 << 20)}`); // over the buffer limit: appended to the in-progress file
  await until(async () => (await fs.readdir(dir)).filter((f) => f.endsWith('.inprogress')).length === 2);
  expect(await visible()).toEqual(['e1-a', 'e1-b']);
  expect((await fs.readdir(dir)).filter((f) => f.endsWith('.pending'))).toEqual(['part-000000000002.pending']);
  await w.close?.(); // releases the file handle; the files stay as a crash leaves them
  expect((await fs.readdir(dir)).filter((f) => f.endsWith('.inprogress'))).toHaveLength(2);
  return { state1, state2 };
}
