// npm run bench:memory -w @weir/state
//
// Issue 15's state figures, for InMemoryStore beside a plain Map in the same run, at 100k and 1M
// entries (random 20-byte keys, 24-byte values, seeded, computed on demand into scratch arrays):
// - memory: heap plus external bytes (typed-array backing stores live outside the JS heap, so
//   heapUsed alone would hide an arena) after a full GC, per entry, beyond its key and value bytes;
// - insert / get / update: mean ns per operation over every key (lookups in random order);
// - the longest GC pause (perf_hooks 'gc' entries) while filling, while updating, and while
//   updating with a snapshot taken every 100k updates (copy-on-write);
// - snapshot(): its own cost, and the first 100k updates after it;
// - restore of the encoded snapshot bytes against decoding the same bytes into a Map by hand
//   (latin1 string keys, value copies), median of 3, the ratio in the same run;
// - tumbling window keys: a count per (window, key) over `keys` distinct keys per window,
//   windows fired and deleted by prefix scan, peak heap + external sampled every 10k events,
//   against a hand loop over Map<string, number>.
// Writes bench/results/state-memory.json (or state-memory-<label>.json) at the repository root.
//
// Needs --expose-gc (the npm script passes it). Options: --sizes 100000,1000000 --label before
import { parseArgs } from 'node:util';
import { PerformanceObserver, performance } from 'node:perf_hooks';
import { loadavg } from 'node:os';
import { InMemoryStore } from '../src';
import { machineInfo, printTable, writeResults } from '../../../bench/lib/report';

const { values: options } = parseArgs({
  options: {
    sizes: { type: 'string', default: '100000,1000000' },
    label: { type: 'string', default: '' },
    skip: { type: 'string', default: '' },
    // prints each measured phase's time window to stderr, to line up with node --trace-gc output
    phases: { type: 'boolean', default: false },
  },
});
const SIZES = options.sizes.split(',').map(Number);
const SKIP = new Set(options.skip.split(',').filter((s) => s !== ''));
const KEY_BYTES = 20;
const VALUE_BYTES = 24;

const gc = (globalThis as { gc?: () => void }).gc;
if (gc === undefined) throw new Error('run with node --expose-gc (npm run bench:memory -w @weir/state)');
const fullGc = (): void => {
  gc();
  gc();
};
/** A full GC, then a pause so that array buffers freed by it are swept (external memory lags). */
const settle = async (): Promise<void> => {
  fullGc();
  await new Promise((resolve) => setTimeout(resolve, 100));
  fullGc();
  await new Promise((resolve) => setTimeout(resolve, 100));
};

let seed = 0x2545f491;
function rand(): number {
  seed ^= seed << 13;
  seed ^= seed >>> 17;
  seed ^= seed << 5;
  return seed >>> 0;
}
function randomBytes(n: number): Uint8Array {
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) out[i] = rand() & 0xff;
  return out;
}
/**
 * Writes the key (or value) of entry `i` into `out`: seeded random bytes computed on demand, so
 * the benchmark's inputs are not millions of arrays that every garbage collection would trace
 * beside the store's own objects. A fresh scratch array per key, as an operator builds one.
 */
function bytesOf(i: number, salt: number, out: Uint8Array): Uint8Array {
  let x = (Math.imul(i + 1, 0x9e3779b1) ^ salt) | 0;
  if (x === 0) x = 1;
  for (let j = 0; j < out.length; j++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out[j] = x & 0xff;
  }
  return out;
}
const KEY_SALT = 0x5bd1e995;
const VALUE_SALT = 0x27d4eb2f;
const keyOf = (i: number, out: Uint8Array): Uint8Array => bytesOf(i, KEY_SALT, out);
const valueOf = (i: number, out: Uint8Array): Uint8Array => bytesOf(i, VALUE_SALT, out);
/** A random permutation of 0..n-1 (the order lookups and updates visit the keys in). */
function permutation(n: number): Int32Array {
  const a = new Int32Array(n);
  for (let i = 0; i < n; i++) a[i] = i;
  for (let i = n - 1; i > 0; i--) {
    const j = rand() % (i + 1);
    const t = a[i]!;
    a[i] = a[j]!;
    a[j] = t;
  }
  return a;
}
const latin1 = (k: Uint8Array): string => String.fromCharCode.apply(null, k as unknown as number[]);

// --- GC pauses: every 'gc' entry, read back by time window.
interface GcEntry {
  start: number;
  duration: number;
  kind: number;
  flags: number;
}
const gcEntries: GcEntry[] = [];
const observer = new PerformanceObserver((list) => {
  for (const e of list.getEntries()) {
    const detail = (e as unknown as { detail?: { kind?: number; flags?: number } }).detail;
    gcEntries.push({ start: e.startTime, duration: e.duration, kind: detail?.kind ?? 0, flags: detail?.flags ?? 0 });
  }
});
observer.observe({ entryTypes: ['gc'] });
const flushGcEntries = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 20));
/** What V8 did in a pause (perf_hooks constants: kind 1 minor, 4 major, 8 incremental, 16 weak callbacks). */
function gcKind(e: GcEntry | undefined): string {
  if (e === undefined) return 'none';
  const kind = e.kind === 1 ? 'scavenge' : e.kind === 4 ? 'mark-compact' : e.kind === 8 ? 'incremental marking' : e.kind === 16 ? 'weak callbacks' : `kind ${e.kind}`;
  const flags: string[] = [];
  if (e.flags & 4) flags.push('forced');
  if (e.flags & 16) flags.push('all available garbage');
  if (e.flags & 32) flags.push('external memory');
  if (e.flags & 64) flags.push('idle');
  return flags.length === 0 ? kind : `${kind} (${flags.join(', ')})`;
}
function longestPause(from: number, to: number): { ms: number; count: number; totalMs: number; kind: string } {
  let longest: GcEntry | undefined;
  let count = 0;
  let totalMs = 0;
  for (const e of gcEntries) {
    if (e.start < from || e.start > to) continue;
    count++;
    totalMs += e.duration;
    if (longest === undefined || e.duration > longest.duration) longest = e;
  }
  if (options.phases) process.stderr.write(`phase ${from.toFixed(0)}-${to.toFixed(0)} ms: ${count} GCs, ${totalMs.toFixed(1)} ms\n`);
  return { ms: longest?.duration ?? 0, count, totalMs, kind: gcKind(longest) };
}

const memory = (): number => {
  const m = process.memoryUsage();
  return m.heapUsed + m.external;
};

interface Row {
  entries: number;
  subject: string;
  measure: string;
  value: number;
  unit: string;
  /** For a GC pause: what kind of collection the longest one was. */
  detail?: string;
}
const rows: Row[] = [];
const add = (entries: number, subject: string, measure: string, value: number, unit: string, detail?: string): void => {
  rows.push(detail === undefined ? { entries, subject, measure, value, unit } : { entries, subject, measure, value, unit, detail });
};

function median(xs: number[]): number {
  const s = xs.slice().sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

/** Decodes snapshot bytes into a Map by hand: what a store's restore is compared against. */
function decodeIntoMap(bytes: Uint8Array): Map<string, Uint8Array> {
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const count = buf.readUInt32BE(12);
  const map = new Map<string, Uint8Array>();
  let pos = 16;
  const varint = (): number => {
    let r = 0;
    let shift = 0;
    for (;;) {
      const b = bytes[pos++]!;
      r += (b & 0x7f) * 2 ** shift;
      if ((b & 0x80) === 0) return r;
      shift += 7;
    }
  };
  for (let i = 0; i < count; i++) {
    const kl = varint();
    const key = buf.toString('latin1', pos, pos + kl);
    pos += kl;
    const vl = varint();
    map.set(key, bytes.slice(pos, pos + vl));
    pos += vl;
  }
  return map;
}

async function runSize(n: number): Promise<void> {
  const order = permutation(n);
  const key = new Uint8Array(KEY_BYTES);
  const value = new Uint8Array(VALUE_BYTES);
  const update = randomBytes(VALUE_BYTES);
  const payload = n * (KEY_BYTES + VALUE_BYTES);
  let sink = 0;

  // --- Map<latin1 string, Uint8Array>: memory and costs.
  {
    await settle();
    const before = memory();
    const map = new Map<string, Uint8Array>();
    let t = performance.now();
    for (let i = 0; i < n; i++) map.set(latin1(keyOf(i, key)), valueOf(i, value).slice());
    const insert = performance.now() - t;
    await settle();
    add(n, 'Map<latin1>', 'bytes per entry beyond key+value', (memory() - before - payload) / n, 'B');
    t = performance.now();
    for (let i = 0; i < n; i++) sink += map.get(latin1(keyOf(order[i]!, key)))!.length;
    const get = performance.now() - t;
    t = performance.now();
    for (let i = 0; i < n; i++) map.set(latin1(keyOf(order[i]!, key)), update.slice());
    const upd = performance.now() - t;
    add(n, 'Map<latin1>', 'insert', (insert * 1e6) / n, 'ns/op');
    add(n, 'Map<latin1>', 'get (hit)', (get * 1e6) / n, 'ns/op');
    add(n, 'Map<latin1>', 'update', (upd * 1e6) / n, 'ns/op');
    map.clear();
  }

  // --- InMemoryStore: memory, costs, GC pauses, snapshots.
  await settle();
  const before = memory();
  const store = new InMemoryStore();
  let t0 = performance.now();
  for (let i = 0; i < n; i++) store.put(keyOf(i, key), valueOf(i, value));
  let t1 = performance.now();
  if (store.len() !== n) throw new Error(`the generated keys collided: ${store.len()} of ${n}`);
  add(n, 'InMemoryStore', 'insert', ((t1 - t0) * 1e6) / n, 'ns/op');
  await flushGcEntries();
  const fill = longestPause(t0, t1);
  add(n, 'InMemoryStore', 'longest GC pause, filling', fill.ms, 'ms', fill.kind);
  add(n, 'InMemoryStore', 'GC time, filling', fill.totalMs, 'ms');
  await settle();
  const held = memory() - before;
  add(n, 'InMemoryStore', 'bytes per entry beyond key+value', (held - payload) / n, 'B');
  add(n, 'InMemoryStore', 'sizeBytes() per entry', store.sizeBytes() / n, 'B');

  t0 = performance.now();
  for (let i = 0; i < n; i++) sink += store.get(keyOf(order[i]!, key))!.length;
  t1 = performance.now();
  add(n, 'InMemoryStore', 'get (hit)', ((t1 - t0) * 1e6) / n, 'ns/op');

  await flushGcEntries();
  t0 = performance.now();
  for (let i = 0; i < n; i++) store.put(keyOf(order[i]!, key), update);
  t1 = performance.now();
  await flushGcEntries();
  add(n, 'InMemoryStore', 'update', ((t1 - t0) * 1e6) / n, 'ns/op');
  const upd = longestPause(t0, t1);
  add(n, 'InMemoryStore', 'longest GC pause, updating', upd.ms, 'ms', upd.kind);

  // Updates with a snapshot every 100k updates (each snapshot held until the next).
  const every = Math.min(100_000, n);
  const snapCosts: number[] = [];
  const afterSnap: number[] = [];
  let held_ = store.snapshot();
  t0 = performance.now();
  for (let i = 0; i < n; i += every) {
    const s0 = performance.now();
    held_ = store.snapshot();
    const s1 = performance.now();
    snapCosts.push(s1 - s0);
    const end = Math.min(n, i + every);
    for (let j = i; j < end; j++) store.put(keyOf(order[j]!, key), update);
    afterSnap.push(((performance.now() - s1) * 1e6) / (end - i));
  }
  t1 = performance.now();
  sink += held_.len();
  await flushGcEntries();
  add(n, 'InMemoryStore', 'snapshot()', median(snapCosts) * 1000, 'us');
  add(n, 'InMemoryStore', 'update, first after a snapshot', median(afterSnap), 'ns/op');
  const updSnap = longestPause(t0, t1);
  add(n, 'InMemoryStore', 'longest GC pause, updating with snapshots', updSnap.ms, 'ms', updSnap.kind);

  // --- restore against decoding into a Map, same bytes, alternating, median of 3.
  const bytes = store.snapshot().encode();
  store.clear();
  fullGc();
  const restoreMs: number[] = [];
  const mapMs: number[] = [];
  for (let round = 0; round < 3; round++) {
    fullGc();
    let s = performance.now();
    const m = decodeIntoMap(bytes);
    mapMs.push(performance.now() - s);
    sink += m.size;
    m.clear();
    fullGc();
    s = performance.now();
    const r = new InMemoryStore();
    r.restore(bytes);
    restoreMs.push(performance.now() - s);
    sink += r.len();
    // the restored store must answer (and its lazily built parts be paid for here, not hidden)
    sink += r.get(keyOf(round, key))!.length;
  }
  add(n, 'Map<latin1>', 'decode snapshot bytes into a Map', median(mapMs), 'ms');
  add(n, 'InMemoryStore', 'restore(bytes)', median(restoreMs), 'ms');
  add(n, 'InMemoryStore', 'restore / Map decode', median(restoreMs) / median(mapMs), 'x');
  sink += order.length + update.length;
  if (sink === 42) console.log('');
}

/**
 * Tumbling-window counts: events cycle over `keys` user keys, each window of `perWindow` events;
 * a window fires (scan + delete of its prefix) once the next one is a window old. Peak memory
 * (heap + external above the start) sampled every 10k events.
 */
async function runWindow(keys: number): Promise<void> {
  const perWindow = keys; // every user key once per window
  const windows = 3;
  const events = perWindow * windows;
  const userKey = (i: number): number => i % keys;
  const keyBytes = new Uint8Array(8 + 12);
  const dv = new DataView(keyBytes.buffer);
  const one = new Uint8Array(8);
  const odv = new DataView(one.buffer);

  const measure = async (subject: string, run: (sample: () => void) => void): Promise<void> => {
    await settle();
    const base = memory();
    let peak = 0;
    const sample = (): void => {
      const m = memory() - base;
      if (m > peak) peak = m;
    };
    const t0 = performance.now();
    run(sample);
    const t1 = performance.now();
    await flushGcEntries();
    const p = longestPause(t0, t1);
    add(keys, subject, 'window keys: peak memory', peak / 2 ** 20, 'MiB');
    add(keys, subject, 'window keys: time', t1 - t0, 'ms');
    add(keys, subject, 'window keys: longest GC pause', p.ms, 'ms', p.kind);
  };

  await measure('Map<latin1> hand loop', (sample) => {
    const wins = new Map<number, Map<string, number>>();
    let fired = 0;
    for (let i = 0; i < events; i++) {
      const w = Math.floor(i / perWindow);
      let m = wins.get(w);
      if (m === undefined) wins.set(w, (m = new Map()));
      const k = `user-${userKey(i)}`;
      m.set(k, (m.get(k) ?? 0) + 1);
      if (w >= 1 && wins.has(w - 1) && i % perWindow === perWindow / 2) {
        for (const [, c] of wins.get(w - 1)!) fired += c;
        wins.delete(w - 1);
      }
      if (i % 10_000 === 0) sample();
    }
    sample();
    if (fired === 42) console.log('');
  });

  await measure('InMemoryStore', (sample) => {
    const store = new InMemoryStore();
    let fired = 0;
    for (let i = 0; i < events; i++) {
      const w = Math.floor(i / perWindow);
      dv.setUint32(0, 0);
      dv.setUint32(4, w);
      const u = `user-${userKey(i)}`;
      for (let j = 0; j < 12; j++) keyBytes[8 + j] = j < u.length ? u.charCodeAt(j) : 0;
      const old = store.get(keyBytes);
      odv.setFloat64(0, old === undefined ? 1 : new DataView(old.buffer, old.byteOffset, 8).getFloat64(0) + 1);
      store.put(keyBytes, one);
      if (w >= 1 && i % perWindow === perWindow / 2) {
        const p = new Uint8Array(8);
        new DataView(p.buffer).setUint32(4, w - 1);
        for (const [k, v] of store.prefixScan(p)) {
          fired += new DataView(v.buffer, v.byteOffset, 8).getFloat64(0);
          store.delete(k);
        }
      }
      if (i % 10_000 === 0) sample();
    }
    sample();
    if (fired === 42) console.log('');
  });
}

async function main(): Promise<void> {
  const load = loadavg();
  for (const n of SIZES) if (!SKIP.has('ops')) await runSize(n);
  if (!SKIP.has('window')) await runWindow(Math.max(...SIZES));
  const loadEnd = loadavg();
  observer.disconnect();
  const machine = machineInfo();
  const fmt = (v: number): string => (Math.abs(v) >= 100 ? v.toFixed(0) : Math.abs(v) >= 10 ? v.toFixed(1) : v.toFixed(2));
  console.log(`\n@weir/state memory benchmark${options.label ? ` (${options.label})` : ''}: ${machine.cpu} (${machine.cores} cores, ${machine.memoryGiB} GiB), Node ${machine.node}, ${machine.date}`);
  console.log(`load average ${load.map((x) => x.toFixed(2)).join(' ')} at the start, ${loadEnd.map((x) => x.toFixed(2)).join(' ')} at the end\n`);
  printTable(['entries', 'subject', 'measure', 'value', 'unit', 'longest GC'], rows.map((r) => [r.entries.toLocaleString('en'), r.subject, r.measure, fmt(r.value), r.unit, r.detail ?? '']));
  const name = options.label ? `state-memory-${options.label}` : 'state-memory';
  const out = writeResults(name, { benchmark: '@weir/state memory', label: options.label || undefined, machine, loadAverage: { start: load, end: loadEnd }, config: { sizes: SIZES, keyBytes: KEY_BYTES, valueBytes: VALUE_BYTES }, results: rows });
  console.log(`\nwrote ${out}`);
}

void main();
