// npm run bench -w @weir/state-lmdb   (or `npm run bench` at the root)
//
// LmdbStore beside InMemoryStore, in the same run:
// 1. the operations and sizes of packages/state/bench/state.bench.ts (10k, 100k, 1M entries,
//    random 20-byte keys, 24-byte values, fresh key arrays in random order, batches of 1,000);
//    figures are the mean per operation, so the commits LmdbStore makes every `writeBatch`
//    writes are included (the median of a batch would leave most of them out);
// 2. the write strategies LmdbStore could use, on 1M entries: one LMDB transaction per write,
//    lmdb-js asynchronous puts, and pending writes committed in one transaction per batch;
// 3. the tumbling window of packages/window/bench/window.bench.ts (1M events, 10k keys, count
//    per 10 s) on InMemoryStore and on LmdbStore;
// 4. a large run: N keys (default 20M: random keys cost ~25-35 us a put at that size here, so
//    50M takes over half an hour; pass --big 50000000 for it) put into an LmdbStore, then random
//    gets, with the process's resident memory (rss) and the database's size as it grows;
//    InMemoryStore at a smaller size (default 5M) for the memory the same entries take in the heap.
// The databases live under os.tmpdir() and are deleted afterwards. Prints the tables and writes
// bench/results/state-lmdb.json at the repository root after each part.
//
// One file, past 400 lines, on purpose: the four parts share the database directory, the store
// factory and the results file, and run in one process so that their figures compare within one
// run on this noisy machine (the benchmarks' rule); each part is one function.
//
// Options: --sizes 10000,100000,1000000  --time 300 (ms per task)  --big 20000000
//          --big-memory 5000000  --events 1000000  --parts ops,strategies,window,big
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { Bench } from 'tinybench';
import { from } from 'rxjs';
import { open, type Database } from 'lmdb';
import { InMemoryStore, StateSnapshot, type StateStore } from '@weir/state';
import { withEventTime } from '@weir/stream';
import { count, tumblingWindow } from '@weir/window';
import { LmdbStore } from '../src';
import { machineInfo, printTable, writeResults, type MachineInfo } from '../../../bench/lib/report';
import { operationInputs, rand, randomBytes } from '../../../bench/lib/keys';
import { storeTasks, type BenchTask } from '../../../bench/lib/storeTasks';

const { values: options } = parseArgs({
  options: {
    sizes: { type: 'string', default: '10000,100000,1000000' },
    time: { type: 'string', default: '300' },
    big: { type: 'string', default: '20000000' },
    'big-memory': { type: 'string', default: '5000000' },
    events: { type: 'string', default: '1000000' },
    parts: { type: 'string', default: 'ops,strategies,window,big' },
  },
});
const SIZES = options.sizes.split(',').map(Number);
const TIME = Number(options.time);
const BIG = Number(options.big);
const BIG_MEMORY = Number(options['big-memory']);
const EVENTS = Number(options.events);
const PARTS = new Set(options.parts.split(','));
const BATCH = 1000;
const KEY_BYTES = 20;
const VALUE_BYTES = 24;
const GROUP = 100;
const DIR = mkdtempSync(join(tmpdir(), 'weir-lmdb-bench-'));
process.on('exit', () => rmSync(DIR, { recursive: true, force: true }));
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => process.exit(130));
let dbs = 0;
const lmdbStore = (options: { writeBatch?: number } = {}): LmdbStore => new LmdbStore({ path: join(DIR, `db-${dbs++}`), mapSize: 256 * 2 ** 30, ...options });

const fmt = (ns: number): string => (ns >= 1e6 ? `${(ns / 1e6).toFixed(2)} ms` : ns >= 1e4 ? `${(ns / 1e3).toFixed(1)} us` : `${ns.toFixed(0)} ns`);
let sink = 0;

// ---------------------------------------------------------------- 1. operations
interface OpRow {
  entries: number;
  subject: string;
  operation: string;
  nsPerOp: number;
  p50NsPerOp?: number;
  mbPerSec?: number;
}
const opRows: OpRow[] = [];

function measure(entries: number, subject: string, tasks: BenchTask[]): void {
  const bench = new Bench({ time: TIME, warmupTime: 100, throws: true });
  for (const [name, fn, opts] of tasks) bench.add(name, fn, { beforeEach: opts?.before, afterEach: opts?.after });
  bench.runSync();
  for (const task of bench.tasks) {
    const latency = (task.result as { latency?: { mean: number; p50: number } } | undefined)?.latency;
    if (latency === undefined) throw new Error(`benchmark task ${task.name} produced no result`);
    const perCall = tasks.find(([n]) => n === task.name)?.[2]?.perCall ?? BATCH;
    opRows.push({ entries, subject, operation: task.name, nsPerOp: (latency.mean * 1e6) / perCall, p50NsPerOp: (latency.p50 * 1e6) / perCall });
  }
}

function operations(): void {
  for (const n of SIZES) {
    const inputs = operationInputs(n, { perGroup: GROUP, keyBytes: KEY_BYTES, valueBytes: VALUE_BYTES, batch: BATCH });
    const { keys, values } = inputs;
    for (const subject of ['InMemoryStore', 'LmdbStore']) {
      const store: StateStore = subject === 'InMemoryStore' ? new InMemoryStore() : lmdbStore();
      for (let i = 0; i < n; i++) store.put(keys[i]!, values[i]!);
      store.flush();
      measure(n, subject, storeTasks(store, inputs));
      if (store.len() !== n) throw new Error(`${subject} drifted to ${store.len()} entries`);
      // encode / decode / restore throughput (MB of encoded snapshot per second)
      const snap = store.snapshot();
      let encoded = snap.encode();
      const decoded = StateSnapshot.decode(encoded);
      const codec = new Bench({ time: Math.max(TIME, 500), warmupTime: 0, iterations: 3, throws: true });
      codec.add('snapshot encode', () => { encoded = snap.encode(); });
      codec.add('restore (decoded snapshot)', () => {
        const s = subject === 'InMemoryStore' ? new InMemoryStore() : lmdbStore();
        s.restore(decoded);
        sink += s.len();
        if (s instanceof LmdbStore) void s.close();
      });
      codec.runSync();
      for (const task of codec.tasks) {
        const ms = (task.result as { latency: { mean: number } }).latency.mean;
        opRows.push({ entries: n, subject, operation: task.name, nsPerOp: ms * 1e6, mbPerSec: encoded.length / 1e6 / (ms / 1000) });
      }
      snap.release();
      if (store instanceof LmdbStore) void store.close();
      else store.clear();
    }
    process.stdout.write('.');
  }
}

// ---------------------------------------------------------------- 2. write strategies
interface StrategyRow {
  strategy: string;
  writes: number;
  nsPerWrite: number;
  readYourWrites: string;
}
const strategyRows: StrategyRow[] = [];

async function strategies(): Promise<void> {
  const n = 1_000_000;
  const keys = Array.from({ length: n }, () => randomBytes(KEY_BYTES));
  const value = randomBytes(VALUE_BYTES);
  const writes = Array.from({ length: 200_000 }, () => (rand() % 2 === 0 ? keys[rand() % n]!.slice() : randomBytes(KEY_BYTES)));
  const timeIt = (fn: () => void, ops: number): number => {
    const t0 = process.hrtime.bigint();
    fn();
    return Number(process.hrtime.bigint() - t0) / ops;
  };
  // raw lmdb-js on the same key layout (binary keys and values), preloaded with n entries
  const raw = (useWritemap = false): { db: Database<Uint8Array, Uint8Array>; close: () => Promise<void> } => {
    const root = open({ path: join(DIR, `raw-${dbs++}`), noSync: true, mapSize: 16 * 2 ** 30, useWritemap });
    const db = root.openDB<Uint8Array, Uint8Array>({ name: 'd', keyEncoding: 'binary', encoding: 'binary' });
    root.transactionSync(() => {
      for (const k of keys) db.putSync(k, value);
    });
    return { db, close: () => root.close() };
  };
  {
    const { db, close } = raw();
    const m = 20_000;
    strategyRows.push({ strategy: 'lmdb-js putSync, one transaction per write', writes: m, nsPerWrite: timeIt(() => { for (let i = 0; i < m; i++) db.putSync(writes[i]!, value); }, m), readYourWrites: 'yes' });
    await close();
  }
  {
    const { db, close } = raw();
    const t0 = process.hrtime.bigint();
    for (const k of writes) void db.put(k, value);
    await db.committed;
    strategyRows.push({ strategy: 'lmdb-js async put (write thread, batched per event turn) until committed', writes: writes.length, nsPerWrite: Number(process.hrtime.bigint() - t0) / writes.length, readYourWrites: 'no: a get sees a put once committed' });
    await close();
  }
  for (const useWritemap of [false, true]) {
    const { db, close } = raw(useWritemap);
    strategyRows.push({ strategy: `lmdb-js putSync inside one transactionSync per 16,384 writes (no overlay)${useWritemap ? ', useWritemap' : ''}`, writes: writes.length, nsPerWrite: timeIt(() => {
      for (let i = 0; i < writes.length; i += 16_384) db.transactionSync(() => { for (let j = i; j < Math.min(writes.length, i + 16_384); j++) db.putSync(writes[j]!, value); });
    }, writes.length), readYourWrites: 'only inside the transaction' });
    await close();
  }
  for (const writeBatch of [1, 1_000, 16_384, 65_536]) {
    const store = lmdbStore({ writeBatch });
    for (let i = 0; i < n; i += 16_384) for (let j = i; j < Math.min(n, i + 16_384); j++) store.put(keys[j]!, value);
    store.flush();
    const m = writeBatch === 1 ? 20_000 : writes.length;
    const ns = timeIt(() => {
      for (let i = 0; i < m; i++) store.put(writes[i]!, value);
      store.flush();
    }, m);
    strategyRows.push({ strategy: `LmdbStore, pending writes committed every ${writeBatch.toLocaleString('en')}${writeBatch === 16_384 ? ' (default)' : ''}`, writes: m, nsPerWrite: ns, readYourWrites: 'yes' });
    await store.close();
  }
  {
    const store = new InMemoryStore();
    for (const k of keys) store.put(k, value);
    strategyRows.push({ strategy: 'InMemoryStore (for reference)', writes: writes.length, nsPerWrite: timeIt(() => { for (const k of writes) store.put(k, value); }, writes.length), readYourWrites: 'yes' });
  }
  process.stdout.write('.');
}

// ---------------------------------------------------------------- 3. large state
interface BigRow {
  subject: string;
  entries: number;
  phase: string;
  nsPerOp: number;
  rssMiB: number;
  heapUsedMiB: number;
  dbFileMiB?: number;
  seconds: number;
}
const bigRows: BigRow[] = [];

/** Key i of the large run: 20 bytes from a 64-bit mix of i (random order, no array kept). */
function bigKey(i: number, out: Uint8Array): Uint8Array {
  let h = Math.imul(i ^ 0x5bd1e995, 0x9e3779b1) >>> 0;
  let g = Math.imul((i / 4294967296) ^ (h >>> 13) ^ 0x27d4eb2d, 0x85ebca6b) >>> 0;
  for (let j = 0; j < KEY_BYTES; j += 8) {
    h = Math.imul(h ^ (h >>> 15), 0x2c1b3c6d) >>> 0;
    g = Math.imul(g ^ (g >>> 13), 0x297a2d39) >>> 0;
    out[j] = h >>> 24;
    out[j + 1] = h >>> 16;
    out[j + 2] = h >>> 8;
    out[j + 3] = h;
    if (j + 4 < KEY_BYTES) {
      out[j + 4] = g >>> 24;
      out[j + 5] = g >>> 16;
      out[j + 6] = g >>> 8;
      out[j + 7] = g;
    }
  }
  return out;
}

function large(): void {
  const key = new Uint8Array(KEY_BYTES);
  const value = new Uint8Array(VALUE_BYTES);
  const row = (subject: string, entries: number, phase: string, nsPerOp: number, seconds: number, dbFile?: string): void => {
    const m = process.memoryUsage();
    bigRows.push({ subject, entries, phase, nsPerOp, rssMiB: Math.round(m.rss / 2 ** 20), heapUsedMiB: Math.round(m.heapUsed / 2 ** 20), ...(dbFile === undefined ? {} : { dbFileMiB: Math.round(statSync(dbFile).size / 2 ** 20) }), seconds });
    const last = bigRows[bigRows.length - 1]!;
    console.log(`  ${subject} ${entries.toLocaleString('en')} ${phase}: ${fmt(nsPerOp)}/op, rss ${last.rssMiB} MiB, heap ${last.heapUsedMiB} MiB${last.dbFileMiB === undefined ? '' : `, file ${last.dbFileMiB} MiB`}`);
  };
  const gets = (store: StateStore, n: number): number => {
    const m = 1_000_000;
    const t0 = process.hrtime.bigint();
    for (let r = 0; r < m; r++) {
      value[0] = r;
      const got = store.get(bigKey(rand() % n, key));
      if (got === undefined) throw new Error('a key of the large run is missing');
      sink += got.length;
    }
    return Number(process.hrtime.bigint() - t0) / m;
  };
  // InMemoryStore: what the same entries cost in the heap, at a size it holds
  {
    const store = new InMemoryStore();
    const t0 = process.hrtime.bigint();
    for (let i = 0; i < BIG_MEMORY; i++) {
      value[0] = i;
      store.put(bigKey(i, key), value);
    }
    const s = Number(process.hrtime.bigint() - t0) / 1e9;
    row('InMemoryStore', BIG_MEMORY, 'put (insert)', (s * 1e9) / BIG_MEMORY, s);
    const g = gets(store, BIG_MEMORY);
    row('InMemoryStore', BIG_MEMORY, 'get (hit, random)', g, 0);
    store.clear();
    (globalThis as { gc?: () => void }).gc?.();
  }
  const store = lmdbStore();
  const file = join(store.path, 'data.mdb');
  const marks = new Set([BIG_MEMORY, ...[0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1].map((f) => Math.round(BIG * f))]);
  let t0 = process.hrtime.bigint();
  let from = 0;
  const start = t0;
  for (let i = 0; i < BIG; i++) {
    value[0] = i;
    store.put(bigKey(i, key), value);
    if (marks.has(i + 1)) {
      store.flush();
      const now = process.hrtime.bigint();
      row('LmdbStore', i + 1, 'put (insert)', Number(now - t0) / (i + 1 - from), Number(now - start) / 1e9, file);
      t0 = now;
      from = i + 1;
    }
  }
  if (store.len() !== BIG) throw new Error(`the large store holds ${store.len()} entries, not ${BIG}`);
  const g = gets(store, BIG);
  row('LmdbStore', BIG, 'get (hit, random)', g, 0, file);
  const s0 = process.hrtime.bigint();
  const snap = store.snapshot();
  row('LmdbStore', BIG, 'snapshot()', Number(process.hrtime.bigint() - s0), 0, file);
  snap.release();
  void store.close();
}

// ---------------------------------------------------------------- 4. window
interface WindowRow {
  subject: string;
  eventsPerSec: number;
  results: number;
}
const windowRows: WindowRow[] = [];

function windowBench(): void {
  const KEYS = 10_000;
  let s = 12345;
  const r = (): number => {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    return s / 2 ** 32;
  };
  const names = Array.from({ length: KEYS }, (_, i) => `user-${i}`);
  interface Event {
    readonly key: string;
    readonly ts: number;
  }
  const input: Event[] = Array.from({ length: EVENTS }, (_, i) => ({ key: names[Math.floor(r() * KEYS)]!, ts: Math.floor((i / EVENTS) * 100_000) }));
  const cases: Array<[string, () => StateStore, number]> = [
    ['tumblingWindow on InMemoryStore', () => new InMemoryStore(), 0],
    ['tumblingWindow on LmdbStore', () => lmdbStore(), 0],
    ['tumblingWindow on InMemoryStore, cacheSize 20k', () => new InMemoryStore(), 20_000],
    ['tumblingWindow on LmdbStore, cacheSize 20k', () => lmdbStore(), 20_000],
  ];
  for (const [subject, makeStore, cacheSize] of cases) {
    const times: number[] = [];
    let results = 0;
    for (let rep = 0; rep < 3; rep++) {
      const store = makeStore();
      results = 0;
      const t0 = performance.now();
      from(input)
        .pipe(
          withEventTime((e: Event) => e.ts, { maxOutOfOrderness: 1_000 }),
          tumblingWindow({ size: 10_000, key: (e: Event) => e.key, aggregate: count(), store, ...(cacheSize > 0 ? { cacheSize } : {}) }),
        )
        .subscribe((el) => {
          if (el.kind === 'record') results++;
        });
      times.push(performance.now() - t0);
      if (store instanceof LmdbStore) void store.close();
    }
    times.sort((a, b) => a - b);
    windowRows.push({ subject, eventsPerSec: EVENTS / (times[1]! / 1000), results });
    process.stdout.write('.');
  }
}

function report(machine: MachineInfo): void {
  const where = `${machine.cpu} (${machine.cores} cores, ${machine.memoryGiB} GiB), ${machine.os}, Node ${machine.node}, ${machine.date}`;
  console.log(`\n@weir/state-lmdb benchmark: ${where}; databases in ${tmpdir()} (ext4 here), sync 'nosync'`);
  if (opRows.length > 0) {
    console.log(`\n1. operations: mean per operation (median in brackets); keys ${KEY_BYTES} random bytes, values ${VALUE_BYTES} bytes\n`);
    const lookup = (r: OpRow): OpRow | undefined => opRows.find((x) => x.entries === r.entries && x.operation === r.operation && x.subject === 'InMemoryStore');
    printTable(
      ['entries', 'operation', 'InMemoryStore', 'LmdbStore', 'LMDB / memory', 'MB/s (memory, LMDB)'],
      opRows
        .filter((r) => r.subject === 'LmdbStore' && lookup(r) !== undefined)
        .map((r) => {
          const m = lookup(r)!;
          const cell = (x: OpRow): string => (x.p50NsPerOp === undefined ? fmt(x.nsPerOp) : `${fmt(x.nsPerOp)} (${fmt(x.p50NsPerOp)})`);
          return [r.entries.toLocaleString('en'), r.operation, cell(m), cell(r), `${(r.nsPerOp / m.nsPerOp).toFixed(1)}x`, r.mbPerSec === undefined ? '' : `${m.mbPerSec!.toFixed(0)}, ${r.mbPerSec.toFixed(0)}`];
        }),
    );
  }
  if (strategyRows.length > 0) {
    console.log('\n2. write strategies: random 20-byte keys (half new, half overwrites) into 1M entries, commits included\n');
    printTable(['strategy', 'writes', 'per write', 'a get sees the put'], strategyRows.map((r) => [r.strategy, r.writes.toLocaleString('en'), fmt(r.nsPerWrite), r.readYourWrites]));
  }
  if (windowRows.length > 0) {
    console.log(`\n3. tumbling count (10 s windows), ${EVENTS.toLocaleString('en')} events in order, 10k keys; median of 3\n`);
    printTable(['subject', 'events/s', 'results'], windowRows.map((r) => [r.subject, `${(r.eventsPerSec / 1e6).toFixed(2)}M`, r.results.toLocaleString('en')]));
  }
  if (bigRows.length > 0) {
    console.log('\n4. large state: put of random keys (per op over the last step), then 1M random gets; rss includes the mapped database pages\n');
    printTable(['subject', 'entries', 'phase', 'per op', 'rss', 'heap used', 'db file', 'elapsed'], bigRows.map((r) => [r.subject, r.entries.toLocaleString('en'), r.phase, fmt(r.nsPerOp), `${r.rssMiB} MiB`, `${r.heapUsedMiB} MiB`, r.dbFileMiB === undefined ? '' : `${r.dbFileMiB} MiB`, r.seconds > 0 ? `${r.seconds.toFixed(0)} s` : '']));
  }
  const out = writeResults('state-lmdb', {
    benchmark: '@weir/state-lmdb',
    machine,
    config: { sizes: SIZES, keyBytes: KEY_BYTES, valueBytes: VALUE_BYTES, batch: BATCH, timeMsPerTask: TIME, big: BIG, bigMemory: BIG_MEMORY, events: EVENTS, parts: [...PARTS], statistic: 'mean per operation (p50 beside it)' },
    operations: opRows,
    writeStrategies: strategyRows,
    window: windowRows,
    largeState: bigRows,
  });
  console.log(`\nwrote ${out}`);
}

async function main(): Promise<void> {
  const machine = machineInfo();
  // each part reports as soon as it is done (a long large-state run can be stopped without
  // losing the rest)
  if (PARTS.has('ops')) {
    operations();
    report(machine);
  }
  if (PARTS.has('strategies')) {
    await strategies();
    report(machine);
  }
  if (PARTS.has('window')) {
    windowBench();
    report(machine);
  }
  if (PARTS.has('big')) {
    console.log(`\nlarge run: ${BIG.toLocaleString('en')} keys into LmdbStore (InMemoryStore: ${BIG_MEMORY.toLocaleString('en')})`);
    large();
    report(machine);
  }
  if (sink === 42) console.log('');
}

void main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
