// What the NATS job must commit, computed from the clicks in stream order with a Map and the
// watermark rule, no weir code: the example checks its results against it, and so do the tests.
import type { Click } from '../window-job/generate';

/** A message of the results stream: views of one page in one minute (UTC). */
export interface PageViews {
  readonly page: string;
  /** The minute's start, e.g. "2026-03-27T09:41:00.000Z". */
  readonly minute: string;
  readonly views: number;
}

/** The page views per page and minute (`"<page> <minute ISO>"` -> views) and the clicks too late for their minute. */
export interface ExpectedViews {
  readonly views: Map<string, number>;
  readonly late: number;
}

/** The key of a result in {@link ExpectedViews.views}. */
export function viewsKey(r: PageViews): string {
  return `${r.page} ${r.minute}`;
}

/**
 * Counts `clicks` (in the order the job reads them) per page per minute, leaving out each click at
 * or below the watermark it meets: the newest event time read before it, minus
 * `maxOutOfOrderness`, minus 1 (the rule of every weir source and operator, allowed lateness 0).
 */
export function expectedViews(clicks: Iterable<Click>, maxOutOfOrderness: number): ExpectedViews {
  const views = new Map<string, number>();
  let late = 0;
  let newest = -Infinity;
  for (const c of clicks) {
    if (c.ts <= newest - maxOutOfOrderness - 1) late++;
    else {
      const key = `${c.page} ${new Date(c.ts - (c.ts % 60_000)).toISOString()}`;
      views.set(key, (views.get(key) ?? 0) + 1);
    }
    newest = Math.max(newest, c.ts);
  }
  return { views, late };
}

/** How `got` differs from `expected`: keys missing, keys extra or counted wrongly, and keys seen twice; empty arrays when they agree. */
export function compareViews(got: readonly PageViews[], expected: ExpectedViews): { missing: string[]; wrong: string[]; duplicated: string[] } {
  const seen = new Map<string, number>();
  const duplicated: string[] = [];
  for (const r of got) {
    const k = viewsKey(r);
    if (seen.has(k)) duplicated.push(k);
    seen.set(k, r.views);
  }
  const missing = [...expected.views.keys()].filter((k) => !seen.has(k));
  const wrong = [...seen].filter(([k, v]) => expected.views.get(k) !== v).map(([k, v]) => `${k}: ${v} (expected ${expected.views.get(k) ?? 'none'})`);
  return { missing, wrong, duplicated };
}
