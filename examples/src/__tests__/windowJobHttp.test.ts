// The window job with its HTTP endpoint on (what --http does): while it runs, /metrics scraped
// twice shows its counters moving, /status says it is running and names its stores, /state lists
// them, and `weir top --once` prints a frame of it. Stopped at a chosen click (between two
// checkpoints), /query/page-views?key=<page> answers each page's open minutes, and they are what
// the clicks fed so far say, less the late ones the job's own side output names, and what the job's
// output says about those minutes in the end.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { topCommand } from '@weir/cli';
import { readCommittedLines, type Source } from '@weir/checkpoint';
import type { JobStatus } from '@weir/http';
import { PAGES, generateClicks, type Click } from '../window-job/generate';
import { runWindowJob, type PageViews } from '../window-job/job';

/** The value of `series` (`name{labels}`) in Prometheus text. */
function sample(text: string, series: string): number {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  if (line === undefined) throw new Error(`no sample ${series} in\n${text}`);
  return Number(line.slice(series.length + 1));
}

/** `inner`, stopping before its `at`th value until `go()` is called (`reached` resolves there). */
function gated<T>(inner: Source<T>, at: number) {
  let reach!: () => void;
  let go!: () => void;
  const reached = new Promise<void>((r) => (reach = r));
  const gone = new Promise<void>((r) => (go = r));
  const source: Source<T> = {
    describe: () => `${inner.describe()}, stopping at value ${at}`,
    open: async (offset) => {
      if (offset !== undefined) throw new Error('gated: a fresh run only');
      const reader = await inner.open(undefined);
      let fed = 0;
      let stopped = false;
      return {
        read: async (max) => {
          if (fed === at && !stopped) {
            stopped = true;
            reach();
            await gone;
          }
          const values = await reader.read(fed < at ? Math.min(max, at - fed) : max);
          fed += values.length;
          return values;
        },
        offset: () => reader.offset(),
        close: () => reader.close?.(),
      };
    },
  };
  return { source, reached, go };
}

interface OpenMinute {
  readonly start: number;
  readonly end: number;
  readonly result: number;
  readonly fired: boolean;
}

describe('examples/window-job with --http', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'weir-window-job-http-'));
    await generateClicks(join(dir, 'data'), { events: 60_000, seed: 2 });
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('serves /metrics whose counters move while it runs, /status, /state, and weir top', async () => {
    let url: string | undefined;
    let observed: Promise<{ m1: string; m2: string; status: JobStatus; stores: unknown; top: { code: number; out: string; err: string } }> | undefined;
    const text = async (path: string): Promise<string> => {
      const res = await fetch(`${url}${path}`);
      expect(res.status).toBe(200);
      return res.text();
    };
    const observe = async () => {
      const m1 = await text('/metrics');
      let m2 = m1;
      while (sample(m2, 'weir_source_records_total{source="clicks"}') === sample(m1, 'weir_source_records_total{source="clicks"}')) {
        await new Promise((r) => setTimeout(r, 10));
        m2 = await text('/metrics');
      }
      const status = JSON.parse(await text('/status')) as JobStatus;
      const stores = JSON.parse(await text('/state')) as unknown;
      let out = '';
      let err = '';
      const code = await topCommand({ url: url!, intervalMs: 5, once: true }, { stdout: (s) => (out += s), stderr: (s) => (err += s) });
      return { m1, m2, status, stores, top: { code, out, err } };
    };
    const summary = await runWindowJob({
      input: join(dir, 'data', 'clicks.jsonl'),
      checkpoints: join(dir, 'checkpoints'),
      results: join(dir, 'results'),
      checkpointEvery: 3_000,
      http: {
        port: 0,
        onListening: (u) => {
          url = u;
          observed = observe();
        },
      },
    });
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const { m1, m2, status, stores, top } = await observed!;
    expect(summary.clicksRead).toBe(60_000);

    // two scrapes during the run: the counters moved between them, and neither saw the end
    const read = (m: string): number => sample(m, 'weir_source_records_total{source="clicks"}');
    expect(read(m2)).toBeGreaterThan(read(m1));
    expect(read(m2)).toBeLessThan(60_000);
    expect(sample(m2, 'weir_records_in_total{operator="page-views"}')).toBeGreaterThanOrEqual(sample(m1, 'weir_records_in_total{operator="page-views"}'));
    expect(m2).toMatch(/^weir_job_info\{name="window-job"\} 1$/m);

    // /status, read after the second scrape, while the job still ran
    expect(status).toMatchObject({ schema: 1, job: 'window-job', running: true });
    expect(status.sources[0]).toMatchObject({ name: 'clicks', ended: false });
    expect(status.sources[0]!.recordsRead).toBeGreaterThanOrEqual(read(m2));
    expect(status.stores.map((s) => s.name)).toEqual(expect.arrayContaining(['page-views', 'sessions', 'active-users/Europe/Berlin']));
    expect(JSON.stringify(stores)).toContain('"page-views"');

    // weir top --once against the running job
    expect(top.err).toBe('');
    expect(top.code).toBe(0);
    expect(top.out).toMatch(new RegExp(`^weir top  ${url}  window-job  running  `));
    expect(top.out).toMatch(/^clicks\s+\S+\s+\S+\s+\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\s+\S+ (ms|s)\s+(reading|ended)$/m);
    expect(top.out).toMatch(/^page-views\s+\S+\s+\S+\s+\S+\s+\S+\s+\S+\s+\S+$/m);
  }, 60_000);

  it("answers /query/page-views?key=<page> mid-run with the page's open minutes, as the input fed so far and the job's output say", async () => {
    const STOP = 31_000; // between two checkpoints (every 3,000 clicks), so the last one is older; at the end of a batch read (1,000)
    let made!: (gate: ReturnType<typeof gated<Click>>) => void;
    const gate = new Promise<ReturnType<typeof gated<Click>>>((r) => (made = r));
    let url: string | undefined;
    const lines = (await readFile(join(dir, 'data', 'clicks.jsonl'), 'utf8')).split('\n').filter((l) => l.length > 0);
    const input = lines.map((l) => JSON.parse(l) as Click);
    const id = (c: Click): string => `${c.user} ${c.ts}`;
    expect(new Set(input.map(id)).size).toBe(input.length); // a click is named by its user and time
    const results = join(dir, 'results-query');
    const running = runWindowJob({
      input: join(dir, 'data', 'clicks.jsonl'),
      checkpoints: join(dir, 'checkpoints-query'),
      results,
      checkpointEvery: 3_000,
      wrapSource: (inner) => {
        const g = gated(inner, STOP);
        made(g);
        return g.source;
      },
      http: { port: 0, onListening: (u) => (url = u) },
    });
    const stop = await gate;
    await stop.reached;
    const asked = new Map<string, { lastCheckpoint: number | null; answer: { key: string; watermark: number; windows: OpenMinute[] } }>();
    try {
      const status = (await (await fetch(`${url}/status`)).json()) as JobStatus;
      expect(status.sources[0]!.recordsRead).toBe(STOP);
      expect(status.queries.map((q) => q.name)).toEqual(expect.arrayContaining(['page-views', 'sessions']));
      for (const page of PAGES) {
        const res = await fetch(`${url}/query/page-views?key=${encodeURIComponent(page)}`);
        expect(res.status).toBe(200);
        asked.set(page, (await res.json()) as never);
      }
    } finally {
      stop.go();
      await running.catch(() => undefined); // a failure above still lets the job end before the next test
    }
    const summary = await running;
    expect(summary.clicksRead).toBe(60_000);

    // the job's own output, now complete: which clicks were late, and the views of each minute
    const late = new Set((await readCommittedLines(summary.results.lateClicks)).map((l) => id(JSON.parse(l) as Click)));
    const views = new Map<string, number>();
    for (const line of await readCommittedLines(summary.results.pageViews)) {
      const row = JSON.parse(line) as PageViews;
      views.set(`${row.page} ${Date.parse(row.minute)}`, row.views);
    }
    const onTime = (clicks: readonly Click[], page: string): Map<number, number> => {
      const counts = new Map<number, number>();
      for (const c of clicks) {
        if (c.page !== page || late.has(id(c))) continue;
        const minute = c.ts - (c.ts % 60_000);
        counts.set(minute, (counts.get(minute) ?? 0) + 1);
      }
      return counts;
    };
    let open = 0;
    for (const page of PAGES) {
      const { lastCheckpoint, answer } = asked.get(page)!;
      // a checkpoint's snapshot holds at most the first 30,000 clicks (none may have completed yet: triggers merge while one persists)
      expect(lastCheckpoint === null || lastCheckpoint <= STOP / 3_000).toBe(true);
      expect(answer.key).toBe(page);
      const fed = onTime(input.slice(0, STOP), page);
      // open: the minutes holding on-time clicks fed so far whose last instant the watermark has not reached
      const expected = [...fed]
        .filter(([minute]) => minute + 60_000 - 1 > answer.watermark)
        .map(([minute, n]) => ({ start: minute, end: minute + 60_000, result: n, fired: false }))
        .sort((a, b) => a.start - b.start);
      expect([page, answer.windows]).toEqual([page, expected]);
      open += answer.windows.length;
      // what the output says of them in the end: their count then, plus the on-time clicks after
      const all = onTime(input, page);
      for (const w of answer.windows) expect([page, w.start, views.get(`${page} ${w.start}`)]).toEqual([page, w.start, all.get(w.start)]);
      // and the minutes closed by then were emitted with the clicks fed so far, none after
      for (const [minute, n] of fed) if (minute + 60_000 - 1 <= answer.watermark) expect([page, minute, views.get(`${page} ${minute}`)]).toEqual([page, minute, n]);
    }
    expect(open).toBeGreaterThan(0);
  }, 60_000);
});
