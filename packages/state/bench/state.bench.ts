// npm run bench -w @weir/state   (or `npm run bench` at the root)
//
// Measures InMemoryStore at 10k, 100k and 1M entries with random ~20-byte keys, beside a plain
// Map (keys converted to latin1 strings, as byte keys must be) and a bare sorted-btree with
// byte-array keys, in the same run. Each timed sample runs a batch of operations over keys the
// operator would build fresh (not the stored arrays), in random order; figures are the median
// per operation. Prints a table and writes bench/results/state.json at the repository root.
//
// Options: --sizes 10000,100000   --time 300 (ms per task)
import { parseArgs } from 'node:util';
import BTree from 'sorted-btree';
import { Bench } from 'tinybench';
import { InMemoryStore, StateSnapshot, compareBytes } from '../src';
import { machineInfo, printTable, writeResults } from '../../../bench/lib/report';
import { cycle, operationInputs } from '../../../bench/lib/keys';
import { storeTasks, type BenchTask } from '../../../bench/lib/storeTasks';

const { values: options } = parseArgs({
  options: { sizes: { type: 'string', default: '10000,100000,1000000' }, time: { type: 'string', default: '300' } },
});
const SIZES = options.sizes.split(',').map(Number);
const TIME = Number(options.time);
const BATCH = 1000;
const KEY_BYTES = 20;
const VALUE_BYTES = 24;
const GROUP = 100; // entries per 4-byte key prefix, so prefixScan(prefix) yields 100 entries

const latin1 = (k: Uint8Array): string => String.fromCharCode.apply(null, k as unknown as number[]);

interface Row {
  entries: number;
  subject: string;
  operation: string;
  nsPerOp: number;
  mbPerSec?: number;
}
const rows: Row[] = [];

function measure(entries: number, subject: string, tasks: BenchTask[]): void {
  const bench = new Bench({ time: TIME, warmupTime: 100, throws: true });
  for (const [name, fn, opts] of tasks) {
    bench.add(name, fn, {
      beforeEach: opts?.before,
      afterEach: opts?.after,
    });
  }
  bench.runSync();
  for (const task of bench.tasks) {
    const result = task.result as { latency?: { p50: number } } | undefined;
    const p50 = result?.latency?.p50;
    if (p50 === undefined) throw new Error(`benchmark task ${task.name} produced no result`);
    const perCall = tasks.find(([n]) => n === task.name)?.[2]?.perCall ?? BATCH;
    rows.push({ entries, subject, operation: task.name, nsPerOp: (p50 * 1e6) / perCall });
  }
}


for (const n of SIZES) {
  const inputs = operationInputs(n, { perGroup: GROUP, keyBytes: KEY_BYTES, valueBytes: VALUE_BYTES, batch: BATCH });
  const { keys, values, hitBatches, missBatches, newBatches, overwriteValues, prefixes, rangeStarts } = inputs;

  // --- InMemoryStore
  const store = new InMemoryStore();
  for (let i = 0; i < n; i++) store.put(keys[i]!, values[i]!);
  const hits = cycle(hitBatches);
  const misses = cycle(missBatches);
  const news = cycle(newBatches);
  const prefix = cycle(prefixes);
  const range = cycle(rangeStarts);
  let sink = 0;
  let pending: Uint8Array[] = [];
  measure(n, 'InMemoryStore', storeTasks(store, inputs));
  if (store.len() !== n) throw new Error(`store drifted to ${store.len()} entries`);

  // Encode / decode throughput (MB of encoded snapshot per second).
  const snap = store.snapshot();
  let encoded = snap.encode();
  const codec = new Bench({ time: Math.max(TIME, 500), warmupTime: 0, iterations: 3, throws: true });
  codec.add('snapshot encode', () => { encoded = snap.encode(); });
  codec.add('snapshot decode', () => { sink += StateSnapshot.decode(encoded).len(); });
  codec.add('restore (decoded snapshot)', () => { const s = new InMemoryStore(); s.restore(snap); sink += s.len(); });
  codec.runSync();
  for (const task of codec.tasks) {
    const ms = (task.result as { latency?: { p50: number } }).latency!.p50;
    rows.push({ entries: n, subject: 'InMemoryStore', operation: task.name, nsPerOp: ms * 1e6, mbPerSec: encoded.length / 1e6 / (ms / 1000) });
  }
  store.clear();

  // --- reference: Map keyed by latin1 strings
  const map = new Map<string, Uint8Array>();
  for (let i = 0; i < n; i++) map.set(latin1(keys[i]!), values[i]!);
  measure(n, 'Map<latin1 string>', [
    ['get (hit)', () => { for (const k of hits()) sink += map.get(latin1(k))!.length; }],
    ['get (miss)', () => { for (const k of misses()) if (map.get(latin1(k)) === undefined) sink++; }],
    ['put (insert)', () => { for (const k of pending) map.set(latin1(k), overwriteValues[0]!.slice()); }, {
      before: () => { pending = news(); },
      after: () => { for (const k of pending) map.delete(latin1(k)); },
    }],
    ['put (overwrite)', () => { const b = hits(); for (let i = 0; i < b.length; i++) map.set(latin1(b[i]!), overwriteValues[i]!.slice()); }],
    ['delete', () => { for (const k of pending) map.delete(latin1(k)); }, {
      before: () => { pending = news(); for (const k of pending) map.set(latin1(k), overwriteValues[0]!); },
    }],
  ]);
  map.clear();

  // --- reference: bare sorted-btree with byte-array keys
  const tree = new BTree<Uint8Array, Uint8Array>(undefined, compareBytes);
  for (let i = 0; i < n; i++) tree.set(keys[i]!, values[i]!);
  const succ = (p: Uint8Array): Uint8Array => { const s = p.slice(); s[s.length - 1]!++; return s; };
  measure(n, 'sorted-btree<Uint8Array>', [
    ['get (hit)', () => { for (const k of hits()) sink += tree.get(k)!.length; }],
    ['get (miss)', () => { for (const k of misses()) if (tree.get(k) === undefined) sink++; }],
    ['put (insert)', () => { for (const k of pending) tree.set(k.slice(), overwriteValues[0]!.slice()); }, {
      before: () => { pending = news(); },
      after: () => { for (const k of pending) tree.delete(k); },
    }],
    ['put (overwrite)', () => { const b = hits(); for (let i = 0; i < b.length; i++) tree.set(b[i]!, overwriteValues[i]!.slice()); }],
    ['delete', () => { for (const k of pending) tree.delete(k); }, {
      before: () => { pending = news(); for (const k of pending) tree.set(k, overwriteValues[0]!); },
    }],
    ['prefixScan (100)', () => { const p = prefix(); tree.forRange(p, succ(p), false, (_k, v) => { sink += v.length; }); }, { perCall: 1 }],
    ['rangeScan (1000)', () => { const [s, e] = range(); tree.forRange(s, e, false, (_k, v) => { sink += v.length; }); }, { perCall: 1 }],
    ['snapshot()', () => { sink += tree.clone().size; }, { perCall: 1 }],
  ]);
  tree.clear();
  if (sink === 42) console.log('');
}

// --- report
const TARGETS: Record<string, { at?: number; max?: number; minMBs?: number }> = {
  'get (hit)': { at: 100_000, max: 500 },
  'put (insert)': { max: 1500 },
  'put (overwrite)': { max: 1500 },
  'prefixScan (100)': { max: 15_000 },
  'snapshot()': { at: 1_000_000, max: 50_000 },
  'snapshot encode': { minMBs: 100 },
};
function verdict(r: Row): string {
  if (r.subject !== 'InMemoryStore') return '';
  const t = TARGETS[r.operation];
  if (t === undefined || (t.at !== undefined && t.at !== r.entries)) return '';
  if (t.max !== undefined) return r.nsPerOp <= t.max ? `met (<= ${t.max} ns)` : `MISSED (<= ${t.max} ns)`;
  if (t.minMBs !== undefined && r.mbPerSec !== undefined) return r.mbPerSec >= t.minMBs ? `met (>= ${t.minMBs} MB/s)` : `MISSED (>= ${t.minMBs} MB/s)`;
  return '';
}
const fmt = (ns: number): string => (ns >= 1e6 ? `${(ns / 1e6).toFixed(2)} ms` : ns >= 1e4 ? `${(ns / 1e3).toFixed(1)} us` : `${ns.toFixed(0)} ns`);
const machine = machineInfo();
console.log(`\n@weir/state benchmark: ${machine.cpu} (${machine.cores} cores, ${machine.memoryGiB} GiB), Node ${machine.node}, ${machine.date}`);
console.log(`median per operation; keys ${KEY_BYTES} random bytes, values ${VALUE_BYTES} bytes; lookups use fresh key arrays in random order\n`);
const table = rows.map((r) => [r.entries.toLocaleString('en'), r.subject, r.operation, fmt(r.nsPerOp), r.mbPerSec ? r.mbPerSec.toFixed(0) : '', verdict(r)]);
printTable(['entries', 'subject', 'operation', 'median', 'MB/s', 'target'], table);
const out = writeResults('state', { benchmark: '@weir/state', machine, config: { sizes: SIZES, keyBytes: KEY_BYTES, valueBytes: VALUE_BYTES, batch: BATCH, timeMsPerTask: TIME }, results: rows.map((r) => ({ ...r, target: verdict(r) || undefined })) });
console.log(`\nwrote ${out}`);
