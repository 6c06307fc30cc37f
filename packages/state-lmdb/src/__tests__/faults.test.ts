// Bad input and faults: a full store, missing, read-only and non-directory paths, a database
// another process (or another store of this process) holds, and a holder killed with SIGKILL.
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { StateError, StateSnapshot, type Entry } from '@weir/state';
import { ReferenceStore } from '@weir/state/testing';
import { LmdbStore } from '../index';
import { testStores } from './testStores';

const ROOT = join(__dirname, '..', '..', '..', '..');
const CHILD = join(__dirname, 'storeProcess.ts');
const stores = testStores('faults');
afterAll(() => stores.cleanup());

const b = (...xs: number[]): Uint8Array => Uint8Array.from(xs);
const key = (i: number): Uint8Array => b(i >> 8, i & 0xff);
const value = (i: number): Uint8Array => new Uint8Array(1000).fill(i & 0xff);

function caught(fn: () => unknown): StateError {
  try {
    fn();
  } catch (err) {
    if (err instanceof StateError) return err;
    throw new Error(`expected a StateError, got ${String(err)}`);
  }
  throw new Error('expected a StateError, but nothing was thrown');
}

function all(store: { prefixScan(p: Uint8Array): Iterable<Entry> }): string[] {
  return [...store.prefixScan(b())].map(([k, v]) => `${Buffer.from(k).toString('hex')}=${Buffer.from(v).toString('hex')}`);
}

/** Starts storeProcess.ts (as the unprivileged `nobody` user when this process is root). */
function child(args: string[], asNobody = false): ChildProcessWithoutNullStreams {
  return spawn(process.execPath, ['-r', 'ts-node/register', '-r', 'tsconfig-paths/register', CHILD, ...args], {
    cwd: ROOT,
    env: { ...process.env, TS_NODE_TRANSPILE_ONLY: '1', TS_NODE_PROJECT: join(ROOT, 'tsconfig.json') },
    ...(asNobody && process.getuid?.() === 0 ? { uid: 65534, gid: 65534 } : {}),
  });
}

function output(proc: ChildProcessWithoutNullStreams): Promise<{ code: number | null; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  proc.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
  proc.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
  return new Promise((resolve) => proc.on('close', (code) => resolve({ code, stdout, stderr })));
}

describe('a full store (mapSize reached)', () => {
  it('throws CAPACITY_EXCEEDED, keeps every entry it accepted, and works again once there is room', async () => {
    const path = stores.dir();
    const store = new LmdbStore({ path, mapSize: 256 * 1024, writeBatch: 8 });
    const model = new ReferenceStore();
    let failure: StateError | undefined;
    let i = 0;
    for (; i < 2000 && failure === undefined; i++) {
      try {
        store.put(key(i), value(i));
        model.put(key(i), value(i));
      } catch (err) {
        failure = err as StateError;
      }
    }
    expect(failure).toBeInstanceOf(StateError);
    expect(failure!.code).toBe('CAPACITY_EXCEEDED');
    expect(failure!.message).toMatch(/full.*mapSize \(262144 bytes\)/);
    expect(failure!.message).toContain(path);
    const failed = key(i - 1);
    // the put that failed was not applied; everything before it reads back
    expect(store.get(failed)).toBeUndefined();
    expect(store.len()).toBe(model.len());
    expect(all(store)).toEqual(all(model));
    for (let j = 0; j < i - 1; j++) expect(store.get(key(j))).toEqual(value(j));
    // what is still pending cannot be committed either: snapshot and flush say so, reads still work
    expect(caught(() => store.snapshot()).code).toBe('CAPACITY_EXCEEDED');
    expect(caught(() => store.flush()).code).toBe('CAPACITY_EXCEEDED');
    expect(all(store)).toEqual(all(model));
    // deleting makes room: deletes never fail for lack of it, and the store accepts writes again
    for (let j = 0; j < i - 1; j += 2) expect(store.delete(key(j))).toBe(model.delete(key(j)));
    store.flush();
    store.put(failed, value(7));
    model.put(failed, value(7));
    const snap = store.snapshot();
    expect([...snap.entries()].length).toBe(model.len());
    snap.release();
    // nothing on disk was corrupted: reopened, the store holds exactly the model's entries
    await store.close();
    const reopened = new LmdbStore({ path, mapSize: 256 * 1024, existing: 'reopen' });
    expect(all(reopened)).toEqual(all(model));
    expect(reopened.len()).toBe(model.len());
    expect(reopened.sizeBytes()).toBe(model.sizeBytes());
    await reopened.close();
  });

  it('refuses to restore a snapshot too large for it, and keeps its entries', () => {
    const store = stores.open({ mapSize: 128 * 1024 });
    store.put(b(1), b(2));
    const big = StateSnapshot.fromEntries(Array.from({ length: 400 }, (_, i) => [key(i), value(i)] as const));
    const err = caught(() => store.restore(big));
    expect(err.code).toBe('CAPACITY_EXCEEDED');
    expect(all(store)).toEqual(['01=02']);
    expect(store.len()).toBe(1);
    store.put(b(3), b(4));
    store.flush();
    expect(store.len()).toBe(2);
  });
});

describe('paths', () => {
  it('creates a missing directory, parents included', async () => {
    const path = join(stores.dir(), 'a', 'b', 'c');
    const store = new LmdbStore({ path });
    store.put(b(1), b(1));
    store.flush();
    expect(store.path).toBe(path);
    await store.close();
  });

  it('a path that is a file is an IO error naming it', () => {
    const dir = stores.dir();
    mkdirSync(dir);
    const file = join(dir, 'not-a-dir');
    writeFileSync(file, 'x');
    const err = caught(() => new LmdbStore({ path: file }));
    expect(err.code).toBe('IO');
    expect(err.message).toContain(file);
    const below = caught(() => new LmdbStore({ path: join(file, 'db') }));
    expect(below.code).toBe('IO');
    expect(below.message).toContain(join(file, 'db'));
  });

  it('a read-only directory, or a missing one under it, is an IO error naming the path', async () => {
    const dir = stores.dir();
    mkdirSync(dir, { recursive: true });
    chmodSync(join(dir, '..'), 0o755); // the unprivileged child must reach it
    const readOnly = join(dir, 'ro');
    mkdirSync(readOnly, { mode: 0o555 });
    chmodSync(readOnly, 0o555);
    const missing = join(readOnly, 'sub', 'db');
    const run = await output(child(['open', readOnly, missing], true));
    expect(run.stderr).toBe('');
    const [first, second] = run.stdout.trim().split('\n').map((line) => JSON.parse(line) as { error?: { name: string; code: string; message: string } });
    expect(first!.error).toMatchObject({ name: 'StateError', code: 'IO' });
    expect(first!.error!.message).toContain(readOnly);
    expect(first!.error!.message).toMatch(/EACCES|permission denied/i);
    expect(second!.error).toMatchObject({ name: 'StateError', code: 'IO' });
    expect(second!.error!.message).toContain(missing);
    chmodSync(readOnly, 0o755);
  }, 30_000);

  it('options are checked: StateError INVALID_ARGUMENT naming the option and the value', () => {
    const path = stores.dir();
    const invalid = (message: RegExp) => expect.objectContaining({ name: 'StateError', code: 'INVALID_ARGUMENT', message: expect.stringMatching(message) });
    expect(() => new LmdbStore(undefined as never)).toThrow(invalid(/^LmdbStore: options must be an object with a path, got undefined$/));
    expect(() => new LmdbStore({ path: '' })).toThrow(invalid(/^LmdbStore: option `path` .* got string ""$/));
    expect(() => new LmdbStore({ path, mapSize: 1000 })).toThrow(invalid(/^LmdbStore: option `mapSize` .* got number 1000$/));
    expect(() => new LmdbStore({ path, sync: 'sometimes' as never })).toThrow(invalid(/option `sync` .* got string "sometimes"$/));
    expect(() => new LmdbStore({ path, existing: 'keep' as never })).toThrow(invalid(/option `existing` .* got string "keep"$/));
    expect(() => new LmdbStore({ path, writeBatch: 0 })).toThrow(invalid(/option `writeBatch` .* got number 0$/));
  });
});

describe('one owner per database', () => {
  it('a second store in this process is refused until the first closes', async () => {
    const path = stores.dir();
    const first = new LmdbStore({ path });
    const err = caught(() => new LmdbStore({ path }));
    expect(err.code).toBe('IO');
    expect(err.message).toMatch(/already open in this process/);
    await first.close();
    const second = new LmdbStore({ path });
    await second.close();
  });

  it('a database held by another process is refused with its pid; once that process is killed, it is taken over', async () => {
    const path = stores.dir();
    const holder = child(['hold', path]);
    const done = output(holder);
    await new Promise<void>((resolve, reject) => {
      holder.stdout.on('data', (c: Buffer) => c.toString().includes('holding') && resolve());
      holder.on('close', () => reject(new Error('the holder exited early')));
    });
    const err = caught(() => new LmdbStore({ path, existing: 'reopen' }));
    expect(err.code).toBe('IO');
    expect(err.message).toContain(`in use by process ${holder.pid}`);
    expect(err.message).toContain(path);
    const other = await output(child(['open', path]));
    expect(JSON.parse(other.stdout.trim())).toMatchObject({ error: { code: 'IO' } });
    holder.kill('SIGKILL');
    await done;
    // the killed holder's lock is stale: taken over; what it committed is there
    const store = new LmdbStore({ path, existing: 'reopen' });
    expect(store.get(b(1))).toEqual(b(2));
    expect(store.len()).toBe(1);
    await store.close();
  }, 30_000);
});
