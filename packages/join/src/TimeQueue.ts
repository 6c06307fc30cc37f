// Internal: the expiry order of a join side's rows, by (ts, seq).
//
// Rows mostly arrive in time order (bounded out-of-orderness), so the queue keeps them in two
// parts: a run sorted by arrival, which a row joins when it comes after the run's last row (O(1)),
// and a min-heap for the rows that arrive out of order (O(log k), k of them held). The earliest
// row is the earlier of the run's first and the heap's top: taking rows in order costs O(1) each
// for in-order rows instead of a heap's O(log n) with a cache miss per level. Rows that left the
// buffer meanwhile (`removed`) are skipped when they reach the front.
import { MinHeap } from './MinHeap';

/** What the queue orders: a time, a tie-breaking sequence number, and whether it is still live. */
export interface Timed {
  readonly ts: number;
  readonly seq: number;
  readonly removed: boolean;
}

const before = (a: Timed, b: Timed): boolean => a.ts < b.ts || (a.ts === b.ts && a.seq < b.seq);

export class TimeQueue<T extends Timed> {
  /** Rows in (ts, seq) order, live from `head`. */
  private run: T[] = [];
  private head = 0;
  /** Rows that came before the run's last row when they arrived. */
  private readonly behind = new MinHeap<T>(before);

  /** Adds a row. O(1) when it comes after every row in the run, else O(log k). */
  push(item: T): void {
    const run = this.run;
    const n = run.length;
    if (n === this.head || !before(item, run[n - 1]!)) run.push(item);
    else this.behind.push(item);
  }

  /** The earliest live row, or undefined. Amortised O(1) plus the removed rows it skips. */
  peek(): T | undefined {
    const run = this.run;
    while (this.head < run.length && run[this.head]!.removed) this.shift();
    let b = this.behind.peek();
    while (b !== undefined && b.removed) {
      this.behind.pop();
      b = this.behind.peek();
    }
    const a = this.head < run.length ? run[this.head] : undefined;
    if (a === undefined) return b;
    return b !== undefined && before(b, a) ? b : a;
  }

  /** Takes the earliest live row off the queue. */
  pop(): T | undefined {
    const top = this.peek();
    if (top === undefined) return undefined;
    if (this.head < this.run.length && this.run[this.head] === top) this.shift();
    else this.behind.pop();
    return top;
  }

  clear(): void {
    this.run = [];
    this.head = 0;
    this.behind.clear();
  }

  private shift(): void {
    const run = this.run;
    run[this.head++] = undefined as unknown as T; // let go of the row
    if (this.head === run.length) {
      run.length = 0;
      this.head = 0;
    } else if (this.head >= 1024 && this.head * 2 >= run.length) {
      run.copyWithin(0, this.head);
      run.length -= this.head;
      this.head = 0;
    }
  }
}
