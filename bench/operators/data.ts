// The inputs of bench/operators.bench.ts: seeded clicks for the window scenarios and seeded pairs of
// streams for the joins, the same in every run.

/** Event time of the first event: 2026-01-01T00:00:00Z (a multiple of every window size used). */
export const T0 = Date.UTC(2026, 0, 1);
/** Bounded out-of-orderness (ms): every watermark trails the largest timestamp seen by this plus 1. */
export const BOUND = 1_000;

/** A click of the window scenarios. */
export interface Click {
  readonly key: string;
  readonly ts: number;
}

/** An event of the join scenarios: numeric join key, event time, and a number naming it. */
export interface Ev {
  readonly key: number;
  readonly ts: number;
  readonly v: number;
}

/** A seeded linear congruential generator returning numbers in [0, 1). */
export function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    return s / 2 ** 32;
  };
}

/**
 * `n` clicks spread evenly over `spanMs` of event time from {@link T0}, keys drawn uniformly from
 * `keys` strings (`user-0` ...). With `outOfOrder`, 5% of the clicks carry a timestamp up to
 * {@link BOUND} - 1 ms older than their place in the stream: within the watermark's bound, so no
 * click is late and every result is deterministic.
 */
export function clicks(n: number, keys: number, spanMs: number, outOfOrder: boolean, seed: number): Click[] {
  const rand = rng(seed);
  const names = Array.from({ length: keys }, (_, i) => `user-${i}`);
  const out: Click[] = new Array(n);
  for (let i = 0; i < n; i++) {
    let ts = T0 + Math.floor((i / n) * spanMs);
    if (outOfOrder && rand() < 0.05) ts = Math.max(T0, ts - Math.floor(rand() * (BOUND - 1)));
    out[i] = { key: names[Math.floor(rand() * keys)]!, ts };
  }
  return out;
}

/** Arrival order: by time, with 5% of events delayed by up to BOUND - 1 ms (never late). */
function arrivalOrder(events: Ev[], rand: () => number): Ev[] {
  const keyed = events.map((e) => ({ e, at: e.ts + (rand() < 0.05 ? rand() * (BOUND - 1) : 0) }));
  keyed.sort((a, b) => a.at - b.at);
  return keyed.map((k) => k.e);
}

/**
 * Two streams of `pairs` events each, one event per ms of event time per side: 80% of the right
 * events carry the key of the left event of the same index and a time within +-4 s of it, the
 * rest a random key; 5% of each side arrive out of order (within the bound).
 */
export function pairedStreams(pairs: number, keys: number, seed: number): { left: Ev[]; right: Ev[] } {
  const rand = rng(seed);
  const left: Ev[] = new Array(pairs);
  const right: Ev[] = new Array(pairs);
  for (let i = 0; i < pairs; i++) {
    const ts = T0 + 10_000 + i;
    const key = Math.floor(rand() * keys);
    left[i] = { key, ts, v: i };
    const paired = rand() < 0.8;
    right[i] = { key: paired ? key : Math.floor(rand() * keys), ts: ts + Math.floor((rand() * 2 - 1) * 4_000), v: i };
  }
  return { left: arrivalOrder(left, rand), right: arrivalOrder(right, rand) };
}

/**
 * A lookup join's inputs: a table of `tableRows` rows (keys 0 ..., loaded first, at {@link T0})
 * and `n` stream events in time order whose keys are drawn from 110% of the table's key range
 * (about 9% of the lookups miss).
 */
export function tableAndStream(n: number, tableRows: number, seed: number): { stream: Ev[]; table: Ev[] } {
  const rand = rng(seed);
  const table: Ev[] = Array.from({ length: tableRows }, (_, i) => ({ key: i, ts: T0, v: i }));
  const stream: Ev[] = Array.from({ length: n }, (_, i) => ({ key: Math.floor(rand() * tableRows * 1.1), ts: T0 + 1_000 + i, v: i }));
  return { stream, table };
}
