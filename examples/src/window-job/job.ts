// The window job. Clicks come in from a JSON Lines file, in arrival order; out come
//   - page views per page per minute  (tumbling window, 1 minute),
//   - user sessions                   (session window, 30 minutes of inactivity end one),
//   - daily active users per zone     (calendar window: the user's local day, DST included),
//   - late clicks                     (too late for their minute: a side output),
// each a directory of JSON Lines files. State is checkpointed to a local directory, so a job
// that stops (or crashes) resumes from its last checkpoint, and every result is written once.
import { join } from 'node:path';
import { share } from 'rxjs';
import { CheckpointCoordinator, FileCheckpointStorage, jsonLinesSink, jsonLinesSource, type Source } from '@weir/checkpoint';
import { filterRecords, mapRecords, mergeIndexedEventStreams } from '@weir/stream';
import { calendarWindow, count, sessionWindow, tumblingWindow } from '@weir/window';
import { servingWhileRunning, type HttpEndpoint } from '../common/httpEndpoint';
import { InputMeter, type Progress } from '../common/status';
import { SideOutput } from '../common/sideOutput';
import { ZONES, type Click } from './generate';

/** How far out of order clicks may arrive and still count: the watermark trails the newest click by this. */
export const MAX_OUT_OF_ORDERNESS = 30_000;
/** Inactivity that ends a session. */
export const SESSION_GAP = 30 * 60_000;
/** How far behind the watermark a click still joins its session: the slowest clients' delay (10 minutes). */
export const SESSION_LATENESS = 10 * 60_000;

/** A line of `page-views/`: views of one page in one minute (UTC). */
export interface PageViews {
  readonly page: string;
  /** The minute's start, e.g. "2026-03-27T09:41:00.000Z". */
  readonly minute: string;
  readonly views: number;
}

/** A line of `sessions/`: one session of one user, from its first click to its last plus the gap. */
export interface Session {
  readonly user: string;
  readonly start: string;
  readonly end: string;
  readonly clicks: number;
}

/** A line of `daily-active-users/`: distinct users of a time zone on one of its local days. */
export interface DailyActiveUsers {
  readonly zone: string;
  /** The local date, e.g. "2026-03-29". */
  readonly day: string;
  /** The local day's length: 24, or 23 / 25 when the clocks change. */
  readonly hours: number;
  readonly users: number;
}

export interface WindowJobOptions {
  /** The click stream (see generate.ts). */
  readonly input: string;
  /** Where checkpoints go; a job resumes from the newest one in it. */
  readonly checkpoints: string;
  /** Where the result directories go. */
  readonly results: string;
  /** Checkpoint every this many clicks; default 100,000 (and always at the end). */
  readonly checkpointEvery?: number;
  /** Called when the job starts, with a function that reads its progress (for a status line). */
  readonly onStart?: (progress: () => Progress) => void;
  /** Receives what the coordinator reports (the checkpoint it restores, corrupt ones it skips). */
  readonly log?: (message: string) => void;
  /** Serve /metrics, /status, the live page and the stores here while the job runs (`--http`). */
  readonly http?: HttpEndpoint;
  /** Wraps the source of the clicks (tests: one that stops at a chosen click until told to go on). */
  readonly wrapSource?: (source: Source<Click>) => Source<Click>;
}

export interface WindowJobSummary {
  /** The checkpoint this run resumed from (`undefined`: it started fresh). */
  readonly resumedFrom: number | undefined;
  /** Clicks read by this run (0 when it resumed after the end of the input). */
  readonly clicksRead: number;
  readonly lastCheckpoint: number | undefined;
  /** Encoded bytes of the last checkpoint's state. */
  readonly checkpointBytes: number;
  /** Clicks of this run too late for their minute, their session, their day. */
  readonly late: { readonly pageViews: number; readonly sessions: number; readonly dailyUsers: number };
  /** The result directories (JSON Lines, one file per checkpoint). */
  readonly results: { readonly pageViews: string; readonly sessions: string; readonly dailyUsers: string; readonly lateClicks: string };
}

export async function runWindowJob(options: WindowJobOptions): Promise<WindowJobSummary> {
  const results = {
    pageViews: join(options.results, 'page-views'),
    sessions: join(options.results, 'sessions'),
    dailyUsers: join(options.results, 'daily-active-users'),
    lateClicks: join(options.results, 'late-clicks'),
  };
  // Restores the newest checkpoint in the directory, if there is one.
  const job = await CheckpointCoordinator.open({
    storage: new FileCheckpointStorage(options.checkpoints),
    interval: { events: options.checkpointEvery ?? 100_000 },
    ...(options.log === undefined ? {} : { log: options.log }),
  });

  // The source: event time is the click's `ts`; clicks up to 30 s out of order are on time.
  // Several branches read it, so it is shared; the meter counts clicks for the status line.
  // (Shared branches see each record in turn, so they see checkpoint barriers at the same point.)
  const meter = new InputMeter();
  const clicks$ = job
    .source('clicks', (options.wrapSource ?? ((s) => s))(jsonLinesSource<Click>(options.input)), { timestamp: (c) => c.ts, maxOutOfOrderness: MAX_OUT_OF_ORDERNESS })
    .pipe(meter.count(), share());

  // 1. Page views per page per minute. A click at or below the watermark when it arrives is late
  //    (the lateness rule of every operator): it goes to the side output instead. (The daily
  //    windows judge it the same way, and the sessions wait for it, so the side output has every
  //    click missing from any result.)
  const lateClicks = new SideOutput<Click>();
  const pageViews = tumblingWindow({
    size: 60_000,
    key: (c: Click) => c.page,
    aggregate: count(),
    onLate: lateClicks.add,
    cacheSize: 10_000, // let counters change in memory between checkpoints (much faster than writing every click through)
    store: job.store('page-views'),
    name: 'page-views',
    checkpoint: job, // every stateful operator takes part in checkpoints
  });
  const pageViews$ = clicks$.pipe(pageViews, share()); // shared: the side output follows its barriers
  const pageViewRows$ = pageViews$.pipe(mapRecords((r): PageViews => ({ page: r.key, minute: new Date(r.start).toISOString(), views: r.value })));

  // 2. Sessions: a user's clicks at most 30 minutes apart, emitted once, when 30 minutes have
  //    passed (in event time) after the last one and 10 more for clicks that arrive late.
  const sessions = sessionWindow({
    gap: SESSION_GAP,
    emit: 'final',
    allowedLateness: SESSION_LATENESS,
    key: (c: Click) => c.user,
    aggregate: count(),
    cacheSize: 20_000,
    store: job.store('sessions'),
    name: 'sessions',
    checkpoint: job,
  });
  const sessionRows$ = clicks$.pipe(
    sessions,
    mapRecords((r): Session => ({ user: r.key, start: new Date(r.start).toISOString(), end: new Date(r.end).toISOString(), clicks: r.value })),
  );

  // 3. Daily active users per time zone. A calendar window follows one zone's calendar, so each
  //    zone gets its own pair: the first counts each user's clicks per local day (one result per
  //    user and day), the second counts those results per day. The first window's results carry
  //    the last millisecond of their day as their time, so they land in the same day of the second,
  //    and they are never late there: a window emits its results before it forwards the
  //    watermark that closed it.
  const activeUsers = ZONES.map((zone) =>
    calendarWindow({
      unit: 'day',
      timeZone: zone,
      key: (c: Click) => c.user,
      aggregate: count(),
      cacheSize: 20_000,
      store: job.store(`active-users/${zone}`),
      name: `active-users/${zone}`,
      checkpoint: job,
    }),
  );
  const dailyUsers = ZONES.map((zone) =>
    calendarWindow({
      unit: 'day',
      timeZone: zone,
      key: () => zone,
      aggregate: count(),
      store: job.store(`daily-users/${zone}`),
      name: `daily-users/${zone}`,
      checkpoint: job,
    }),
  );
  const dailyUserRows$ = mergeIndexedEventStreams(
    ZONES.map((zone, i) =>
      clicks$.pipe(
        filterRecords((c) => c.tz === zone),
        activeUsers[i]!,
        dailyUsers[i]!,
        mapRecords((r): DailyActiveUsers => ({ zone, day: localDate(r.start, zone), hours: (r.end - r.start) / 3_600_000, users: r.value })),
      ),
    ),
  ).pipe(mapRecords(({ value }) => value)); // one stream again (merged barriers); drop the input index

  const operators = [pageViews, sessions, ...activeUsers, ...dailyUsers];
  options.onStart?.(() => ({
    records: meter.records,
    eventTime: meter.eventTime,
    watermark: pageViews.metrics.watermark,
    storeBytes: operators.reduce((sum, op) => sum + op.metrics.storeBytes, 0),
    checkpoint: job.metrics.lastCompletedId ?? job.restoredFrom,
    checkpointBytes: job.metrics.lastSizeBytes,
    resumedFrom: job.restoredFrom,
  }));

  // Every output ends in a sink of the job: its files become visible when a checkpoint commits.
  const summary = await servingWhileRunning(job, 'window-job', options.http, () =>
    job.run(
      pageViewRows$.pipe(job.sink('page-views', jsonLinesSink(results.pageViews))),
      sessionRows$.pipe(job.sink('sessions', jsonLinesSink(results.sessions))),
      dailyUserRows$.pipe(job.sink('daily-active-users', jsonLinesSink(results.dailyUsers))),
      lateClicks.alongside(pageViews$).pipe(job.sink('late-clicks', jsonLinesSink(results.lateClicks))),
    ),
  );
  return {
    resumedFrom: summary.restoredFrom,
    clicksRead: summary.recordsRead,
    lastCheckpoint: summary.lastCheckpoint,
    checkpointBytes: summary.metrics.lastSizeBytes,
    late: {
      pageViews: pageViews.metrics.lateRecords,
      sessions: sessions.metrics.lateRecords,
      dailyUsers: activeUsers.reduce((sum, op) => sum + op.metrics.lateRecords, 0),
    },
    results,
  };
}

/** The local date ("2026-03-29") in `zone` at instant `ms`. */
export function localDate(ms: number, zone: string): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone: zone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(ms);
}
