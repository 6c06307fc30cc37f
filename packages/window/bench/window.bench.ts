// npm run bench -w @weir/window   (or `npm run bench` at the root)
//
// Window throughput over N events (default 1M) with 10k keys, in order and with 5% of events
// arriving out of order (up to 1 s late, within the watermark bound, so none is dropped):
// tumbling count (10 s), hopping sum (10 s / 1 s), session count (gap 5 s). Beside them, in the
// same run: a hand-written loop over a Map (the floor) and a naive RxJS groupBy + reduce. Tumbling
// and session also run with a 20k-entry write-back cache, hopping with 200k (it holds ~110k live
// pane groups here): fewer store writes, a bigger flush at each barrier.
// Event time spans 100 s (10 events per ms). Prints a table; writes bench/results/window.json.
//
// Options: --events 1000000  --keys 10000  --repeat 3
import { from, groupBy, mergeMap, reduce, type OperatorFunction } from 'rxjs';
import { InMemoryStore } from '@weir/state';
import { withEventTime, type StreamElement } from '@weir/stream';
import { count, hoppingWindow, sessionWindow, sum, tumblingWindow } from '@weir/window';
import { benchOptions } from '../../../bench/lib/benchOptions';
import { machineInfo, printTable, writeResults } from '../../../bench/lib/report';

const { events: EVENTS, keys: KEYS, repeat: REPEAT } = benchOptions({ events: 1_000_000, keys: 10_000, repeat: 3 });
const SPAN_MS = 100_000;
const BOUND = 1_000;

interface Event {
  key: string;
  ts: number;
  v: number;
}

function events(outOfOrder: boolean): Event[] {
  let seed = 12345;
  const rand = (): number => {
    seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
    return seed / 2 ** 32;
  };
  const keys = Array.from({ length: KEYS }, (_, i) => `user-${i}`);
  const out: Event[] = new Array(EVENTS);
  for (let i = 0; i < EVENTS; i++) {
    let ts = Math.floor((i / EVENTS) * SPAN_MS);
    if (outOfOrder && rand() < 0.05) ts = Math.max(0, ts - Math.floor(rand() * BOUND));
    out[i] = { key: keys[Math.floor(rand() * KEYS)]!, ts, v: Math.floor(rand() * 100) };
  }
  return out;
}

type Runner = (input: Event[]) => number; // returns the number of results

function pipeline(op: () => OperatorFunction<StreamElement<Event>, StreamElement<unknown>>): Runner {
  return (input) => {
    let results = 0;
    from(input)
      .pipe(withEventTime((e: Event) => e.ts, { maxOutOfOrderness: BOUND }), op())
      .subscribe((el) => {
        if (el.kind === 'record') results++;
      });
    return results;
  };
}

// The floor: the same computations written by hand over Maps, no framework, no store.

/** Per-key values of windows by start; a window is counted and dropped once the watermark passes it. */
function windowTable(size: number) {
  const windows = new Map<number, Map<string, number>>();
  let fired = 0;
  return {
    group(start: number): Map<string, number> {
      let g = windows.get(start);
      if (g === undefined) windows.set(start, (g = new Map()));
      return g;
    },
    fire(wm: number): number {
      for (const [start, groups] of windows) {
        if (start + size - 1 <= wm) {
          fired += groups.size;
          windows.delete(start);
        }
      }
      return fired;
    },
  };
}

const handTumbling: Runner = (input) => {
  const table = windowTable(10_000);
  let maxTs = -Infinity;
  for (const e of input) {
    const g = table.group(e.ts - (e.ts % 10_000));
    g.set(e.key, (g.get(e.key) ?? 0) + 1);
    if (e.ts > maxTs) {
      maxTs = e.ts;
      table.fire(maxTs - BOUND - 1);
    }
  }
  return table.fire(Infinity);
};

const handHopping: Runner = (input) => {
  const table = windowTable(10_000);
  let maxTs = -Infinity;
  for (const e of input) {
    for (let start = e.ts - (e.ts % 1_000); start > e.ts - 10_000; start -= 1_000) {
      const g = table.group(start);
      g.set(e.key, (g.get(e.key) ?? 0) + e.v);
    }
    if (e.ts > maxTs) {
      maxTs = e.ts;
      table.fire(maxTs - BOUND - 1);
    }
  }
  return table.fire(Infinity);
};

const handSession: Runner = (input) => {
  const GAP = 5_000;
  const sessions = new Map<string, Array<{ start: number; end: number; n: number }>>();
  let results = 0;
  for (const e of input) {
    let list = sessions.get(e.key);
    if (list === undefined) sessions.set(e.key, (list = []));
    const merged = { start: e.ts, end: e.ts + GAP, n: 1 };
    const keep = [];
    for (const s of list) {
      if (s.end >= merged.start && s.start <= merged.end) {
        merged.start = Math.min(merged.start, s.start);
        merged.end = Math.max(merged.end, s.end);
        merged.n += s.n;
      } else keep.push(s);
    }
    keep.push(merged);
    sessions.set(e.key, keep);
  }
  for (const list of sessions.values()) results += list.length;
  return results;
};

const naiveGroupBy: Runner = (input) => {
  let results = 0;
  from(input)
    .pipe(
      groupBy((e) => `${e.ts - (e.ts % 10_000)}|${e.key}`),
      mergeMap((g) => g.pipe(reduce((n) => n + 1, 0))),
    )
    .subscribe(() => results++);
  return results;
};

const cases: Array<{ scenario: string; subject: string; run: Runner }> = [
  { scenario: 'tumbling count 10s', subject: 'weir tumblingWindow', run: pipeline(() => tumblingWindow({ size: 10_000, key: (e: Event) => e.key, aggregate: count(), store: new InMemoryStore() })) },
  { scenario: 'tumbling count 10s', subject: 'weir tumblingWindow, cacheSize 20k', run: pipeline(() => tumblingWindow({ size: 10_000, key: (e: Event) => e.key, aggregate: count(), store: new InMemoryStore(), cacheSize: 20_000 })) },
  { scenario: 'tumbling count 10s', subject: 'hand-written Map loop', run: handTumbling },
  { scenario: 'tumbling count 10s', subject: 'naive RxJS groupBy+reduce', run: naiveGroupBy },
  { scenario: 'hopping sum 10s/1s', subject: 'weir hoppingWindow', run: pipeline(() => hoppingWindow({ size: 10_000, slide: 1_000, key: (e: Event) => e.key, aggregate: sum((e: Event) => e.v), store: new InMemoryStore() })) },
  { scenario: 'hopping sum 10s/1s', subject: 'weir hoppingWindow, cacheSize 200k', run: pipeline(() => hoppingWindow({ size: 10_000, slide: 1_000, key: (e: Event) => e.key, aggregate: sum((e: Event) => e.v), store: new InMemoryStore(), cacheSize: 200_000 })) },
  { scenario: 'hopping sum 10s/1s', subject: 'hand-written Map loop', run: handHopping },
  { scenario: 'session count gap 5s', subject: 'weir sessionWindow', run: pipeline(() => sessionWindow({ gap: 5_000, key: (e: Event) => e.key, aggregate: count(), store: new InMemoryStore() })) },
  { scenario: 'session count gap 5s', subject: 'weir sessionWindow, cacheSize 20k', run: pipeline(() => sessionWindow({ gap: 5_000, key: (e: Event) => e.key, aggregate: count(), store: new InMemoryStore(), cacheSize: 20_000 })) },
  { scenario: 'session count gap 5s', subject: 'hand-written Map loop', run: handSession },
];

interface Row {
  scenario: string;
  order: string;
  subject: string;
  eventsPerSec: number;
  results: number;
}
const rows: Row[] = [];
for (const outOfOrder of [false, true]) {
  const input = events(outOfOrder);
  for (const c of cases) {
    const times: number[] = [];
    let results = 0;
    for (let r = 0; r < REPEAT; r++) {
      const t0 = performance.now();
      results = c.run(input);
      times.push(performance.now() - t0);
    }
    times.sort((a, b) => a - b);
    const median = times[Math.floor(times.length / 2)]!;
    rows.push({ scenario: c.scenario, order: outOfOrder ? '5% out of order' : 'in order', subject: c.subject, eventsPerSec: EVENTS / (median / 1000), results });
    process.stdout.write('.');
  }
}

const machine = machineInfo();
const floorOf = (r: Row): number => rows.find((x) => x.scenario === r.scenario && x.order === r.order && x.subject === 'hand-written Map loop')!.eventsPerSec;
const targets: Record<string, number> = { 'weir tumblingWindow': 1_500_000, 'weir tumblingWindow, cacheSize 20k': 1_500_000, 'weir hoppingWindow': 500_000, 'weir hoppingWindow, cacheSize 200k': 500_000, 'weir sessionWindow': 500_000, 'weir sessionWindow, cacheSize 20k': 500_000 };
console.log(`\n\n@weir/window benchmark: ${EVENTS.toLocaleString('en')} events, ${KEYS.toLocaleString('en')} keys; ${machine.cpu} (${machine.cores} cores), Node ${machine.node}, ${machine.date}`);
console.log('median of', REPEAT, 'runs; one core (a single synchronous pipeline)\n');
const table = rows.map((r) => {
  const target = targets[r.subject];
  const ratio = floorOf(r) / r.eventsPerSec;
  return [r.scenario, r.order, r.subject, `${(r.eventsPerSec / 1e6).toFixed(2)}M`, r.subject.startsWith('hand') ? '1.0x (floor)' : `${ratio.toFixed(1)}x slower`, target === undefined ? '' : r.eventsPerSec >= target ? `met (>= ${target / 1e6}M)` : `MISSED (>= ${target / 1e6}M)`];
});
printTable(['scenario', 'order', 'subject', 'events/s', 'vs floor', 'target'], table);
const out = writeResults('window', { benchmark: '@weir/window', machine, config: { events: EVENTS, keys: KEYS, repeat: REPEAT, spanMs: SPAN_MS, outOfOrderBoundMs: BOUND }, results: rows.map((r) => ({ ...r, slowerThanFloor: floorOf(r) / r.eventsPerSec })) });
console.log(`\nwrote ${out}`);
