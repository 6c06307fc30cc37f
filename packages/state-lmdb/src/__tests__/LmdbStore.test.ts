// LmdbStore beyond the shared contract: batched writes, snapshots as read transactions,
// reopening, long keys, closing.
import { open } from 'lmdb';
import { StateSnapshot, type Entry } from '@weir/state';
import { ReferenceStore } from '@weir/state/testing';
import { LmdbStore } from '../index';
import { testStores } from './testStores';
import { stateErrorCode } from '@weir/state/testing';

const stores = testStores('store');
afterAll(() => stores.cleanup());

const b = (...xs: number[]): Uint8Array => Uint8Array.from(xs);
const key = (i: number): Uint8Array => b(0x10, i >> 8, i & 0xff);

function hex(entries: Iterable<Entry>): string[] {
  return [...entries].map(([k, v]) => `${Buffer.from(k).toString('hex')}=${Buffer.from(v).toString('hex')}`);
}

/** The txn ids LMDB readers of the database in `path` hold (a read-only handle on the same files). */
function readerTxnIds(path: string): { readers: number[]; last: number; close: () => Promise<void> } {
  const spy = open({ path, readOnly: true });
  const readers = spy
    .readerList()
    .split('\n')
    .slice(1)
    .map((line) => Number(line.trim().split(/\s+/)[2]))
    .filter((id) => Number.isFinite(id));
  return { readers, last: (spy.getStats() as { lastTxnId: number }).lastTxnId, close: () => spy.close() };
}

describe('LmdbStore', () => {
  it('a get sees the latest put, whether committed or pending', () => {
    const store = stores.open({ writeBatch: 4 });
    const model = new ReferenceStore();
    for (let round = 0; round < 5; round++) {
      for (let i = 0; i < 30; i++) {
        const v = b(round, i);
        if ((i + round) % 3 === 0) expect(store.delete(key(i))).toBe(model.delete(key(i)));
        else {
          store.put(key(i), v);
          model.put(key(i), v);
        }
        expect(store.get(key(i))).toEqual(model.get(key(i)));
        expect(store.len()).toBe(model.len());
        expect(store.sizeBytes()).toBe(model.sizeBytes());
      }
      if (round % 2 === 1) store.flush();
    }
    expect(hex(store.prefixScan(b()))).toEqual(hex(model.prefixScan(b())));
  });

  it('snapshot() is a read transaction: O(1), isolated from every later commit, read lazily, released explicitly', async () => {
    const store = stores.open({ writeBatch: 16 });
    for (let i = 0; i < 500; i++) store.put(key(i), b(i & 0xff));
    const expected = hex(store.prefixScan(b()));
    const snap = store.snapshot();
    const atSnapshot = readerTxnIds(store.path);
    const snapshotTxn = atSnapshot.last;
    await atSnapshot.close();
    for (let i = 0; i < 500; i++) {
      if (i % 2 === 0) store.delete(key(i));
      else store.put(key(i), b(0xee));
    }
    store.clear();
    store.put(b(1), b(1));
    store.flush();
    expect(snap.len()).toBe(500);
    expect(hex(snap.entries())).toEqual(expected);
    expect(hex(StateSnapshot.decode(snap.encode()).entries())).toEqual(expected);
    const held = readerTxnIds(store.path);
    expect(held.readers).toContain(snapshotTxn); // the snapshot keeps its read transaction open
    await held.close();
    snap.release();
    store.put(b(2), b(2));
    store.flush();
    const released = readerTxnIds(store.path);
    expect(released.readers).not.toContain(snapshotTxn);
    await released.close();
    expect(stateErrorCode(() => [...snap.entries()])).toBe('IO');
    expect(stateErrorCode(() => snap.encode())).toBe('IO');
  });

  it('a snapshot includes the writes pending when it was taken', () => {
    const store = stores.open({ writeBatch: 1000 });
    store.put(b(1), b(1));
    store.flush();
    store.put(b(2), b(2));
    store.delete(b(1));
    const snap = store.snapshot();
    store.put(b(3), b(3));
    expect(hex(snap.entries())).toEqual(['02=02']);
    snap.release();
  });

  it('a long scan reads the state of its call, across commits, and lets its transaction go when stopped', async () => {
    const store = stores.open({ writeBatch: 2 });
    for (let i = 0; i < 400; i++) store.put(key(i), b(1));
    const expected = hex(store.prefixScan(b(0x10)));
    const seen: Entry[] = [];
    for (const entry of store.prefixScan(b(0x10))) {
      seen.push([entry[0].slice(), entry[1].slice()]);
      store.put(key(399 - seen.length), b(2)); // commits every second write
      store.delete(entry[0]);
      if (seen.length === 300) break;
    }
    expect(hex(seen)).toEqual(expected.slice(0, 300));
    store.flush();
    const readers = readerTxnIds(store.path);
    expect(readers.readers.every((id) => id === readers.last)).toBe(true);
    await readers.close();
  });

  it("existing: 'reopen' keeps the entries, count and size; 'discard' (the default) starts empty", async () => {
    const path = stores.dir();
    const first = new LmdbStore({ path, writeBatch: 7 });
    for (let i = 0; i < 100; i++) first.put(key(i), b(i, i));
    first.delete(key(5));
    const expected = hex(first.prefixScan(b()));
    const size = first.sizeBytes();
    await first.close(); // commits what is pending
    const reopened = new LmdbStore({ path, existing: 'reopen', sync: 'fsync' });
    expect(hex(reopened.prefixScan(b()))).toEqual(expected);
    expect(reopened.len()).toBe(99);
    expect(reopened.sizeBytes()).toBe(size);
    reopened.put(key(5), b(5));
    reopened.flush();
    await reopened.close();
    const discarded = new LmdbStore({ path });
    expect(discarded.isEmpty()).toBe(true);
    expect(discarded.get(key(1))).toBeUndefined();
    await discarded.close();
  });

  it(`keys longer than ${LmdbStore.MAX_KEY_BYTES} bytes: put refuses them, lookups and scans treat them exactly`, () => {
    const max = LmdbStore.MAX_KEY_BYTES;
    const store = stores.open({ writeBatch: 2 });
    const model = new ReferenceStore();
    const long = (n: number, fill: number, last?: number): Uint8Array => {
      const k = new Uint8Array(n).fill(fill);
      if (last !== undefined) k[n - 1] = last;
      return k;
    };
    for (const k of [long(max, 7), long(max, 7, 8), long(max - 1, 7), long(max, 7, 6), b(7), b(8)]) {
      store.put(k, b(k.length & 0xff));
      model.put(k, b(k.length & 0xff));
    }
    const tooLong = long(max + 1, 7);
    expect(stateErrorCode(() => store.put(tooLong, b(1)))).toBe('NOT_SUPPORTED');
    expect(stateErrorCode(() => store.getOrInsert(tooLong, b(1)))).toBe('NOT_SUPPORTED');
    expect(store.get(tooLong)).toBeUndefined();
    expect(store.contains(tooLong)).toBe(false);
    expect(store.delete(tooLong)).toBe(false);
    const bounds = [tooLong, long(max + 5, 7), long(max + 1, 7, 8), long(max + 3, 6), long(max + 2, 8), long(max, 7), b(7, 7), undefined];
    for (const s of bounds) {
      for (const e of bounds) {
        if (s === undefined) continue;
        expect(hex(store.rangeScan(s, e))).toEqual(hex(model.rangeScan(s, e)));
      }
      if (s !== undefined) expect(hex(store.prefixScan(s))).toEqual(hex(model.prefixScan(s)));
    }
    expect(store.len()).toBe(6);
  });

  it('after close(): every method throws IO, open snapshots become unreadable, close is idempotent', async () => {
    const store = stores.open();
    store.put(b(1), b(1));
    const snap = store.snapshot();
    await store.close();
    await store.close();
    expect(store.closed).toBe(true);
    for (const call of [() => store.get(b(1)), () => store.put(b(1), b(1)), () => store.delete(b(1)), () => store.prefixScan(b()), () => store.snapshot(), () => store.flush(), () => store.clear(), () => store.restore(snap)]) {
      expect(stateErrorCode(call)).toBe('IO');
    }
    expect(stateErrorCode(() => [...snap.entries()])).toBe('IO');
    expect(snap.len()).toBe(1);
  });

  it('a snapshot or a scan being read when its store closes throws IO at the next step', async () => {
    const store = stores.open();
    for (let i = 0; i < 1000; i++) store.put(key(i), b(1));
    const snap = store.snapshot();
    const reading = snap.entries();
    const scanning = store.prefixScan(b());
    expect(reading.next().done).toBe(false);
    expect(scanning.next().done).toBe(false);
    await store.close();
    expect(stateErrorCode(() => reading.next())).toBe('IO');
    expect(stateErrorCode(() => [...scanning])).toBe('IO');
  });
});
