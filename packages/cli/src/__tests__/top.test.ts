// weir top against a stand-in /status server (sampleJobStatus documents, one step per request):
// the frame, the options, and every way the read can fail. topServe.test.ts runs it against a
// real job served by serveJob.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { sampleJobStatus } from '@weir/http/testing';
import { HELP, run, statusUrlOf, topCommand, topFrame } from '../index';
import { capture } from './fixtures';

type Handler = (req: IncomingMessage, res: ServerResponse) => void;

async function listen(handler: Handler): Promise<{ server: Server; url: string }> {
  const server = createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}
const close = (server: Server): Promise<void> => new Promise((resolve) => server.close(() => resolve()));

describe('weir top', () => {
  let server: Server;
  let url: string;
  let step = 0;
  const seen: Array<{ path: string | undefined; auth: string | undefined }> = [];
  beforeAll(async () => {
    ({ server, url } = await listen((req, res) => {
      seen.push({ path: req.url, auth: req.headers.authorization });
      if (req.url !== '/status') return void res.writeHead(404).end(`no route ${req.url}`);
      if (req.headers.authorization !== 'Bearer t0ken') return void res.writeHead(401).end('a bearer token is required');
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(sampleJobStatus(step++)));
    }));
  });
  afterAll(() => close(server));
  beforeEach(() => {
    step = 0;
    seen.length = 0;
  });

  it('--once reads /status twice, an interval apart, and prints one frame with the rates between them', async () => {
    const got = await capture((io) => run(['top', url, '--token', 't0ken', '--interval', '50', '--once'], io));
    expect(got).toEqual({ code: 0, out: topFrame(sampleJobStatus(0), sampleJobStatus(1), url), err: '' });
    expect(seen).toEqual([
      { path: '/status', auth: 'Bearer t0ken' },
      { path: '/status', auth: 'Bearer t0ken' },
    ]);
    const lines = got.out.split('\n');
    expect(lines[0]).toMatch(new RegExp(`^weir top  ${url}  window-job  running  up 6.00 s  at 2026-12-05 12:00:01$`));
    // the source's rate: 100k records a second plus the sample's wobble (+7k at step 1)
    expect(got.out).toMatch(/^clicks\s+227k\s+107k\s+2026-03-29 13:00:28\s+32.0 s\s+reading$/m);
    // the operator: in, out, late and their rates (3 late records a second)
    expect(got.out).toMatch(/^views\s+227k\s+4.54k\s+15\s+107k\s+2.14k\s+3$/m);
    expect(got.out).toMatch(/^views\s+1.84k\s+201\.3 KiB$/m);
    expect(got.out).toMatch(/^CHECKPOINT\s+AGE\s+DURATION\s+STALL\s+SIZE$/m);
    expect(got.out).toMatch(/^#1\s+1\.50 s\s+200 ms\s+1\.8 ms\s+196\.8 KiB$/m);
  });

  it('shows a partitioned source per partition, with its rate, and what a worker of a partitioned job owns', () => {
    const worker = { index: 1, workers: 2, partitions: [4, 5, 6, 7], keyGroups: { start: 64, end: 128 } };
    const frame = topFrame(sampleJobStatus(0), { ...sampleJobStatus(1), worker }, url);
    expect(frame.split('\n')[3]).toBe('worker 1 of 2: partitions 4-7, key groups [64, 128)');
    expect(frame).toMatch(/^PARTITION\s+READ\s+READ\/S\s+WATERMARK\s+LAG\s+STATE$/m);
    // clicks.0 read half the source's records: 60k at step 0, 113.5k a second later
    expect(frame).toMatch(/^clicks clicks\.0\s+114k\s+53\.5k\s+2026-03-29 13:00:28\s+31\.0 s\s+active$/m);
    expect(frame).toMatch(/^clicks clicks\.2\s+2\.27k\s+1\.07k\s+.*idle$/m);
    // without the earlier status there is no rate; without partitions or a worker, neither section
    expect(topFrame(undefined, sampleJobStatus(1), url)).toMatch(/^clicks clicks\.1\s+\S+\s+–\s/m);
    const plain = sampleJobStatus(1);
    const unpartitioned = { ...plain, sources: plain.sources.map(({ partitions: _, ...s }) => s) };
    expect(topFrame(undefined, unpartitioned, url)).not.toMatch(/PARTITION|^worker /m);
    expect(topFrame(sampleJobStatus(1), { ...sampleJobStatus(2), worker: { ...worker, partitions: [0, 2] } }, url)).toMatch(/^worker 1 of 2: partitions 0, 2, key groups/m);
  });

  it('prints a frame per interval, the first without rates, until told to stop', async () => {
    const got = await capture((io) => topCommand({ url: `${url}/`, token: 't0ken', intervalMs: 20, frames: 3 }, io));
    expect(got.code).toBe(0);
    expect(got.out).toBe([topFrame(undefined, sampleJobStatus(0), `${url}/`), topFrame(sampleJobStatus(0), sampleJobStatus(1), `${url}/`), topFrame(sampleJobStatus(1), sampleJobStatus(2), `${url}/`)].join('\n'));
    expect(topFrame(undefined, sampleJobStatus(0), url)).toMatch(/^clicks\s+120k\s+–\s/m);
    const cleared = await capture((io) => topCommand({ url, token: 't0ken', intervalMs: 20, frames: 2, clear: true }, io));
    expect(cleared.out.split('\x1b[H\x1b[2J')).toHaveLength(3);
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 100);
    const stopped = await capture((io) => topCommand({ url, token: 't0ken', intervalMs: 10_000, signal: controller.signal }, io));
    expect(stopped.code).toBe(0);
    expect(stopped.out.match(/^weir top /gm)).toHaveLength(1);
  });

  it('says what is wrong with the endpoint: no token, a wrong path, no server, not a status', async () => {
    expect(await capture((io) => run(['top', url, '--once', '--interval', '1'], io))).toEqual({
      code: 1,
      out: '',
      err: `weir: ${url}/status answered 401 Unauthorized: a bearer token is required (the job has a token: pass --token)\n`,
    });
    expect((await capture((io) => run(['top', `${url}/jobs/x`, '--once', '--token', 't0ken'], io))).err).toBe(`weir: ${url}/jobs/x/status answered 404 Not Found: no route /jobs/x/status\n`);
    const gone = await listen(() => undefined);
    await close(gone.server);
    expect((await capture((io) => run(['top', gone.url, '--once'], io))).err).toMatch(new RegExp(`^weir: cannot read ${gone.url}/status: .*ECONNREFUSED`));
    const other = await listen((_req, res) => res.writeHead(200).end('{"hello":1}'));
    try {
      expect((await capture((io) => run(['top', other.url, '--once', '--interval', '1'], io))).err).toBe(`weir: ${other.url}/status answered with JSON that is not a weir job status of schema 1: "{\\"hello\\":1}"\n`);
      // without --once a failed read is a line on stderr, and the next interval tries again
      const looping = await capture((io) => topCommand({ url: other.url, intervalMs: 5, frames: 2 }, io));
      expect(looping).toEqual({ code: 0, out: '', err: `weir top: ${other.url}/status answered with JSON that is not a weir job status of schema 1: "{\\"hello\\":1}"; trying again in 5 ms\n`.repeat(2) });
    } finally {
      await close(other.server);
    }
  });

  it('checks its arguments', async () => {
    for (const text of ['top <url>', '--token <t>', '--interval <ms>', '--once']) expect(HELP).toContain(text);
    const cases: Array<[string[], string]> = [
      [['top'], 'weir top: missing <url> (usage: weir top <url>)'],
      [['top', 'a', 'b'], 'weir top: unexpected argument "b" (usage: weir top <url>)'],
      [['top', 'localhost:9464'], 'weir top: expected an http:// or https:// URL, got "localhost:9464"'],
      [['top', '127.0.0.1:9464'], 'weir top: "127.0.0.1:9464" is not a URL (expected e.g. http://127.0.0.1:9464)'],
      [['top', 'http://h/?token=x'], 'weir top: the URL takes no query or fragment (pass a token with --token), got "http://h/?token=x"'],
      [['top', 'http://h', '--interval', '0'], '--interval must be a positive integer, got "0"'],
      [['top', 'http://h', '--interval', '1s'], '--interval must be a non-negative integer, got "1s"'],
      [['top', 'http://h', '--token', 'a', '--token', 'b'], 'weir top: option --token given twice'],
      [['top', 'http://h', '--once=yes'], 'weir top: option --once takes no value'],
      [['top', 'http://h', '--json'], 'weir top: unknown option --json'],
    ];
    for (const [argv, message] of cases) expect(await capture((io) => run(argv, io))).toEqual({ code: 2, out: '', err: `weir: ${message} (see \`weir help\`)\n` });
    expect(statusUrlOf('http://127.0.0.1:9464').href).toBe('http://127.0.0.1:9464/status');
    expect(statusUrlOf('http://127.0.0.1:9464/status').href).toBe('http://127.0.0.1:9464/status');
    expect(statusUrlOf('https://h/jobs/a/').href).toBe('https://h/jobs/a/status');
    expect(await capture((io) => topCommand({ url, intervalMs: 1.5 }, io))).toEqual({ code: 1, out: '', err: 'weir: weir top: the interval must be a positive number of ms, got 1.5\n' });
  });
});
