// What every subject of bench/operators.bench.ts hands its results to: a count and an
// order-independent checksum (compared between subjects after every run), and on the small
// input of the start-up check, every result spelled out.
import type { Ev } from './data';

const P = 4_503_599_627_370_449; // modulus of the checksum (< 2^52): sums stay exact in a double

/** Results received and an order-independent checksum of them; optionally each result as a line. */
export class Tally {
  results = 0;
  checksum = 0;
  readonly lines: string[] | undefined;

  constructor(keepLines = false) {
    this.lines = keepLines ? [] : undefined;
  }

  /** A window result. */
  window(key: string, start: number, end: number, value: number): void {
    this.results++;
    this.checksum = (this.checksum + ((start % 1e7) * 131 + (end % 1e7) * 7 + value * 1_000_003 + key.charCodeAt(key.length - 1))) % P;
    this.lines?.push(`${key} ${start} ${end} ${value}`);
  }

  /** A join result. */
  join(left: Ev, right: Ev): void {
    this.results++;
    this.checksum = (this.checksum + left.v * 1_000_003 + right.v + right.key) % P;
    this.lines?.push(`${left.key}@${left.ts}#${left.v} ${right.key}@${right.ts}#${right.v}`);
  }

  /** Whether `other` received the same results (every line, when both kept them). */
  sameAs(other: Tally): boolean {
    if (this.results !== other.results || this.checksum !== other.checksum) return false;
    if (this.lines === undefined || other.lines === undefined) return true;
    const a = [...this.lines].sort();
    const b = [...other.lines].sort();
    return a.every((line, i) => line === b[i]);
  }

  /** The first differing result lines, for an error message. */
  difference(other: Tally): string {
    const a = [...(this.lines ?? [])].sort();
    const b = [...(other.lines ?? [])].sort();
    const i = a.findIndex((line, j) => line !== b[j]);
    return `${this.results} results (checksum ${this.checksum}) vs ${other.results} (checksum ${other.checksum})${i < 0 ? '' : `; first difference at #${i}: "${a[i]}" vs "${b[i] ?? '(none)'}"`}`;
  }
}
