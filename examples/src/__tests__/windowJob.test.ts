// Runs the window job end to end on a small click stream and checks every output against a plain
// computation over the generated file: a Map of counts, the same watermark rule, no weir code.
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readCommittedLines } from '@weir/checkpoint';
import { generateClicks, type Click } from '../window-job/generate';
import { MAX_OUT_OF_ORDERNESS, SESSION_GAP, runWindowJob, type DailyActiveUsers, type PageViews, type Session, type WindowJobSummary } from '../window-job/job';

const EVENTS = 20_000;
const MINUTE = 60_000;

/** The local date of `ms` in `zone`, "YYYY-MM-DD" (formatters cached: they are slow to make). */
const formatters = new Map<string, Intl.DateTimeFormat>();
function dateIn(zone: string, ms: number): string {
  let f = formatters.get(zone);
  if (f === undefined) formatters.set(zone, (f = new Intl.DateTimeFormat('en-CA', { timeZone: zone, year: 'numeric', month: '2-digit', day: '2-digit' })));
  return f.format(ms);
}

interface Expected {
  pageViews: Map<string, number>; // "page minute" -> views
  late: Click[];
  sessions: string[]; // "user start end clicks", sorted
  dailyUsers: Map<string, Set<string>>; // "zone day" -> users
  lateForDay: number;
}

/** What the job must produce, computed directly from the clicks in file (arrival) order. */
function expect_(clicks: readonly Click[]): Expected {
  const pageViews = new Map<string, number>();
  const late: Click[] = [];
  const dailyUsers = new Map<string, Set<string>>();
  let lateForDay = 0;
  // The watermark a click meets: the newest event time read before it, minus the bound, minus 1.
  let newest = -Infinity;
  for (const c of clicks) {
    const watermark = newest - MAX_OUT_OF_ORDERNESS - 1;
    const minute = c.ts - (c.ts % MINUTE);
    // The lateness rule (allowed lateness 0): late when at or below the watermark, for its minute
    // and for its day alike.
    const isLate = c.ts <= watermark;
    if (isLate) late.push(c);
    else pageViews.set(`${c.page} ${minute}`, (pageViews.get(`${c.page} ${minute}`) ?? 0) + 1);
    const day = dateIn(c.tz, c.ts);
    if (isLate) lateForDay++;
    else dailyUsers.set(`${c.tz} ${day}`, (dailyUsers.get(`${c.tz} ${day}`) ?? new Set<string>()).add(c.user));
    newest = Math.max(newest, c.ts);
  }
  // Sessions: each user's clicks in time order, split where two are more than the gap apart.
  const byUser = new Map<string, number[]>();
  for (const c of clicks) {
    const times = byUser.get(c.user);
    if (times === undefined) byUser.set(c.user, [c.ts]);
    else times.push(c.ts);
  }
  const sessions: string[] = [];
  for (const [user, times] of byUser) {
    times.sort((a, b) => a - b);
    let first = 0;
    for (let i = 1; i <= times.length; i++) {
      if (i === times.length || times[i]! - times[i - 1]! > SESSION_GAP) {
        sessions.push(`${user} ${times[first]} ${times[i - 1]! + SESSION_GAP} ${i - first}`);
        first = i;
      }
    }
  }
  return { pageViews, late, sessions: sessions.sort(), dailyUsers, lateForDay };
}

async function lines<T>(dir: string): Promise<T[]> {
  return (await readCommittedLines(dir)).map((line) => JSON.parse(line) as T);
}

describe('examples/window-job', () => {
  let dir: string;
  let clicks: Click[];
  let expected: Expected;
  let first: WindowJobSummary;
  const run = (): Promise<WindowJobSummary> =>
    runWindowJob({ input: join(dir, 'data', 'clicks.jsonl'), checkpoints: join(dir, 'checkpoints'), results: join(dir, 'results'), checkpointEvery: 3_000 });

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'weir-window-job-'));
    // Seed 2: among its 20k clicks, ~100 (phones back online) arrive behind the watermark: late for
    // their minute and their day, within the sessions' allowed lateness.
    await generateClicks(join(dir, 'data'), { events: EVENTS, seed: 2 });
    clicks = (await readFile(join(dir, 'data', 'clicks.jsonl'), 'utf8')).trim().split('\n').map((line) => JSON.parse(line) as Click);
    expected = expect_(clicks);
    first = await run();
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('reads every click once, fresh, checkpointing along the way', () => {
    expect(clicks).toHaveLength(EVENTS);
    expect(first.resumedFrom).toBeUndefined();
    expect(first.clicksRead).toBe(EVENTS);
    // at least one checkpoint before the final one (due ones wait while one is in flight)
    expect(first.lastCheckpoint).toBeGreaterThanOrEqual(2);
  });

  it('counts page views per page per minute', async () => {
    const rows = await lines<PageViews>(first.results.pageViews);
    const got = new Map(rows.map((r) => [`${r.page} ${Date.parse(r.minute)}`, r.views]));
    expect(got.size).toBe(rows.length); // one row per page and minute
    expect(got).toEqual(expected.pageViews);
  });

  it('writes the clicks too late for their minute to the side output, in arrival order', async () => {
    expect(expected.late.length).toBeGreaterThan(0); // the data has some
    expect(await lines<Click>(first.results.lateClicks)).toEqual(expected.late);
    expect(first.late.pageViews).toBe(expected.late.length);
  });

  it('finds the sessions (30 minutes of inactivity end one)', async () => {
    expect(first.late.sessions).toBe(0); // no click is more than the sessions' allowed lateness late, so every click is in a session
    const rows = await lines<Session>(first.results.sessions);
    expect(rows.map((s) => `${s.user} ${Date.parse(s.start)} ${Date.parse(s.end)} ${s.clicks}`).sort()).toEqual(expected.sessions);
  });

  it('counts daily active users per time zone, on local (DST-aware) days', async () => {
    const rows = await lines<DailyActiveUsers>(first.results.dailyUsers);
    const got = new Map(rows.map((r) => [`${r.zone} ${r.day}`, r.users]));
    expect(got.size).toBe(rows.length);
    expect(got).toEqual(new Map([...expected.dailyUsers].map(([k, users]) => [k, users.size])));
    // Berlin's clocks go forward on 29 March 2026: that local day has 23 hours.
    for (const r of rows) expect(r.hours).toBe(r.zone === 'Europe/Berlin' && r.day === '2026-03-29' ? 23 : 24);
    expect(expected.lateForDay).toBeGreaterThan(0); // the data has clicks behind the watermark
    expect(first.late.dailyUsers).toBe(expected.lateForDay);
  });

  it('resumes from its last checkpoint when run again: nothing to do, nothing written twice', async () => {
    const before = await Promise.all(Object.values(first.results).map((d) => readCommittedLines(d)));
    const second = await run();
    expect(second.resumedFrom).toBe(first.lastCheckpoint);
    expect(second.clicksRead).toBe(0);
    const after = await Promise.all(Object.values(second.results).map((d) => readCommittedLines(d)));
    expect(after).toEqual(before);
  });

  it('resumes a run stopped after an earlier checkpoint, and its output is the same as an uninterrupted run', async () => {
    const before = await Promise.all(Object.values(first.results).map((d) => readCommittedLines(d)));
    // As if the job had died just after an earlier checkpoint: drop the two newest (chk-<id> dirs).
    const checkpoints = (await readdir(join(dir, 'checkpoints'))).filter((name) => name.startsWith('chk-')).sort();
    expect(checkpoints.length).toBeGreaterThanOrEqual(3);
    for (const name of checkpoints.slice(-2)) await rm(join(dir, 'checkpoints', name), { recursive: true });
    const resumed = await run();
    expect(resumed.resumedFrom).toBe(Number(checkpoints.at(-3)!.slice(4)));
    expect(resumed.clicksRead).toBeGreaterThan(0);
    expect(resumed.clicksRead).toBeLessThan(EVENTS);
    const after = await Promise.all(Object.values(resumed.results).map((d) => readCommittedLines(d)));
    expect(after).toEqual(before);
  });
});
