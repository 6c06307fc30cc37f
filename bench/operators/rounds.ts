// Timing for bench/operators.bench.ts: every contender of a scenario runs once per round, in
// alternating order (forward in even rounds, backward in odd ones, so drift in the machine's load
// and heap falls on all of them alike), from a full GC when the process runs with --expose-gc;
// after every run its results are compared with the reference contender's.
import { Tally } from './tally';

/** One contender of a scenario: its label, its role, and a run feeding its results to a Tally. */
export interface Contender {
  readonly label: string;
  readonly role: 'weir' | 'weir, tuned' | 'hand operator' | 'hand loop' | 'driving only';
  /** Runs the whole input; results go to `tally` (the driving-only contender counts elements instead). */
  run(tally: Tally): void;
}

const gc = (globalThis as { gc?: () => void }).gc;

/** Runs `rounds` alternating rounds; returns each contender's milliseconds per round. */
export function alternatingRounds(scenario: string, contenders: readonly Contender[], rounds: number, reference: Contender): number[][] {
  const ms = contenders.map(() => [] as number[]);
  for (let r = 0; r < rounds; r++) {
    const order = contenders.map((_, i) => (r % 2 === 0 ? i : contenders.length - 1 - i));
    const tallies = new Map<Contender, Tally>();
    for (const i of order) {
      const c = contenders[i]!;
      gc?.();
      const tally = new Tally();
      const t0 = performance.now();
      c.run(tally);
      ms[i]!.push(performance.now() - t0);
      tallies.set(c, tally);
    }
    const expected = tallies.get(reference)!;
    for (const c of contenders) {
      if (c.role === 'driving only') continue;
      const got = tallies.get(c)!;
      if (!got.sameAs(expected)) throw new Error(`${scenario}: ${c.label} disagrees with ${reference.label}: ${got.difference(expected)}`);
    }
    process.stdout.write('.');
  }
  return ms;
}

/** The median of `xs` (the mean of the middle two for an even count). */
export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 === 1 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

/** The median over rounds of a's time / b's time in the same round. */
export function pairedRatio(a: readonly number[], b: readonly number[]): number {
  return median(a.map((x, i) => x / b[i]!));
}
