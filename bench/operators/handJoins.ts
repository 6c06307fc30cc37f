// The joins of bench/operators.bench.ts written by hand over Maps, with no store: each a core fed
// the driving code's calls (feedPairs), used twice: directly by a plain loop (the plain-loop
// floor) and inside a hand-written RxJS operator on the same driving code as the weir operator
// (handJoinOperator.ts, the fair floor). Each computes what the weir operator emits, under the
// same watermark: the minimum of the two inputs' (the left input's alone for the lookup join).
import type { Ev } from './data';
import type { PairTarget } from './feed';

/** A join result: the left and right events and the output record's timestamp. */
export type JoinOut = (left: Ev, right: Ev, timestamp: number) => void;

/** A hand-written join core: the driving code's calls, the watermark it forwards, and the end of input. */
export interface HandJoin extends PairTarget {
  /** The watermark the join has reached (what an operator forwards). */
  readonly current: number;
  end(): void;
}

/** Tracks each input's watermark and calls `advance(w)` when their minimum rises. */
function minWatermark(advance: (w: number) => void): { on(side: 0 | 1, w: number): void; readonly current: number; end(): void } {
  const wm = [Number.NEGATIVE_INFINITY, Number.NEGATIVE_INFINITY];
  let current = Number.NEGATIVE_INFINITY;
  return {
    on(side, w) {
      if (w <= wm[side]!) return;
      wm[side] = w;
      const m = Math.min(wm[0]!, wm[1]!);
      if (m > current) {
        current = m;
        advance(m);
      }
    },
    get current() {
      return current;
    },
    end() {
      current = Number.POSITIVE_INFINITY;
      advance(current);
    },
  };
}

/**
 * Inner interval join, `right.ts - left.ts` in [lower, upper]: per side, rows by key (a small
 * array each) and a FIFO by arrival for expiry; a left row goes once the watermark reaches
 * `ts + upper`, a right row at `ts - lower`; each match is emitted when its second row arrives.
 */
export function handInterval(lower: number, upper: number, out: JoinOut): HandJoin {
  const byKey = [new Map<number, Ev[]>(), new Map<number, Ev[]>()] as const;
  const fifo: [Ev[], Ev[]] = [[], []];
  const heads = [0, 0];
  const expire = (side: 0 | 1, upTo: number): void => {
    let q = fifo[side];
    let h = heads[side]!;
    const rows = byKey[side];
    while (h < q.length && q[h]!.ts <= upTo) {
      const e = q[h++]!;
      const list = rows.get(e.key)!;
      const i = list.indexOf(e);
      list[i] = list[list.length - 1]!;
      list.pop();
      if (list.length === 0) rows.delete(e.key);
    }
    if (h > 4096 && h * 2 > q.length) {
      q = fifo[side] = q.slice(h);
      h = 0;
    }
    heads[side] = h;
  };
  const wm = minWatermark((w) => {
    expire(0, w - upper);
    expire(1, w + lower);
  });
  return {
    record(side, e) {
      const others = byKey[side === 0 ? 1 : 0].get(e.key);
      if (others !== undefined) {
        for (const o of others) {
          const d = side === 0 ? o.ts - e.ts : e.ts - o.ts; // right time - left time
          if (d >= lower && d <= upper) {
            if (side === 0) out(e, o, Math.max(e.ts, o.ts));
            else out(o, e, Math.max(e.ts, o.ts));
          }
        }
      }
      let mine = byKey[side].get(e.key);
      if (mine === undefined) byKey[side].set(e.key, (mine = []));
      mine.push(e);
      fifo[side].push(e);
    },
    watermark: (side, w) => wm.on(side, w),
    barrier() {},
    get current() {
      return wm.current;
    },
    end: () => wm.end(),
  };
}

interface Pending {
  readonly e: Ev;
  readonly seq: number;
}

/** A binary min-heap of pending left rows by (time, arrival). */
class PendingHeap {
  private readonly a: Pending[] = [];
  get size(): number {
    return this.a.length;
  }
  peek(): Pending | undefined {
    return this.a[0];
  }
  private less(x: Pending, y: Pending): boolean {
    return x.e.ts < y.e.ts || (x.e.ts === y.e.ts && x.seq < y.seq);
  }
  push(p: Pending): void {
    const a = this.a;
    let i = a.push(p) - 1;
    while (i > 0) {
      const up = (i - 1) >> 1;
      if (!this.less(p, a[up]!)) break;
      a[i] = a[up]!;
      i = up;
    }
    a[i] = p;
  }
  pop(): Pending {
    const a = this.a;
    const top = a[0]!;
    const last = a.pop()!;
    if (a.length > 0) {
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        if (l >= a.length) break;
        const c = l + 1 < a.length && this.less(a[l + 1]!, a[l]!) ? l + 1 : l;
        if (!this.less(a[c]!, last)) break;
        a[i] = a[c]!;
        i = c;
      }
      a[i] = last;
    }
    return top;
  }
}

/**
 * Inner as-of join, backward: a left row waits until the watermark reaches its time, then is
 * emitted with the latest right row of its key at or before it (a right row at the same time as
 * an earlier one replaces it). Per key, the right rows in time order; only the latest at or below
 * the watermark and those above it are kept.
 */
export function handAsofBackward(out: JoinOut): HandJoin {
  const rights = new Map<number, Ev[]>();
  const pending = new PendingHeap();
  let seq = 0;
  const floorOf = (rows: Ev[], t: number): Ev | undefined => {
    let lo = 0;
    let hi = rows.length; // first index with ts > t
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (rows[mid]!.ts <= t) lo = mid + 1;
      else hi = mid;
    }
    return lo > 0 ? rows[lo - 1] : undefined;
  };
  const wm = minWatermark((w) => {
    while (pending.size > 0 && pending.peek()!.e.ts <= w) {
      const l = pending.pop().e;
      const rows = rights.get(l.key);
      const r = rows === undefined ? undefined : floorOf(rows, l.ts);
      if (r !== undefined) out(l, r, l.ts);
    }
  });
  return {
    record(side, e) {
      if (side === 0) {
        pending.push({ e, seq: seq++ });
        return;
      }
      let rows = rights.get(e.key);
      if (rows === undefined) rights.set(e.key, (rows = []));
      let i = rows.length;
      while (i > 0 && rows[i - 1]!.ts > e.ts) i--;
      if (i > 0 && rows[i - 1]!.ts === e.ts) rows[i - 1] = e;
      else rows.splice(i, 0, e);
      const w = wm.current;
      let drop = 0;
      while (drop + 1 < rows.length && rows[drop + 1]!.ts <= w) drop++;
      if (drop > 0) rows.splice(0, drop);
    },
    watermark: (side, w) => wm.on(side, w),
    barrier() {},
    get current() {
      return wm.current;
    },
    end: () => wm.end(),
  };
}

/** Inner lookup join: the table's current row of each key in a Map, probed by each left row. */
export function handLookup(out: JoinOut): HandJoin {
  const table = new Map<number, Ev>();
  let current = Number.NEGATIVE_INFINITY;
  return {
    record(side, e) {
      if (side === 1) {
        table.set(e.key, e);
        return;
      }
      const row = table.get(e.key);
      if (row !== undefined) out(e, row, e.ts);
    },
    watermark(side, w) {
      if (side === 0 && w > current) current = w;
    },
    barrier() {},
    get current() {
      return current;
    },
    end() {
      current = Number.POSITIVE_INFINITY;
    },
  };
}
