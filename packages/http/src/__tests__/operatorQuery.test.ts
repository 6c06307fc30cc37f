// /query/<operator>?key=…: a window operator's open windows of a key, asked over HTTP while the
// job stands still at known offsets (between two checkpoints, so an answer from the last
// checkpoint's snapshot, or from the store behind the write-back cache, would differ), checked
// against what the job's output has said about the key by then and what the input fed so far
// says about its open windows; then the key syntax, the errors, the token and /status.
import { serveJob, type JobServer, type JobStatus } from '../index';
import { parseOperatorKey } from '../operatorQueryRequest';
import { clickJob, clicks, type Click } from './jobFixture';

async function get(server: JobServer, path: string, init?: RequestInit): Promise<{ status: number; body: unknown }> {
  const res = await fetch(`${server.url}${path}`, init);
  return { status: res.status, body: (await res.json()) as unknown };
}

interface OpenWindow {
  readonly start: number;
  readonly end: number;
  readonly result: number;
  readonly fired: boolean;
}

interface QueryAnswer {
  readonly operator: string;
  readonly kind: string;
  readonly time: number;
  readonly lastCheckpoint: number | null;
  readonly query: { readonly key: string };
  readonly answer: { readonly kind: 'windows'; readonly key: string; readonly watermark: number | string; readonly windows: OpenWindow[] };
}

const PAGES = ['p0', 'p1', 'p2', 'p3', 'p4'];
const SECOND = 1_000;

/** Per window start, how many of `fed` for `page` count in the 'views' window (every 50th click is far behind: late). */
function onTimeCounts(fed: readonly Click[], page: string): Map<number, number> {
  const counts = new Map<number, number>();
  fed.forEach((c, i) => {
    if (c.page !== page || i % 50 === 49) return;
    const start = Math.floor(c.ts / SECOND) * SECOND;
    counts.set(start, (counts.get(start) ?? 0) + 1);
  });
  return counts;
}

describe('GET /query/<operator>?key=…', () => {
  it("answers a key's open windows, live: with the windows the output emitted so far they are exactly what the input fed so far says", async () => {
    const input = clicks(6_000);
    const pauses = [1_250, 3_730]; // between checkpoints (every 500 records) and not at a batch's end (100)
    const { job, at, sink, run } = await clickJob(input, pauses);
    const server = await serveJob(job, { port: 0 });
    try {
      const done = run();
      const opens = new Map<string, OpenWindow[]>(); // page -> its open windows at the last pause
      for (const offset of pauses) {
        const pause = at(offset);
        await pause.reached;
        const fed = input.slice(0, offset);
        const emitted = [...sink.committed(), ...sink.pending(), ...sink.inProgress()]; // everything the sink received
        const lateSoFar = fed.filter((_, i) => i % 50 === 49).length;
        expect(job.view().operators().get('views')!.lateRecords).toBe(lateSoFar); // the reference's lateness is the job's
        for (const page of PAGES) {
          const r = await get(server, `/query/views?key=${page}`);
          expect(r.status).toBe(200);
          const a = r.body as QueryAnswer;
          expect(a).toMatchObject({ operator: 'views', kind: 'windows', query: { key: page }, answer: { kind: 'windows', key: page } });
          expect(a.lastCheckpoint).toBe(job.metrics.lastCompletedId ?? null);
          expect(a.lastCheckpoint).toBeLessThan(offset / 500); // the checkpoints so far are older than this point
          const wm = a.answer.watermark as number;
          expect(wm).toBe(job.view().operators().get('views')!.watermark);

          // the windows the job's output has given for this page, and the open ones the query gives:
          // together, with no overlap, every window of the page the input fed so far touched, each
          // with the count of its on-time clicks
          const expected = onTimeCounts(fed, page);
          const out = emitted.filter((w) => w.key === page);
          expect(new Set(out.map((w) => w.start)).size).toBe(out.length); // emitted once
          for (const w of out) expect([page, w.start, w.value]).toEqual([page, w.start, expected.get(w.start)]);
          for (const w of a.answer.windows) expect(out.some((o) => o.start === w.start)).toBe(false);
          const openExpected = [...expected].filter(([start]) => !out.some((o) => o.start === start)).map(([start, n]) => ({ start, end: start + SECOND, result: n, fired: false }));
          expect(a.answer.windows).toEqual(openExpected.sort((x, y) => x.start - y.start));
          // and a window is open exactly when the watermark has not reached its last instant
          for (const w of a.answer.windows) expect(w.end - 1).toBeGreaterThan(wm);
          for (const w of out) expect(w.end - 1).toBeLessThanOrEqual(wm);
          expect(a.answer.windows.length).toBeGreaterThan(0);
          opens.set(page, a.answer.windows);
        }
        pause.go();
      }
      await done;
      // what the output says in the end about the windows open at the last pause: their results
      // then, plus the on-time clicks that came after
      const final = sink.committed();
      for (const [page, windows] of opens) {
        const all = onTimeCounts(input, page);
        for (const w of windows) {
          const got = final.filter((f) => f.key === page && f.start === w.start);
          expect(got.map((f) => f.value)).toEqual([all.get(w.start)]);
          expect(all.get(w.start)!).toBeGreaterThanOrEqual(w.result);
        }
      }
      // after the end of input every window has fired and been purged
      const after = (await get(server, '/query/views?key=p0')).body as QueryAnswer;
      expect(after.answer.windows).toEqual([]);
      expect(after.answer.watermark).toBe('Infinity');
    } finally {
      await server.close();
    }
  }, 30_000);
});

describe('/query: keys, errors, the token and /status', () => {
  async function withServer(options: { token?: string }, body: (server: JobServer) => Promise<void>): Promise<void> {
    const { job, at, run } = await clickJob(clicks(400), [350]);
    const pause = at(350);
    const done = run();
    await pause.reached; // windows open
    const server = await serveJob(job, { port: 0, ...options });
    try {
      await body(server);
    } finally {
      pause.go();
      await done;
      await server.close();
    }
  }

  it('lists the queryable operators at /query and in /status; 404 naming an unknown operator; 400 for a bad key', async () => {
    await withServer({}, async (server) => {
      expect((await get(server, '/query')).body).toEqual({ operators: [{ name: 'views', kind: 'windows' }] });
      const status = (await get(server, '/status')).body as JobStatus;
      expect(status.queries).toEqual([{ name: 'views', kind: 'windows' }]);

      const p1 = (await get(server, '/query/views?key=p1')).body as QueryAnswer;
      expect(p1.answer.windows.length).toBeGreaterThan(0);
      // a quoted string is the same key; a number or bytes is another key, with no windows
      expect(((await get(server, `/query/views?key=${encodeURIComponent('"p1"')}`)).body as QueryAnswer).answer).toEqual(p1.answer);
      expect(((await get(server, '/query/views?key=7')).body as QueryAnswer).answer).toMatchObject({ key: 7, windows: [] });
      expect(((await get(server, '/query/views?key=0x0a0b')).body as QueryAnswer).answer).toMatchObject({ key: "x'0a0b'", windows: [] });
      expect(((await get(server, '/query/views?key=9223372036854775807')).body as QueryAnswer).answer).toMatchObject({ key: '9223372036854775807', windows: [] });

      const unknown = await get(server, '/query/nope?key=p1');
      expect(unknown).toEqual({ status: 404, body: { error: 'no operator "nope" in this job offers a key query (operators with a key query: "views")' } });
      const noQuery = await get(server, '/query/totals?key=p1'); // a custom operator that offers none
      expect(noQuery).toEqual({ status: 404, body: { error: 'operator "totals" offers no key query (operators with a key query: "views")' } });
      for (const [path, message] of [
        ['/query/views', /give the key to ask "views" about/],
        ['/query/views?key=', /key is empty/],
        ['/query/views?key=a&key=b', /more than once/],
        ['/query/views?key=p1&limit=3', /unknown parameter "limit"/],
        ['/query/views?key=0x123', /odd number of digits/],
        ['/query/views?key=1.5', /neither a string nor an integer/],
        ['/query/views?key=%5B%22page%22%5D', /an array; an operator key is one value/],
        ['/query/views?key=true', /neither a string nor an integer/],
        ['/query/views?key=99999999999999999999', /outside the 64-bit range/],
        ['/query/%E0%A4%A?key=1', /not valid percent-encoding/],
      ] as const) {
        const r = await get(server, path);
        expect([path, r.status]).toEqual([path, 400]);
        expect((r.body as { error: string }).error).toMatch(message);
      }
    });
  });

  it('with a token: 401 without it, 200 with it; GET only', async () => {
    await withServer({ token: 's3cret' }, async (server) => {
      expect((await get(server, '/query/views?key=p1')).status).toBe(401);
      expect((await get(server, '/query')).status).toBe(401);
      expect((await get(server, '/query/views?key=p1', { headers: { authorization: 'Bearer wrong' } })).status).toBe(401);
      const ok = await get(server, '/query/views?key=p1', { headers: { authorization: 'Bearer s3cret' } });
      expect(ok.status).toBe(200);
      expect((await get(server, '/query/views?key=p1', { method: 'POST', headers: { authorization: 'Bearer s3cret' } })).status).toBe(405);
    });
  });
});

describe('parseOperatorKey', () => {
  it('reads strings, integers, quoted strings and bytes', () => {
    expect(parseOperatorKey('home')).toBe('home');
    expect(parseOperatorKey('/product/3')).toBe('/product/3');
    expect(parseOperatorKey('007')).toBe('007'); // not JSON: the string
    expect(parseOperatorKey('-42')).toBe(-42);
    expect(parseOperatorKey('"42"')).toBe('42');
    expect(parseOperatorKey('"0x0a"')).toBe('0x0a');
    expect(parseOperatorKey('9007199254740993')).toBe(9_007_199_254_740_993n);
    expect(parseOperatorKey('-9223372036854775808')).toBe(-(2n ** 63n));
    expect(parseOperatorKey("x'ff00'")).toEqual(new Uint8Array([0xff, 0x00]));
    expect(parseOperatorKey('0x')).toEqual(new Uint8Array(0));
    expect(() => parseOperatorKey('9223372036854775808')).toThrow(/outside the 64-bit range/);
    expect(() => parseOperatorKey('{"a":1}')).toThrow(/neither a string nor an integer \(an object\)/);
    expect(() => parseOperatorKey('null')).toThrow(/\(null\)/);
  });
});
