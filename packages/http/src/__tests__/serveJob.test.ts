import { register } from 'prom-client';
import { HttpError, serveJob, type JobServer, type JobStatus } from '../index';
import { clickJob, clicks, totalKey } from './jobFixture';

/** The value of a sample in Prometheus text: `name{labels} value`. */
function sample(text: string, series: string): number {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  if (line === undefined) throw new Error(`no sample ${series} in\n${text}`);
  return Number(line.slice(series.length + 1));
}

async function get(server: JobServer, path: string, init?: RequestInit): Promise<{ status: number; body: string; type: string | null }> {
  const res = await fetch(`${server.url}${path}`, init);
  return { status: res.status, body: await res.text(), type: res.headers.get('content-type') };
}

describe('serveJob: a running job', () => {
  it('serves /metrics whose counters move, /status, and store queries equal to what the output said at that point', async () => {
    const input = clicks(6_000);
    const { job, at, lastTotal, run } = await clickJob(input, [2_000, 4_000]);
    const server = await serveJob(job, { port: 0, name: 'clicks-job' });
    try {
      expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      const done = run();
      const scrapes: string[] = [];
      const statuses: JobStatus[] = [];
      for (const offset of [2_000, 4_000]) {
        const pause = at(offset);
        await pause.reached;
        const metrics = await get(server, '/metrics');
        expect(metrics.status).toBe(200);
        expect(metrics.type).toMatch(/^text\/plain/);
        scrapes.push(metrics.body);
        const status = await get(server, '/status');
        expect(status.type).toMatch(/^application\/json/);
        statuses.push(JSON.parse(status.body) as JobStatus);
        // every page's count in the store is what the job's output said last about that page
        for (const page of ['p0', 'p1', 'p2', 'p3', 'p4']) {
          const q = await get(server, `/state/totals?key=${encodeURIComponent(JSON.stringify(['page', page]))}`);
          expect(q.status).toBe(200);
          const body = JSON.parse(q.body) as { found: boolean; entries: Array<{ value: unknown; keyText: string; keyHex: string }> };
          expect(body.found).toBe(true);
          expect(body.entries[0]!.value).toBe(lastTotal.get(page));
          expect(body.entries[0]!.keyText).toBe(`("page", "${page}")`);
          expect(body.entries[0]!.keyHex).toBe(Buffer.from(totalKey(page)).toString('hex'));
        }
        const counted = [...lastTotal.values()].reduce((a, b) => a + b, 0);
        expect(counted).toBe(offset);
        pause.go();
      }
      await done;

      const [m1, m2] = scrapes as [string, string];
      expect(sample(m1, 'weir_source_records_total{source="clicks"}')).toBe(2_000);
      expect(sample(m2, 'weir_source_records_total{source="clicks"}')).toBe(4_000);
      expect(sample(m1, 'weir_records_in_total{operator="totals"}')).toBe(2_000);
      expect(sample(m2, 'weir_records_in_total{operator="totals"}')).toBe(4_000);
      expect(sample(m2, 'weir_records_out_total{operator="totals"}')).toBe(4_000);
      expect(sample(m2, 'weir_records_in_total{operator="views"}')).toBe(4_000);
      expect(sample(m2, 'weir_records_late_total{operator="views"}')).toBeGreaterThan(sample(m1, 'weir_records_late_total{operator="views"}'));
      expect(sample(m2, 'weir_checkpoints_completed_total')).toBeGreaterThan(sample(m1, 'weir_checkpoints_completed_total'));
      expect(sample(m2, 'weir_store_entries{store="totals"}')).toBe(6); // five pages and the meta entry
      expect(sample(m2, 'weir_checkpoint_size_bytes')).toBeGreaterThan(0);
      expect(sample(m2, 'weir_checkpoint_age_seconds')).toBeGreaterThanOrEqual(0);
      expect(sample(m2, 'weir_watermark_lag_seconds{source="clicks"}')).toBeGreaterThan(0);
      expect(m2).toMatch(/^weir_job_info\{name="clicks-job"\} 1$/m);
      expect(register.getMetricsAsArray()).toEqual([]); // a registry of its own, never prom-client's global one
      for (const name of ['weir_checkpoints_failed_total', 'weir_checkpoint_duration_seconds', 'weir_checkpoint_stall_seconds', 'weir_store_bytes', 'nodejs_heap_size_used_bytes', 'process_resident_memory_bytes', 'nodejs_gc_duration_seconds']) {
        expect(m2).toContain(`# TYPE ${name} `);
      }

      const [s1, s2] = statuses as [JobStatus, JobStatus];
      expect(s1).toMatchObject({ schema: 1, job: 'clicks-job', running: true });
      expect(s1.sources).toEqual([{ name: 'clicks', recordsRead: 2_000, watermark: expect.any(Number), maxTimestamp: Math.max(...input.slice(0, 2_000).map((c) => c.ts)), watermarkLagMs: expect.any(Number), ended: false }]);
      expect(s2.sources[0]!.recordsRead).toBe(4_000);
      expect(s2.operators.map((o) => o.name).sort()).toEqual(['totals', 'views']); // in the order they subscribed
      const op = (name: string) => s2.operators.find((o) => o.name === name)!;
      expect(op('totals')).toMatchObject({ recordsIn: 4_000, recordsOut: 4_000, lateRecords: 0, stateEntries: 6 });
      expect(op('views').lateRecords).toBeGreaterThan(0);
      expect(s2.stores.map((s) => s.name)).toEqual(['totals', 'views']);
      expect(s2.checkpoints.completed).toBeGreaterThan(s1.checkpoints.completed);
      expect(s2.checkpoints.last).toEqual(s2.checkpoints.recent[s2.checkpoints.recent.length - 1]);
      expect(s2.checkpoints.last).toMatchObject({ id: expect.any(Number), ageMs: expect.any(Number), durationMs: expect.any(Number), stallMs: expect.any(Number), sizeBytes: expect.any(Number) });
      expect(s2.process.heapUsedBytes).toBeGreaterThan(0);
      expect(s2.time).toBeGreaterThanOrEqual(s1.time);

      const after = JSON.parse((await get(server, '/status')).body) as JobStatus;
      expect(after.running).toBe(false);
      expect(after.sources[0]).toMatchObject({ recordsRead: 6_000, ended: true, watermark: null, watermarkLagMs: 0 });
    } finally {
      await server.close();
    }
  }, 30_000);
});

describe('serveJob: requests', () => {
  async function withServer(options: { token?: string }, body: (server: JobServer) => Promise<void>): Promise<void> {
    const { job, run } = await clickJob(clicks(300), []);
    await run();
    const server = await serveJob(job, { port: 0, ...options });
    try {
      await body(server);
    } finally {
      await server.close();
    }
  }

  it('queries: prefix, range, limit, the store list; 400 for malformed queries, 404 naming an unknown store', async () => {
    await withServer({}, async (server) => {
      const list = JSON.parse((await get(server, '/state')).body) as { stores: Array<{ name: string; entries: number }> };
      expect(list.stores.map((s) => s.name)).toEqual(['totals', 'views']);
      const prefix = JSON.parse((await get(server, `/state/totals?prefix=${encodeURIComponent('["page"]')}&limit=3`)).body) as { truncated: boolean; entries: Array<{ keyText: string }> };
      expect(prefix.entries.map((e) => e.keyText)).toEqual(['("page", "p0")', '("page", "p1")', '("page", "p2")']);
      expect(prefix.truncated).toBe(true);
      const hexFrom = Buffer.from(totalKey('p3')).toString('hex');
      const range = JSON.parse((await get(server, `/state/totals?from=0x${hexFrom}&to=${encodeURIComponent('["page","p4"]')}`)).body) as { truncated: boolean; entries: Array<{ keyText: string; value: number }> };
      expect(range.entries.map((e) => e.keyText)).toEqual(['("page", "p3")']);
      expect(range.truncated).toBe(false);
      const all = JSON.parse((await get(server, '/state/views')).body) as { entries: Array<{ keyDecoded: { kind: string; operator?: string } }> };
      expect(all.entries[0]!.keyDecoded).toMatchObject({ kind: 'operator', operator: 'views' });
      const missing = JSON.parse((await get(server, '/state/totals?key=nothing')).body) as { found: boolean; entries: unknown[] };
      expect(missing).toMatchObject({ store: 'totals', time: expect.any(Number), lastCheckpoint: expect.any(Number), storeEntries: 6, found: false, entries: [] });

      for (const [path, message] of [
        ['/state/totals?key=0x123', /odd number of digits/],
        ['/state/totals?key=%5B1.5%5D', /JSON array of strings and integers/],
        ['/state/totals?key=%5Bnope', /not a JSON array/],
        ['/state/totals?prefix=a&key=b', /one of key, prefix or from\/to/],
        ['/state/totals?limit=0', /limit must be an integer in \[1, 10000\]/],
        ['/state/totals?limit=x', /limit must be/],
        ['/state/totals?colour=red', /unknown parameter "colour"/],
        ['/state/totals?key=a&key=b', /more than once/],
      ] as const) {
        const r = await get(server, path);
        expect([path, r.status]).toEqual([path, 400]);
        expect((JSON.parse(r.body) as { error: string }).error).toMatch(message);
      }
      const unknown = await get(server, '/state/nope');
      expect(unknown.status).toBe(404);
      expect((JSON.parse(unknown.body) as { error: string }).error).toBe('no store "nope" in this job (stores: "totals", "views")');
      expect((await get(server, '/nowhere')).status).toBe(404);
      const page = await get(server, '/');
      expect(page.status).toBe(200);
      expect(page.type).toMatch(/^text\/html/);
    });
  });

  it('is read-only: 405 for any method but GET', async () => {
    await withServer({}, async (server) => {
      for (const method of ['POST', 'PUT', 'DELETE', 'PATCH']) {
        const r = await get(server, '/state/totals', { method });
        expect([method, r.status]).toEqual([method, 405]);
      }
    });
  });

  it('with a token: 401 without it or with a wrong one, 200 with it', async () => {
    await withServer({ token: 's3cret' }, async (server) => {
      for (const path of ['/status', '/metrics', '/state', '/state/totals', '/nowhere']) {
        expect([path, (await get(server, path)).status]).toEqual([path, 401]);
        expect([path, (await get(server, path, { headers: { authorization: 'Bearer wrong!' } })).status]).toEqual([path, 401]);
      }
      for (const path of ['/status', '/metrics', '/state/totals']) {
        expect([path, (await get(server, path, { headers: { authorization: 'Bearer s3cret' } })).status]).toEqual([path, 200]);
      }
      // the page holds no job data (it asks /status with the token of its #token= fragment): a browser can open it
      const page = await get(server, '/');
      expect(page.status).toBe(200);
      expect(page.body).not.toContain('totals');
      expect((await get(server, '/status', { method: 'POST' })).status).toBe(401);
      expect((await get(server, '/', { method: 'POST' })).status).toBe(401);
    });
  });

  it('checks its options: unknown keys, bad values; binds 127.0.0.1 unless told otherwise', async () => {
    const { job } = await clickJob(clicks(10), []);
    const fail = (options: unknown) => serveJob(job, options as never);
    await expect(fail({ port: 0, tokn: 'x' })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT', message: expect.stringContaining('unknown option `tokn` (did you mean `token`?)') });
    await expect(fail({ port: -1 })).rejects.toBeInstanceOf(HttpError);
    await expect(fail({ port: 0, token: '' })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    await expect(fail(undefined)).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    await expect(serveJob({} as never, { port: 0 })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    const server = await serveJob(job, { port: 0 });
    try {
      expect(server.url).toBe(`http://127.0.0.1:${server.port}`);
      await expect(serveJob(job, { port: server.port })).rejects.toMatchObject({ code: 'LISTEN' });
    } finally {
      await server.close();
    }
  });
});
