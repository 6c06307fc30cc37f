// The scenarios of bench/operators.bench.ts (the table of issue 15): for each, its input (built
// when the scenario runs, so only one is alive at a time) and its contenders: the weir operator
// with default options, the same with a write-back cache (a tuned row), for joins the hand-written
// operator on the same driving code, and the hand-written loop over Maps.
import type { OperatorFunction } from 'rxjs';
import { InMemoryStore } from '@weir/state';
import type { CheckpointHook, StreamElement } from '@weir/stream';
import { count, hoppingWindow, sessionWindow, tumblingWindow, type WindowResult } from '@weir/window';
import { asofJoin, intervalJoin, lookupJoin } from '@weir/join';
import { clicks, pairedStreams, tableAndStream, type Click, type Ev } from './data';
import { driveClicks, drivePairs, feedClicks, feedPairs, type JoinOf, type Pace } from './feed';
import { handHopping, handSession, handTumbling, type HandWindow, type WindowOut } from './handWindows';
import { handAsofBackward, handInterval, handLookup, type HandJoin, type JoinOut } from './handJoins';
import { handJoinOperator } from './handJoinOperator';
import type { Contender } from './rounds';
import type { Tally } from './tally';

/** A contender that can also run paced (the latency runs). */
export interface PacedContender extends Contender {
  run(tally: Tally, pace?: Pace): void;
}

/** A scenario with its contenders, built for a given input size. */
export interface Scenario {
  readonly name: string;
  /** What the target ratio is measured against: the plain loop (windows) or the hand operator (joins). */
  readonly floor: 'hand loop' | 'hand operator';
  /** The target for weir with default options, x floor. */
  readonly target: number;
  /** Events processed per run (both join inputs; a lookup join's table rows included). */
  readonly events: number;
  /** What the input is, for the results file. */
  readonly input: string;
  readonly contenders: readonly PacedContender[];
  /** The hand loop: the results every other contender must match. */
  readonly reference: PacedContender;
}

/** Sizes a scenario is built for. */
export interface Size {
  readonly events: number;
  readonly keys: number;
  /** Rows of the lookup join's table. */
  readonly tableRows: number;
  /** cacheSize of the tuned rows. */
  readonly cacheSize: number;
}

// A checkpoint hook that takes part in every barrier as the coordinator does: the operator
// flushes its cache and snapshots its store (O(1), copy-on-write afterwards); the snapshot is
// then dropped, as after it is persisted.
const hook: CheckpointHook = { snapshotTaken: () => undefined };

type WindowOp = OperatorFunction<StreamElement<Click>, StreamElement<WindowResult<string, number>>>;

function windowScenario(name: string, target: number, input: Click[], describe: string, size: Size, make: (cacheSize: number) => WindowOp, hand: (out: WindowOut) => HandWindow): Scenario {
  const weir = (cacheSize: number): PacedContender => ({
    label: cacheSize === 0 ? 'weir, default options' : `weir, cacheSize ${cacheSize.toLocaleString('en')} (tuned)`,
    role: cacheSize === 0 ? 'weir' : 'weir, tuned',
    run: (tally, pace) => driveClicks(input, make(cacheSize), (r) => tally.window(r.key, r.start, r.end, r.value), pace),
  });
  const loop: PacedContender = {
    label: 'hand-written Map loop',
    role: 'hand loop',
    run: (tally, pace) => {
      const w = hand((key, start, end, value) => tally.window(key, start, end, value));
      feedClicks(input, w, pace);
      w.end();
    },
  };
  const driving: PacedContender = {
    label: 'RxJS driving alone (no operator)',
    role: 'driving only',
    run: (tally, pace) =>
      driveClicks(
        input,
        (s) => s,
        () => tally.results++,
        pace,
      ),
  };
  return { name, floor: 'hand loop', target, events: input.length, input: describe, contenders: [weir(0), weir(size.cacheSize), loop, driving], reference: loop };
}

function joinScenario<O>(name: string, target: number, left: Ev[], right: Ev[], rightFirst: boolean, describe: string, size: Size, make: (cacheSize: number) => JoinOf<O>, pair: (o: O) => { left: Ev; right: Ev }, hand: (out: JoinOut) => HandJoin): Scenario {
  const weir = (cacheSize: number): PacedContender => ({
    label: cacheSize === 0 ? 'weir, default options' : `weir, cacheSize ${cacheSize.toLocaleString('en')} (tuned)`,
    role: cacheSize === 0 ? 'weir' : 'weir, tuned',
    run: (tally, pace) =>
      drivePairs(
        left,
        right,
        rightFirst,
        make(cacheSize),
        (o) => {
          const p = pair(o);
          tally.join(p.left, p.right);
        },
        pace,
      ),
  });
  const operator: PacedContender = {
    label: 'hand-written operator, same RxJS driving',
    role: 'hand operator',
    run: (tally, pace) => drivePairs(left, right, rightFirst, handJoinOperator(hand), (p) => tally.join(p.left, p.right), pace),
  };
  const loop: PacedContender = {
    label: 'hand-written Map loop',
    role: 'hand loop',
    run: (tally, pace) => {
      const j = hand((l, r) => tally.join(l, r));
      feedPairs(left, right, rightFirst, j, pace);
      j.end();
    },
  };
  return { name, floor: 'hand operator', target, events: left.length + right.length, input: describe, contenders: [weir(0), weir(size.cacheSize), operator, loop], reference: loop };
}

const cacheOf = (cacheSize: number): { cacheSize?: number } => (cacheSize === 0 ? {} : { cacheSize });
const byKey = (c: Click): string => c.key;
const evKey = (e: Ev): number => e.key;

/** The names of the scenarios, in the order. */
export const SCENARIOS = ['tumbling 10 s, in order', 'tumbling 10 s, 5% out of order', 'hopping 60 s / 10 s', 'session, 30 s gap', 'interval join, inner, +-5 s', 'as-of join, backward', 'lookup join, 100k-row table'] as const;

/** Builds scenario `name` (one of {@link SCENARIOS}) for `size`, generating its input. */
export function buildScenario(name: (typeof SCENARIOS)[number], size: Size): Scenario {
  const { events: n, keys } = size;
  switch (name) {
    case 'tumbling 10 s, in order':
    case 'tumbling 10 s, 5% out of order': {
      const ooo = name.endsWith('out of order');
      const input = clicks(n, keys, 100_000, ooo, 12345);
      const make = (cacheSize: number): WindowOp => tumblingWindow({ size: 10_000, key: byKey, aggregate: count<Click>(), store: new InMemoryStore(), checkpoint: hook, ...cacheOf(cacheSize) });
      return windowScenario(name, 1.5, input, `${n} clicks, ${keys} keys, 100 s of event time${ooo ? ', 5% up to 1 s out of order' : ''}; count`, size, make, (out) => handTumbling(10_000, out));
    }
    case 'hopping 60 s / 10 s': {
      const input = clicks(n, keys, 300_000, false, 23456);
      const make = (cacheSize: number): WindowOp => hoppingWindow({ size: 60_000, slide: 10_000, key: byKey, aggregate: count<Click>(), store: new InMemoryStore(), checkpoint: hook, ...cacheOf(cacheSize) });
      return windowScenario(name, 2, input, `${n} clicks, ${keys} keys, 300 s of event time; count`, size, make, (out) => handHopping(60_000, 10_000, out));
    }
    case 'session, 30 s gap': {
      const input = clicks(n, keys, 1_000_000, false, 34567);
      const make = (cacheSize: number): WindowOp => sessionWindow({ gap: 30_000, key: byKey, aggregate: count<Click>(), store: new InMemoryStore(), checkpoint: hook, ...cacheOf(cacheSize) });
      return windowScenario(name, 2, input, `${n} clicks, ${keys} keys, 1,000 s of event time (about 5 sessions per key); count`, size, make, (out) => handSession(30_000, out));
    }
    case 'interval join, inner, +-5 s': {
      const { left, right } = pairedStreams(n / 2, keys, 7);
      const make = (cacheSize: number): JoinOf<{ left: Ev; right: Ev }> => (right$) =>
        intervalJoin<Ev, Ev>(right$, { leftKey: evKey, rightKey: evKey, lowerBound: -5_000, upperBound: 5_000, store: new InMemoryStore(), checkpoint: hook, ...cacheOf(cacheSize) });
      return joinScenario(name, 2.5, left, right, false, `${n / 2} + ${n / 2} events, ${keys} keys, 1 event per ms per input, 80% of right events within +-4 s of a left one`, size, make, (o) => o, (out) => handInterval(-5_000, 5_000, out));
    }
    case 'as-of join, backward': {
      const { left, right } = pairedStreams(n / 2, keys, 5);
      const make = (cacheSize: number): JoinOf<{ left: Ev; right: Ev }> => (right$) =>
        asofJoin<Ev, Ev>(right$, { key: evKey, direction: 'backward', store: new InMemoryStore(), checkpoint: hook, ...cacheOf(cacheSize) });
      return joinScenario(name, 2.5, left, right, false, `${n / 2} + ${n / 2} events, ${keys} keys, 1 event per ms per input`, size, make, (o) => o, handAsofBackward);
    }
    case 'lookup join, 100k-row table': {
      const { stream, table } = tableAndStream(n, size.tableRows, 3);
      const make = (cacheSize: number): JoinOf<{ left: Ev; right: Ev }> => (table$) =>
        lookupJoin<Ev, Ev>(table$, { key: evKey, tableKey: evKey, store: new InMemoryStore(), checkpoint: hook, ...cacheOf(cacheSize) });
      return joinScenario(name, 2.5, stream, table, true, `a ${size.tableRows}-row table loaded first, then ${n} lookups (9% miss)`, size, make, (o) => o, handLookup);
    }
  }
}
