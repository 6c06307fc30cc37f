// The join benchmarks' events: a seeded generator and the arrival order with some delayed.

/** One event of either input: its join key, event time and a payload. */
export interface Ev {
  key: number;
  ts: number;
  v: number;
}

/** A seeded linear congruential generator of numbers in [0, 1): the same seed, the same run. */
export function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    return s / 2 ** 32;
  };
}

/** Arrival order: by time, with 5% of events delayed by up to `maxDelay` ms (drawn from `rand`). */
export function arrivalOrder(events: Ev[], rand: () => number, maxDelay: number): Ev[] {
  const keyed = events.map((e) => ({ e, at: e.ts + (rand() < 0.05 ? rand() * maxDelay : 0) }));
  keyed.sort((a, b) => a.at - b.at);
  return keyed.map((k) => k.e);
}
