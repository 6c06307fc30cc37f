// Property test of the processing-time windows against a simple model: records are assigned by
// arrival time (the clock when they arrive), counted per key and window, and each window fires at
// its end; with a barrier, a crash, some downtime and a restore midway, windows due during the
// downtime fire at the restore; completion fires what is still open.
import fc from 'fast-check';
import { InMemoryStore, type StateStore } from '@weir/state';
import { barrier } from '@weir/stream';
import { CheckpointRecorder } from '@weir/stream/testing';
import { count, processingTimeHoppingWindow, processingTimeSessionWindow, processingTimeTumblingWindow, type WindowOperator } from '@weir/window';
import type { VirtualTimeScheduler } from 'rxjs';
import { PtDriver, advanceTo, clockAt } from './processingTimeClock';

type Kind = { type: 'tumbling'; size: number; offset: number } | { type: 'hopping'; size: number; slide: number } | { type: 'session'; gap: number };

interface Plan {
  readonly kind: Kind;
  /** (delay since the previous arrival, key) */
  readonly events: ReadonlyArray<readonly [number, string]>;
  /** Barrier and restore after this many events, with this much downtime; undefined: none. */
  readonly cut: number | undefined;
  readonly downtime: number;
  /** Complete the input at the last arrival (open windows flush) rather than after every window fired. */
  readonly completeEarly: boolean;
}

const kindArb: fc.Arbitrary<Kind> = fc.oneof(
  fc.record({ type: fc.constant('tumbling' as const), size: fc.integer({ min: 1, max: 20 }), offset: fc.integer({ min: -5, max: 5 }) }),
  fc.record({ type: fc.constant('hopping' as const), size: fc.integer({ min: 1, max: 20 }), slide: fc.integer({ min: 1, max: 10 }) }),
  fc.record({ type: fc.constant('session' as const), gap: fc.integer({ min: 1, max: 12 }) }),
);

const planArb: fc.Arbitrary<Plan> = fc
  .record({
    kind: kindArb,
    events: fc.array(fc.tuple(fc.integer({ min: 0, max: 8 }), fc.constantFrom('a', 'b', 'c')), { maxLength: 40 }),
    cutAt: fc.option(fc.double({ min: 0, max: 1, noNaN: true })),
    downtime: fc.integer({ min: 0, max: 30 }),
    completeEarly: fc.boolean(),
  })
  .map(({ cutAt, ...p }) => ({ ...p, cut: cutAt === null ? undefined : Math.floor(cutAt * p.events.length) }));

function make(kind: Kind, store: StateStore, scheduler: VirtualTimeScheduler, checkpoint?: CheckpointRecorder): WindowOperator<string, string, number> {
  const common = { key: (k: string) => k, aggregate: count(), store, name: 'pt', scheduler, ...(checkpoint ? { checkpoint } : {}) };
  if (kind.type === 'tumbling') return processingTimeTumblingWindow({ size: kind.size, offset: kind.offset, ...common });
  if (kind.type === 'hopping') return processingTimeHoppingWindow({ size: kind.size, slide: kind.slide, ...common });
  return processingTimeSessionWindow({ gap: kind.gap, ...common });
}

const floorMod = (a: number, b: number): number => ((a % b) + b) % b;

/** The windows `[start, end)` holding arrival time t (tumbling, hopping). */
function windowsOf(kind: Kind, t: number): Array<[number, number]> {
  if (kind.type === 'tumbling') {
    const start = t - floorMod(t - kind.offset, kind.size);
    return [[start, start + kind.size]];
  }
  if (kind.type !== 'hopping') return [];
  const out: Array<[number, number]> = [];
  for (let start = t - floorMod(t, kind.slide); start > t - kind.size; start -= kind.slide) out.push([start, start + kind.size]);
  return out;
}

type Row = [key: string, start: number, end: number, value: number, at: number];

function model(p: Plan, times: readonly number[], fireAt: (end: number) => number): Row[] {
  const counts = new Map<string, [string, number, number, number]>();
  const bump = (key: string, start: number, end: number): void => {
    const id = `${key}|${start}|${end}`;
    const c = counts.get(id);
    if (c === undefined) counts.set(id, [key, start, end, 1]);
    else c[3]++;
  };
  if (p.kind.type === 'session') {
    const gap = p.kind.gap;
    const open = new Map<string, [number, number, number]>(); // key -> [start, last, n]
    const close = (key: string, s: [number, number, number]): void => {
      counts.set(`${key}|${s[0]}`, [key, s[0], s[1] + gap, s[2]]);
    };
    p.events.forEach(([, key], i) => {
      const t = times[i]!;
      const s = open.get(key);
      if (s !== undefined && t < s[1] + gap) {
        s[1] = t;
        s[2]++;
      } else {
        if (s !== undefined) close(key, s);
        open.set(key, [t, t, 1]);
      }
    });
    for (const [key, s] of open) close(key, s);
  } else {
    p.events.forEach(([, key], i) => {
      for (const [start, end] of windowsOf(p.kind, times[i]!)) bump(key, start, end);
    });
  }
  return [...counts.values()].map(([key, start, end, n]) => [key, start, end, n, fireAt(end)]);
}

const sortRows = (rows: Row[]): Row[] => rows.sort((x, y) => x[4] - y[4] || x[2] - y[2] || x[1] - y[1] || (x[0] < y[0] ? -1 : x[0] > y[0] ? 1 : 0));

function run(p: Plan): { rows: Row[]; expected: Row[] } {
  // arrival times: cumulative delays, shifted by the downtime after the cut
  const times: number[] = [];
  let t = 0;
  p.events.forEach(([dt], i) => {
    t += dt + (i === p.cut ? p.downtime : 0);
    times.push(t);
  });
  const cutTime = p.cut === undefined ? Number.NEGATIVE_INFINITY : p.cut === 0 ? 0 : times[p.cut - 1]!;
  const restoreTime = p.cut === undefined ? Number.NEGATIVE_INFINITY : cutTime + p.downtime;
  const last = Math.max(t, restoreTime, 0);
  const completion = p.completeEarly ? last : Number.POSITIVE_INFINITY;
  const fireAt = (end: number): number => Math.min(end <= cutTime ? end : end <= restoreTime ? restoreTime : end, completion);

  const rows: Row[] = [];
  const collect = (d: PtDriver<string, string, number>): void => {
    for (const r of d.results()) {
      expect(r.timestamp).toBe(r.end - 1);
      expect(r.kind).toBe('insert');
      rows.push([r.key, r.start, r.end, r.value, r.at]);
    }
  };
  let store: StateStore = new InMemoryStore();
  let clock = clockAt(0);
  let recorder = new CheckpointRecorder();
  let d = new PtDriver<string, string, number>(clock, make(p.kind, store, clock, recorder));
  p.events.forEach(([, key], i) => {
    if (i === p.cut) d = restart();
    d.at(times[i]!, key);
  });
  if (p.cut === p.events.length) d = restart();
  function restart(): PtDriver<string, string, number> {
    d.push(barrier(1));
    d.stop();
    expect(clock.actions).toHaveLength(0);
    collect(d);
    store = new InMemoryStore();
    store.restore(recorder.snapshotsOf(1).get('pt')!.encode());
    clock = clockAt(restoreTime);
    recorder = new CheckpointRecorder();
    return new PtDriver<string, string, number>(clock, make(p.kind, store, clock, recorder));
  }
  if (!p.completeEarly) advanceTo(clock, last + 100);
  d.input.complete();
  expect(d.completed).toBe(true);
  expect(d.error).toBeUndefined();
  collect(d);
  expect(clock.actions).toHaveLength(0);
  return { rows: sortRows(rows), expected: sortRows(model(p, times, fireAt)) };
}

describe('processing-time windows against a model of arrival-time windows', () => {
  it('count per key and window, fired at the window end (or the restore, or completion)', () => {
    fc.assert(
      fc.property(planArb, (p) => {
        const { rows, expected } = run(p);
        expect(rows).toEqual(expected);
      }),
      { numRuns: 300 },
    );
  });
});
