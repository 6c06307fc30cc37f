// Record-path latency for bench/operators.bench.ts: a fixed-rate pacer for the driving code.
//
// Event i is due to leave the source at start + i / rate. The pacer spins (performance.now) until
// that moment, the driving code pushes the event (its record and the watermark it raises) through
// the pipeline, which is synchronous: when the push returns, everything the event caused (a
// window's state update, the results of windows its watermark fired, a join's matches, a barrier's
// flush) has reached the sink. The event's latency is that return time minus its due time, so an
// event that had to wait behind a slow one (a firing, a flush, a GC pause) counts its wait: the
// figures are not flattered by the source slowing down when the pipeline stalls (no coordinated
// omission). The longest push (one event's own processing time, its wait excluded) tells a stall
// of the pipeline (a window firing, a flush, a GC pause) from a queue behind it.
//
// The maximum throughput is measured with the same instrumentation, unpaced (rate Infinity): the
// pacer's own cost (two or three performance.now() calls, ~0.1 us each here) is then part of both
// runs, and a fast pipeline (a hand loop at millions of events/s) is not paced beyond what it can
// do while being timed.
import type { Pace } from './feed';

/** Latency percentiles of one paced run, microseconds. */
export interface LatencyStats {
  readonly events: number;
  /** The rate the source was paced at, events/s. */
  readonly rate: number;
  /** The rate achieved, events/s (below `rate` when the pipeline could not keep up). */
  readonly achieved: number;
  readonly p50Us: number;
  readonly p99Us: number;
  readonly p999Us: number;
  readonly maxUs: number;
  /** The longest any one event's push took, its wait excluded, microseconds. */
  readonly longestPushUs: number;
}

/** A pacer for `events` events at `rate` events/s (Infinity: as fast as it goes); `stats()` once the run is over. */
export function pacer(events: number, rate: number): { pace: Pace; stats(): LatencyStats } {
  const latency = new Float64Array(events);
  const interval = 1_000 / rate;
  let start = Number.NaN;
  let end = Number.NaN;
  let due = 0;
  let began = 0;
  let longestPush = 0;
  return {
    pace: {
      before(i) {
        if (Number.isNaN(start)) start = performance.now();
        due = start + i * interval;
        while ((began = performance.now()) < due) {
          // spin until the event is due
        }
      },
      after(i) {
        end = performance.now();
        latency[i] = end - (interval === 0 ? began : due);
        if (end - began > longestPush) longestPush = end - began;
      },
    },
    stats() {
      const sorted = latency.slice().sort();
      const at = (q: number): number => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]! * 1_000;
      return { events, rate, achieved: events / ((end - start) / 1_000), p50Us: at(0.5), p99Us: at(0.99), p999Us: at(0.999), maxUs: sorted[sorted.length - 1]! * 1_000, longestPushUs: longestPush * 1_000 };
    },
  };
}
