// The floor of the window scenarios: the same windows written by hand over Maps, with no framework
// and no store. They get the driving code's calls directly (feedClicks) and hand each result to the
// same Tally as the weir operators, when the watermark passes the window's end, as the operators
// do with their default emit mode; a final watermark (end of input) fires the rest.
import type { Click } from './data';
import type { ClickTarget } from './feed';

/** A result: key, window start, window end (exclusive), count. */
export type WindowOut = (key: string, start: number, end: number, value: number) => void;

/** A hand-written window: the driving code's calls, and `end()` at the end of input. */
export interface HandWindow extends ClickTarget {
  end(): void;
}

/** Tumbling count: per window start, a Map from key to count; fired windows are dropped. */
export function handTumbling(size: number, out: WindowOut): HandWindow {
  const windows = new Map<number, Map<string, number>>();
  let current = Number.NaN;
  let group = new Map<string, number>();
  let nextDue = Number.POSITIVE_INFINITY; // the earliest open window's last millisecond
  const fire = (wm: number): void => {
    nextDue = Number.POSITIVE_INFINITY;
    for (const [start, counts] of windows) {
      const last = start + size - 1;
      if (last <= wm) {
        for (const [key, n] of counts) out(key, start, start + size, n);
        windows.delete(start);
        if (start === current) current = Number.NaN;
      } else if (last < nextDue) nextDue = last;
    }
  };
  return {
    record(c: Click) {
      const start = c.ts - (c.ts % size);
      if (start !== current) {
        let g = windows.get(start);
        if (g === undefined) {
          windows.set(start, (g = new Map()));
          if (start + size - 1 < nextDue) nextDue = start + size - 1;
        }
        group = g;
        current = start;
      }
      group.set(c.key, (group.get(c.key) ?? 0) + 1);
    },
    watermark(w: number) {
      if (w >= nextDue) fire(w);
    },
    barrier() {},
    end() {
      fire(Number.POSITIVE_INFINITY);
    },
  };
}

/**
 * Hopping count: counts per pane of `slide` ms and key; a window fires by summing its
 * `size / slide` panes, and its first pane, needed by no later window, is dropped.
 */
export function handHopping(size: number, slide: number, out: WindowOut): HandWindow {
  const panes = new Map<number, Map<string, number>>();
  let nextWindow = Number.POSITIVE_INFINITY; // start of the earliest window not fired
  let firedAny = false;
  const fireNext = (): void => {
    const start = nextWindow;
    const sums = new Map<string, number>();
    for (let p = start; p < start + size; p += slide) {
      const pane = panes.get(p);
      if (pane !== undefined) for (const [key, n] of pane) sums.set(key, (sums.get(key) ?? 0) + n);
    }
    for (const [key, n] of sums) out(key, start, start + size, n);
    panes.delete(start);
    nextWindow += slide;
    firedAny = true;
  };
  return {
    record(c: Click) {
      const pane = c.ts - (c.ts % slide);
      if (!firedAny && pane - size + slide < nextWindow) nextWindow = pane - size + slide;
      let counts = panes.get(pane);
      if (counts === undefined) panes.set(pane, (counts = new Map()));
      counts.set(c.key, (counts.get(c.key) ?? 0) + 1);
    },
    watermark(w: number) {
      while (nextWindow + size - 1 <= w) fireNext();
    },
    barrier() {},
    end() {
      while (panes.size > 0) fireNext();
    },
  };
}

interface Session {
  readonly key: string;
  start: number;
  end: number;
  n: number;
  fired: boolean;
}

/**
 * Session count for input in time order per key: each key's open session in a Map; timers in
 * buckets of 1 s of event time by the session's last millisecond (a session extended moves to a
 * later bucket; the entry left behind is skipped). A bucket fires once the watermark has passed
 * all of it.
 */
export function handSession(gap: number, out: WindowOut): HandWindow {
  const BUCKET = 1_000;
  const open = new Map<string, Session>();
  const buckets = new Map<number, Session[]>();
  let nextBucket = Number.POSITIVE_INFINITY;
  const schedule = (s: Session): void => {
    const b = Math.floor((s.end - 1) / BUCKET);
    let list = buckets.get(b);
    if (list === undefined) buckets.set(b, (list = []));
    list.push(s);
    if (b < nextBucket) nextBucket = b;
  };
  const fireBucket = (b: number): void => {
    const list = buckets.get(b);
    if (list === undefined) return;
    buckets.delete(b);
    for (const s of list) {
      if (s.fired || Math.floor((s.end - 1) / BUCKET) !== b) continue; // fired, or moved on
      s.fired = true;
      out(s.key, s.start, s.end, s.n);
      if (open.get(s.key) === s) open.delete(s.key);
    }
  };
  const fireUpTo = (lastBucket: number): void => {
    for (; nextBucket <= lastBucket; nextBucket++) fireBucket(nextBucket);
  };
  return {
    record(c: Click) {
      const s = open.get(c.key);
      if (s !== undefined && c.ts < s.end) {
        if (c.ts < s.start) throw new Error('handSession expects each key in time order');
        s.n++;
        if (c.ts + gap > s.end) {
          s.end = c.ts + gap;
          schedule(s);
        }
        return;
      }
      const created: Session = { key: c.key, start: c.ts, end: c.ts + gap, n: 1, fired: false };
      open.set(c.key, created);
      schedule(created);
    },
    watermark(w: number) {
      // bucket b holds last milliseconds up to (b + 1) * BUCKET - 1
      const last = Math.floor((w + 1) / BUCKET) - 1;
      if (last >= nextBucket) fireUpTo(last);
    },
    barrier() {},
    end() {
      const keys = [...buckets.keys()].sort((a, b) => a - b);
      for (const b of keys) fireBucket(b);
    },
  };
}
