// The window job with its HTTP endpoint on (what --http does): while it runs, /metrics scraped
// twice shows its counters moving, /status says it is running and names its stores, /state lists
// them, and `weir top --once` prints a frame of it. (That a store query answers what the job's
// output said about a key at that point is tested on a job paused at known offsets in
// packages/http/src/__tests__/serveJob.test.ts.)
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { topCommand } from '@weir/cli';
import type { JobStatus } from '@weir/http';
import { generateClicks } from '../window-job/generate';
import { runWindowJob } from '../window-job/job';

/** The value of `series` (`name{labels}`) in Prometheus text. */
function sample(text: string, series: string): number {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  if (line === undefined) throw new Error(`no sample ${series} in\n${text}`);
  return Number(line.slice(series.length + 1));
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
});
