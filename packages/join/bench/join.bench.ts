// npm run bench -w @weir/join   (or `npm run bench` at the root)
//
// Join throughput on one core (one synchronous pipeline), events counted across both inputs:
// - interval join, inner and full outer, bounds +-5 s, 10k keys: orders (left) and payments
//   (right); 80% of orders get a payment within +-4 s, the rest of the payments have random keys.
//   5% of events arrive up to 1 s out of order; watermarks trail by 1 s (bounded out-of-orderness,
//   as withEventTime). Event time advances 1 s per 1,000 events on each side. Peak store entries
//   are sampled every 8k events. A checkpoint barrier goes into both inputs every 100k events.
// - lookup join of 1M stream records against a 100k-key table (loaded first; 9% of lookups miss),
//   inner and left; events/s counts the table's 100k records too.
// - as-of join (backward) of trades against quotes, 10k keys.
// Every weir operator runs with the default options (a bounded write-back of 8,192 rows per side),
// written through (cacheSize 0) and with a 50k write-back cache.
// - a steady run of --long events (default 10M) of the full interval join, sampling the store's
//   len() to show it stays flat.
// Beside each, in the same run: a hand-written join over Maps (no RxJS, no store): the floor.
// Prints a table; writes bench/results/join.json.
//
// Options: --events 1000000  --keys 10000  --repeat 3  --long 10000000
import { Subject, type Observable, type OperatorFunction } from 'rxjs';
import { InMemoryStore, type StateStore } from '@weir/state';
import { withEventTime, type StreamElement } from '@weir/stream';
import { asofJoin, intervalJoin, lookupJoin } from '../src';
import { benchOptions } from '../../../bench/lib/benchOptions';
import { arrivalOrder, rng, type Ev } from './benchEvents';
import { machineInfo, printTable, writeResults } from '../../../bench/lib/report';

const { events: EVENTS, keys: KEYS, repeat: REPEAT, long: LONG } = benchOptions({ events: 1_000_000, keys: 10_000, repeat: 3, long: 10_000_000 });
const TABLE_KEYS = 100_000;
const BOUND = 1_000; // out-of-orderness, ms
const BOUNDS = 5_000; // interval join +-
const MS_PER_EVENT = 1; // per side: 1,000 events per second of event time

/** A case's label suffix for a cacheSize (undefined: the default options). */
const label = (cacheSize: number | undefined): string => (cacheSize === undefined ? '' : cacheSize === 0 ? ', cacheSize 0 (write-through)' : `, cacheSize ${cacheSize / 1000}k`);
const sized = (cacheSize: number | undefined): { cacheSize?: number } => (cacheSize === undefined ? {} : { cacheSize });

/** `pairs` orders and as many payments: 80% pay their order within +-4 s, 20% carry random keys. */
function ordersAndPayments(pairs: number, seed: number): { left: Ev[]; right: Ev[] } {
  const rand = rng(seed);
  const left: Ev[] = new Array(pairs);
  const right: Ev[] = new Array(pairs);
  for (let i = 0; i < pairs; i++) {
    const ts = i * MS_PER_EVENT + 10_000;
    const key = Math.floor(rand() * KEYS);
    left[i] = { key, ts, v: i };
    const paid = rand() < 0.8;
    right[i] = { key: paid ? key : Math.floor(rand() * KEYS), ts: Math.max(0, ts + Math.floor((rand() * 2 - 1) * 4_000)), v: i };
  }
  return { left: arrivalOrder(left, rand, BOUND), right: arrivalOrder(right, rand, BOUND) };
}

const BARRIER_EVERY = 100_000; // events across both inputs: a checkpoint barrier on both sides

/**
 * Pushes `right` (all of it first when `rightFirst`, a table) and `left`, alternately otherwise,
 * through `op`, with a checkpoint barrier on both inputs every 100k events (so a write-back cache
 * is flushed as in a real job); returns output records and peak store entries.
 */
function drive<O>(left: Ev[], right: Ev[], op: (right$: Observable<StreamElement<Ev>>) => OperatorFunction<StreamElement<Ev>, StreamElement<O>>, store: StateStore, rightFirst = false): { results: number; peakEntries: number } {
  const l = new Subject<StreamElement<Ev>>();
  const r = new Subject<StreamElement<Ev>>();
  let results = 0;
  let peakEntries = 0;
  l.pipe(op(r)).subscribe((el) => {
    if (el.kind === 'record') results++;
  });
  const wm = [Number.NEGATIVE_INFINITY, Number.NEGATIVE_INFINITY];
  const maxTs = [Number.NEGATIVE_INFINITY, Number.NEGATIVE_INFINITY];
  const push = (side: 0 | 1, e: Ev): void => {
    const s = side === 0 ? l : r;
    s.next({ kind: 'record', value: e, timestamp: e.ts });
    if (e.ts > maxTs[side]!) {
      maxTs[side] = e.ts;
      const w = e.ts - BOUND - 1;
      if (w > wm[side]!) {
        wm[side] = w;
        s.next({ kind: 'watermark', timestamp: w });
      }
    }
  };
  let events = 0;
  let checkpoint = 0;
  const tick = (): void => {
    if (++events % BARRIER_EVERY === 0) {
      checkpoint++;
      l.next({ kind: 'barrier', checkpointId: checkpoint });
      r.next({ kind: 'barrier', checkpointId: checkpoint });
    }
    if ((events & 8191) === 0) {
      const len = store.len();
      if (len > peakEntries) peakEntries = len;
    }
  };
  if (rightFirst) {
    for (const e of right) {
      push(1, e);
      tick();
    }
  }
  const n = Math.max(left.length, rightFirst ? 0 : right.length);
  for (let i = 0; i < n; i++) {
    if (i < left.length) {
      push(0, left[i]!);
      tick();
    }
    if (!rightFirst && i < right.length) {
      push(1, right[i]!);
      tick();
    }
  }
  l.complete();
  r.complete();
  const len = store.len();
  if (len > peakEntries) peakEntries = len;
  return { results, peakEntries };
}

// ---- the floor: a hand-written interval join over Maps ----

function handInterval(left: Ev[], right: Ev[], full: boolean): number {
  // Per side: rows by key (arrays in arrival order) and a FIFO by arrival for expiry. Expiry
  // waits for the FIFO's head, which is nearly time-ordered input's usual shortcut.
  interface HRow {
    readonly e: Ev;
    matched: boolean;
    gone: boolean;
  }
  const byKey = [new Map<number, HRow[]>(), new Map<number, HRow[]>()];
  const fifo: HRow[][] = [[], []];
  const heads = [0, 0];
  const maxTs = [-Infinity, -Infinity];
  let results = 0;
  const expire = (side: number, upTo: number): void => {
    const q = fifo[side]!;
    let h = heads[side]!;
    while (h < q.length && q[h]!.e.ts <= upTo) {
      const row = q[h++]!;
      row.gone = true;
      if (full && !row.matched) results++;
      const list = byKey[side]!.get(row.e.key)!;
      const i = list.indexOf(row);
      list.splice(i, 1);
      if (list.length === 0) byKey[side]!.delete(row.e.key);
    }
    if (h > 4096 && h * 2 > q.length) {
      fifo[side] = q.slice(h);
      h = 0;
    }
    heads[side] = h;
  };
  const add = (side: number, e: Ev): void => {
    const row: HRow = { e, matched: false, gone: false };
    const other = byKey[1 - side]!.get(e.key);
    if (other !== undefined) {
      for (const o of other) {
        const d = side === 0 ? o.e.ts - e.ts : e.ts - o.e.ts; // right time - left time
        if (d >= -BOUNDS && d <= BOUNDS) {
          results++;
          o.matched = true;
          row.matched = true;
        }
      }
    }
    let mine = byKey[side]!.get(e.key);
    if (mine === undefined) byKey[side]!.set(e.key, (mine = []));
    mine.push(row);
    fifo[side]!.push(row);
    if (e.ts > maxTs[side]!) {
      maxTs[side] = e.ts;
      const wm = Math.min(maxTs[0]!, maxTs[1]!) - BOUND - 1;
      expire(0, wm - BOUNDS);
      expire(1, wm - BOUNDS);
    }
  };
  const n = Math.max(left.length, right.length);
  for (let i = 0; i < n; i++) {
    if (i < left.length) add(0, left[i]!);
    if (i < right.length) add(1, right[i]!);
  }
  expire(0, Infinity);
  expire(1, Infinity);
  return results;
}

function handLookup(stream: Ev[], table: Ev[], outer: boolean): number {
  const rows = new Map<number, Ev>();
  for (const t of table) rows.set(t.key, t);
  let results = 0;
  for (const e of stream) if (rows.has(e.key) || outer) results++;
  return results;
}

function handAsof(trades: Ev[], quotes: Ev[]): number {
  // backward: the latest quote at or before each trade, once the watermark passes the trade
  const latest = new Map<number, Ev[]>();
  const pending: Ev[] = [];
  let head = 0;
  let results = 0;
  const maxTs = [-Infinity, -Infinity];
  const flush = (wm: number): void => {
    pending.sort((a, b) => a.ts - b.ts);
    while (head < pending.length && pending[head]!.ts <= wm) {
      const t = pending[head++]!;
      const qs = latest.get(t.key);
      if (qs !== undefined && qs.some((q) => q.ts <= t.ts)) results++;
    }
    pending.splice(0, head);
    head = 0;
  };
  const n = Math.max(trades.length, quotes.length);
  for (let i = 0; i < n; i++) {
    const t = trades[i];
    if (t !== undefined) {
      pending.push(t);
      maxTs[0] = Math.max(maxTs[0]!, t.ts);
    }
    const q = quotes[i];
    if (q !== undefined) {
      let qs = latest.get(q.key);
      if (qs === undefined) latest.set(q.key, (qs = []));
      qs.push(q);
      if (qs.length > 8) qs.shift();
      maxTs[1] = Math.max(maxTs[1]!, q.ts);
    }
    if ((i & 1023) === 0) flush(Math.min(maxTs[0]!, maxTs[1]!) - BOUND - 1);
  }
  flush(Infinity);
  return results;
}

interface Case {
  scenario: string;
  subject: string;
  target?: number;
  /** Events the case processes (default EVENTS; a lookup also loads its table first). */
  events?: number;
  run(): { results: number; peakEntries?: number };
}

const pairs = ordersAndPayments(EVENTS / 2, 7);
const cases: Case[] = [];
for (const type of ['inner', 'full'] as const) {
  for (const cacheSize of [undefined, 0, 50_000]) {
    cases.push({
      scenario: `interval ${type} +-5s`,
      subject: `weir intervalJoin${label(cacheSize)}`,
      target: 500_000,
      run: () => {
        const store = new InMemoryStore();
        return drive(pairs.left, pairs.right, (right$) => intervalJoin(right$, { leftKey: (e: Ev) => e.key, rightKey: (e: Ev) => e.key, lowerBound: -BOUNDS, upperBound: BOUNDS, type, store, ...sized(cacheSize) }), store);
      },
    });
  }
  cases.push({ scenario: `interval ${type} +-5s`, subject: 'hand-written Map join', run: () => ({ results: handInterval(pairs.left, pairs.right, type === 'full') }) });
}

// lookup join: a 100k-key table loaded first, then EVENTS stream records with random keys
const table: Ev[] = Array.from({ length: TABLE_KEYS }, (_, i) => ({ key: i, ts: 0, v: i }));
const lookups: Ev[] = (() => {
  const rand = rng(3);
  return Array.from({ length: EVENTS }, (_, i) => ({ key: Math.floor(rand() * TABLE_KEYS * 1.1), ts: 1_000 + i, v: i }));
})();
for (const type of ['inner', 'left'] as const) {
  for (const cacheSize of [undefined, 0, 50_000]) {
    cases.push({
      scenario: `lookup ${type}, 100k-key table`,
      subject: `weir lookupJoin${label(cacheSize)}`,
      target: 1_500_000,
      events: EVENTS,
      run: () => {
        const store = new InMemoryStore();
        return drive(lookups, table, (right$) => lookupJoin(right$, { key: (e: Ev) => e.key, tableKey: (e: Ev) => e.key, type, store, ...sized(cacheSize) }), store, true);
      },
    });
  }
  cases.push({ scenario: `lookup ${type}, 100k-key table`, subject: 'hand-written Map join', events: EVENTS, run: () => ({ results: handLookup(lookups, table, type === 'left') }) });
}

// as-of join, backward: trades (left) with the latest quote (right) of their key
const market = ordersAndPayments(EVENTS / 2, 5);
for (const cacheSize of [undefined, 0, 50_000]) {
  cases.push({
    scenario: 'as-of backward',
    subject: `weir asofJoin${label(cacheSize)}`,
    run: () => {
      const store = new InMemoryStore();
      return drive(market.left, market.right, (right$) => asofJoin(right$, { key: (e: Ev) => e.key, direction: 'backward', type: 'inner', store, ...sized(cacheSize) }), store);
    },
  });
}
cases.push({ scenario: 'as-of backward', subject: 'hand-written Map join', run: () => ({ results: handAsof(market.left, market.right) }) });

interface Row {
  scenario: string;
  subject: string;
  eventsPerSec: number;
  results: number;
  peakStoreEntries?: number;
  target?: number;
}
const rows: Row[] = [];
for (const c of cases) {
  const times: number[] = [];
  let last: { results: number; peakEntries?: number } = { results: 0 };
  for (let r = 0; r < REPEAT; r++) {
    const t0 = performance.now();
    last = c.run();
    times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  const median = times[Math.floor(times.length / 2)]!;
  rows.push({ scenario: c.scenario, subject: c.subject, eventsPerSec: (c.scenario.startsWith('lookup') ? EVENTS + TABLE_KEYS : EVENTS) / (median / 1000), results: last.results, ...(last.peakEntries === undefined ? {} : { peakStoreEntries: last.peakEntries }), ...(c.target === undefined ? {} : { target: c.target }) });
  process.stdout.write('.');
}

// ---- a long steady run: the store's len() stays flat ----
const steady = ((): { events: number; eventsPerSec: number; samples: Array<{ events: number; storeEntries: number }> } => {
  const data = ordersAndPayments(LONG / 2, 11);
  const store = new InMemoryStore();
  const samples: Array<{ events: number; storeEntries: number }> = [];
  const l = new Subject<Ev>();
  const r = new Subject<Ev>();
  const right$ = r.pipe(withEventTime((e: Ev) => e.ts, { maxOutOfOrderness: BOUND }));
  l.pipe(withEventTime((e: Ev) => e.ts, { maxOutOfOrderness: BOUND }), intervalJoin(right$, { leftKey: (e: Ev) => e.key, rightKey: (e: Ev) => e.key, lowerBound: -BOUNDS, upperBound: BOUNDS, type: 'full', store })).subscribe();
  const step = Math.max(1, Math.floor(LONG / 2 / 20));
  const t0 = performance.now();
  for (let i = 0; i < data.left.length; i++) {
    l.next(data.left[i]!);
    r.next(data.right[i]!);
    if ((i + 1) % step === 0) samples.push({ events: 2 * (i + 1), storeEntries: store.len() });
  }
  l.complete();
  r.complete();
  const ms = performance.now() - t0;
  samples.push({ events: LONG, storeEntries: store.len() });
  return { events: LONG, eventsPerSec: LONG / (ms / 1000), samples };
})();

const machine = machineInfo();
const floorOf = (r: Row): number => rows.find((x) => x.scenario === r.scenario && x.subject.startsWith('hand'))!.eventsPerSec;
console.log(`\n\n@weir/join benchmark: ${EVENTS.toLocaleString('en')} events across both inputs, ${KEYS.toLocaleString('en')} keys; ${machine.cpu} (${machine.cores} cores), Node ${machine.node}, ${machine.date}`);
console.log('median of', REPEAT, 'runs; one core (a single synchronous pipeline)\n');
printTable(
  ['scenario', 'subject', 'events/s', 'vs floor', 'results', 'peak store entries', 'target'],
  rows.map((r) => [
    r.scenario,
    r.subject,
    `${(r.eventsPerSec / 1e6).toFixed(2)}M`,
    r.subject.startsWith('hand') ? '1.0x (floor)' : `${(floorOf(r) / r.eventsPerSec).toFixed(1)}x slower`,
    r.results.toLocaleString('en'),
    r.peakStoreEntries === undefined ? '' : r.peakStoreEntries.toLocaleString('en'),
    r.target === undefined ? '' : r.eventsPerSec >= r.target ? `met (>= ${r.target / 1e6}M)` : `MISSED (>= ${r.target / 1e6}M)`,
  ]),
);
const lens = steady.samples.map((s) => s.storeEntries);
const half = Math.floor(lens.length / 2);
console.log(`\nsteady full interval join over ${steady.events.toLocaleString('en')} events: ${(steady.eventsPerSec / 1e6).toFixed(2)}M events/s; store len() max ${Math.max(...lens.slice(1, half)).toLocaleString('en')} in the first half, ${Math.max(...lens.slice(half, -1)).toLocaleString('en')} in the second, ${lens[lens.length - 1]} at the end`);
const out = writeResults('join', {
  benchmark: '@weir/join',
  machine,
  config: { events: EVENTS, keys: KEYS, repeat: REPEAT, tableKeys: TABLE_KEYS, outOfOrderBoundMs: BOUND, intervalBoundsMs: BOUNDS, long: LONG },
  results: rows.map((r) => ({ ...r, slowerThanFloor: floorOf(r) / r.eventsPerSec })),
  steady,
});
console.log(`wrote ${out}`);
