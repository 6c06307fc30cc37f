import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import { headers, type NatsConnection } from '@nats-io/nats-core';
import { tap } from 'rxjs';
import { CheckpointCoordinator, CheckpointError, MemoryCheckpointStorage, collectingSink, type Json, type Source } from '@weir/checkpoint';
import type { StreamElement } from '@weir/stream';
import { count, tumblingWindow, type WindowResult } from '@weir/window';
import { freePort, startNatsServer, type NatsServerHandle } from '@weir/nats/testing';
import { connectNats, jetStreamSource, NatsError, type InvalidJetStreamMessage, type JetStreamSourceOptions } from '@weir/nats';

jest.setTimeout(30_000);

interface Click {
  readonly i: number;
  readonly page: string;
  readonly ts: number;
}

const SUBJECTS = ['clicks.0', 'clicks.1', 'clicks.2', 'clicks.3'];
const encoder = new TextEncoder();

/** The i-th click: partition i % 4, event time rising 10 ms a click with up to 200 ms of disorder. */
function click(i: number): Click {
  const h = Math.imul(i ^ 0x9e3779b9, 0x85ebca6b) >>> 0;
  return { i, page: `/p/${h % 7}`, ts: 1_000_000 + i * 10 - (h % 200) };
}

let server: NatsServerHandle;
let nc: NatsConnection;
let streams = 0;

beforeAll(async () => {
  server = await startNatsServer();
  nc = await connectNats({ servers: server.url, reconnectTimeWaitMs: 50 });
});

afterAll(async () => {
  await nc?.close();
  await server?.stop();
});

/** A new stream on `<prefix>.>` holding `n` clicks, click i on subject `<prefix>.<i % 4>`; returns its name. */
async function clickStream(n: number, raw: (i: number) => Uint8Array | undefined = () => undefined): Promise<string> {
  const name = `CLICKS${++streams}`;
  const jsm = await jetstreamManager(nc);
  await jsm.streams.add({ name, subjects: [`${name}.>`] });
  await publish(name, n, raw);
  return name;
}

async function publish(stream: string, n: number, raw: (i: number) => Uint8Array | undefined = () => undefined, from = 0): Promise<void> {
  const js = jetstream(nc);
  const inFlight: Promise<unknown>[] = [];
  for (let i = from; i < from + n; i++) {
    inFlight.push(js.publish(`${stream}.${i % 4}`, raw(i) ?? encoder.encode(JSON.stringify(click(i)))));
    if (inFlight.length >= 256) await Promise.all(inFlight.splice(0));
  }
  await Promise.all(inFlight);
}

const subjectsOf = (stream: string): string[] => SUBJECTS.map((s) => s.replace('clicks', stream));

function source(stream: string, extra: Partial<JetStreamSourceOptions<Click>> = {}) {
  return jetStreamSource<Click>({ connection: nc, stream, subjects: subjectsOf(stream), stopAt: 'latest', batch: 64, ...extra });
}

type Counted = WindowResult<string, number>;

/** A window job over `src`: clicks per page per second, committed to `sink`; resolves to the run's error, if any. */
async function windowJob(src: Source<Click>, storage: MemoryCheckpointStorage, sink: ReturnType<typeof collectingSink<Counted>>): Promise<unknown> {
  const job = await CheckpointCoordinator.open({ storage, interval: { events: 300 }, batchSize: 100 });
  const counted$ = job
    .source('clicks', src, { maxOutOfOrderness: 200 })
    .pipe(tumblingWindow({ size: 1_000, key: (c: Click) => c.page, aggregate: count(), store: job.store('views'), name: 'views', checkpoint: job }), job.sink('out', sink));
  return job.run(counted$).then(
    () => undefined,
    (err: unknown) => err,
  );
}

/** Wraps `src` so that its reader throws once it has read `after` values (a crash mid-job). */
function crashingAfter<T>(src: Source<T>, after: number): Source<T> {
  return {
    describe: () => `${src.describe()}, crashing`,
    async open(offset) {
      const r = await src.open(offset);
      let left = after;
      return {
        read: (max) => r.read(max),
        readEach: async (max, emit) => {
          if (left <= 0) throw new Error('simulated crash');
          const n = await r.readEach!(Math.min(max, left), emit);
          left -= n;
          return n;
        },
        partitions: () => r.partitions!(),
        ended: () => r.ended!(),
        offset: () => r.offset(),
        close: () => r.close?.(),
      };
    },
  };
}

/** Reads `src` from `offset` to its end with a bare reader; the values by partition and the final offset. */
async function readAll(src: Source<Click>, offset: Json | undefined, max = 1_000): Promise<{ values: Array<[string, Click, number | undefined]>; offset: Json }> {
  const reader = await src.open(offset);
  const values: Array<[string, Click, number | undefined]> = [];
  try {
    for (;;) {
      const n = await reader.readEach!(max, (v, p, ts) => values.push([p!, v, ts]));
      if (n === 0 && reader.ended!()) break;
    }
    return { values, offset: JSON.parse(JSON.stringify(reader.offset())) as Json };
  } finally {
    await reader.close?.();
  }
}

describe('jetStreamSource', () => {
  it('reads every partition in its order, with the event time of a field, and stops at the latest message when bounded', async () => {
    const stream = await clickStream(1_000);
    const src = source(stream, { eventTime: { field: 'ts' } });
    const { values, offset } = await readAll(src, undefined);
    expect(values.map(([, c]) => c.i).sort((a, b) => a - b)).toEqual(Array.from({ length: 1_000 }, (_, i) => i));
    for (const [p, c, ts] of values) {
      expect(p).toBe(`${stream}.${c.i % 4}`);
      expect(ts).toBe(c.ts);
    }
    for (const subject of subjectsOf(stream)) {
      const mine = values.filter(([p]) => p === subject).map(([, c]) => c.i);
      expect(mine).toEqual([...mine].sort((a, b) => a - b));
    }
    // partitions take turns of `batch` (64) messages: the same interleaving in every run
    expect(values.slice(0, 3).map(([p]) => p)).toEqual([`${stream}.0`, `${stream}.0`, `${stream}.0`]);
    expect(values[64]![0]).toBe(`${stream}.1`);
    expect(offset).toMatchObject({ next: { [`${stream}.0`]: 998, [`${stream}.3`]: 1_001 } });
    expect((await readAll(src, undefined)).values).toEqual(values);
    expect(src.metrics()).toEqual({ read: 2_000, invalid: 0 });
  });

  it('resumes exactly at a per-partition offset: a reader opened at it reads exactly the rest, new messages included', async () => {
    const stream = await clickStream(600);
    const src = source(stream);
    const reader = await src.open(undefined);
    const first: number[] = [];
    await reader.readEach!(250, (c) => first.push(c.i));
    const offset = JSON.parse(JSON.stringify(reader.offset())) as Json;
    await reader.close?.();
    await publish(stream, 200, undefined, 600);
    const rest = (await readAll(src, offset)).values.map(([, c]) => c.i);
    expect(first).toHaveLength(250);
    expect([...first, ...rest].sort((a, b) => a - b)).toEqual(Array.from({ length: 800 }, (_, i) => i));
  });

  it('a checkpointed window job that crashes resumes from the checkpointed offsets: the same committed output as an uninterrupted run', async () => {
    const stream = await clickStream(2_000);
    const expectedSink = collectingSink<Counted>();
    expect(await windowJob(source(stream, { eventTime: { field: 'ts' } }), new MemoryCheckpointStorage(), expectedSink)).toBeUndefined();
    const expected = expectedSink.committed();
    expect(expected.reduce((n, r) => n + r.value, 0)).toBe(2_000);

    const storage = new MemoryCheckpointStorage();
    const sink = collectingSink<Counted>();
    for (const crashAt of [700, 650]) {
      const err = await windowJob(crashingAfter(source(stream, { eventTime: { field: 'ts' } }), crashAt), storage, sink);
      expect(err).toBeInstanceOf(CheckpointError);
    }
    const latest = (await storage.list())[0]!;
    const saved = latest.sources.clicks!;
    expect(Object.keys((saved.offset as { next: object }).next)).toEqual(subjectsOf(stream));
    expect(Object.keys(saved.partitions ?? {})).toEqual(subjectsOf(stream));
    expect(await windowJob(source(stream, { eventTime: { field: 'ts' } }), storage, sink)).toBeUndefined();
    expect(sink.committed()).toEqual(expected);
  });

  it('keeps a watermark per partition: a silent partition holds event time back until it is idle', async () => {
    const run = async (idleTimeout: number | undefined): Promise<Array<[string, number]>> => {
      // partition 0 gets a click every 50 ms of the coordinator's clock; partition 1 none; the job is unbounded, stopped by a signal
      const stream = await clickStream(0);
      const js = jetstream(nc);
      const stop = new AbortController();
      let t = 0; // the coordinator's clock: 10 ms every 2 ms
      const job = await CheckpointCoordinator.open({ storage: new MemoryCheckpointStorage(), now: () => t });
      const src = jetStreamSource<Click>({ connection: nc, stream, subjects: [`${stream}.0`, `${stream}.1`], eventTime: { field: 'ts' }, signal: stop.signal, maxWaitMs: 20 });
      const seen: Array<[string, number]> = [];
      const out = job.source('clicks', src, { maxOutOfOrderness: 0, ...(idleTimeout === undefined ? {} : { idleTimeout }) }).pipe(
        tap((e: StreamElement<Click>) => {
          if (e.kind === 'watermark') seen.push(['wm', e.timestamp]);
          if (e.kind === 'record') seen.push(['record', e.timestamp]);
        }),
        job.sink('out', collectingSink<Click>()),
      );
      let k = 0;
      const timer = setInterval(() => {
        t += 10;
        if (t % 50 === 0 && k < 20) void js.publish(`${stream}.0`, encoder.encode(JSON.stringify({ i: k, page: '/', ts: 1_000 + k++ * 100 })));
        if (seen.some(([kind, ts]) => kind === 'record' && ts === 2_900) && t > 2_500) stop.abort();
      }, 2);
      try {
        await job.run(out);
      } finally {
        clearInterval(timer);
      }
      return seen;
    };
    const held = await run(undefined);
    expect(held.filter(([k]) => k === 'record')).toHaveLength(20);
    expect(held.filter(([k]) => k === 'wm')).toEqual([['wm', Infinity]]); // partition 1 held it until the end
    const idle = await run(300);
    expect(idle.filter(([k]) => k === 'record')).toHaveLength(20);
    const wms = idle.filter(([k]) => k === 'wm').map(([, ts]) => ts);
    // partition 1 idle after 300 ms: the watermark follows partition 0 (each click raises it), then the end
    expect(wms[0]).toBeGreaterThan(1_000);
    expect(wms[0]).toBeLessThan(2_899);
    expect(wms.slice(-2)).toEqual([2_899, Infinity]);
    expect([...wms].sort((a, b) => a - b)).toEqual(wms);
  });

  it('rides out a server killed and restarted mid-read: nothing lost, nothing read twice', async () => {
    const stream = await clickStream(3_000);
    const seen: number[] = [];
    let restarted: Promise<void> | undefined;
    const job = await CheckpointCoordinator.open({ storage: new MemoryCheckpointStorage(), interval: { events: 500 }, batchSize: 100 });
    const out = job.source('clicks', source(stream), { timestamp: (c) => c.ts, maxOutOfOrderness: 200 }).pipe(
      tap((e: StreamElement<Click>) => {
        if (e.kind !== 'record') return;
        seen.push(e.value.i);
        if (seen.length === 700) restarted = server.kill().then(() => server.restart());
      }),
      job.sink('out', collectingSink<Click>()),
    );
    await job.run(out);
    await restarted;
    expect(restarted).toBeDefined();
    expect([...seen].sort((a, b) => a - b)).toEqual(Array.from({ length: 3_000 }, (_, i) => i));
    await nc.flush();
  });

  it('an unbounded job rides out a server restart too, and reads what is published after it', async () => {
    const stream = await clickStream(500);
    const stop = new AbortController();
    const seen: number[] = [];
    const killRestartAndPublish = async (): Promise<void> => {
      const reconnected = (async () => {
        for await (const s of nc.status()) if (s.type === 'reconnect') return;
      })();
      await server.kill();
      await server.restart();
      await reconnected;
      await publish(stream, 500, undefined, 500);
    };
    let restarted: Promise<void> | undefined;
    const job = await CheckpointCoordinator.open({ storage: new MemoryCheckpointStorage(), interval: { events: 200 } });
    const src = jetStreamSource<Click>({ connection: nc, stream, subjects: subjectsOf(stream), signal: stop.signal, maxWaitMs: 20, batch: 64 });
    const out = job.source('clicks', src, { timestamp: (c) => c.ts, maxOutOfOrderness: 200 }).pipe(
      tap((e: StreamElement<Click>) => {
        if (e.kind !== 'record') return;
        seen.push(e.value.i);
        if (seen.length === 200) restarted = killRestartAndPublish();
        if (seen.length === 1_000) stop.abort();
      }),
      job.sink('out', collectingSink<Click>()),
    );
    const guard = setTimeout(() => stop.abort(), 25_000);
    await job.run(out);
    clearTimeout(guard);
    await restarted;
    expect([...seen].sort((a, b) => a - b)).toEqual(Array.from({ length: 1_000 }, (_, i) => i));
  });

  it("start 'new' reads only what is published after the reader opened", async () => {
    const stream = await clickStream(10);
    const reader = await jetStreamSource<Click>({ connection: nc, stream, subjects: subjectsOf(stream), start: 'new', maxWaitMs: 20 }).open(undefined);
    try {
      const got: number[] = [];
      expect(await reader.readEach!(100, (c) => got.push(c.i))).toBe(0);
      expect(reader.ended!()).toBe(false);
      await publish(stream, 3, undefined, 10);
      for (let tries = 0; got.length < 3 && tries < 100; tries++) await reader.readEach!(100, (c) => got.push(c.i));
      expect(got.sort((a, b) => a - b)).toEqual([10, 11, 12]);
    } finally {
      await reader.close?.();
    }
  });

  it('routes messages that do not parse, or carry no valid event time, to the side output and counts them; the job goes on', async () => {
    const bad = new Map<number, Uint8Array>([
      [5, encoder.encode('{not json')],
      [9, encoder.encode(JSON.stringify({ i: 9, page: '/x' }))], // no ts
      [14, encoder.encode(JSON.stringify({ i: 14, page: '/x', ts: 'yesterday' }))],
    ]);
    const stream = await clickStream(40, (i) => bad.get(i));
    const invalid: InvalidJetStreamMessage[] = [];
    const src = source(stream, { eventTime: { field: 'ts' }, invalid: (m) => invalid.push(m) });
    const sink = collectingSink<Click>();
    const job = await CheckpointCoordinator.open({ storage: new MemoryCheckpointStorage() });
    await job.run(job.source('clicks', src, { maxOutOfOrderness: 200 }).pipe(job.sink('out', sink)));
    expect(sink.committed().map((c) => c.i).sort((a, b) => a - b)).toEqual(Array.from({ length: 40 }, (_, i) => i).filter((i) => !bad.has(i)));
    expect(src.metrics()).toEqual({ read: 37, invalid: 3 });
    expect(invalid.map((m) => [m.subject, m.seq])).toEqual(
      [5, 9, 14].map((i) => [`${stream}.${i % 4}`, i + 1]).sort((a, b) => String(a[0]).localeCompare(String(b[0]))),
    );
    for (const m of invalid) {
      expect(m.error).toBeInstanceOf(NatsError);
      expect(m.error.code).toBe('DECODE');
      expect(m.error.message).toContain(`message ${m.seq} of stream '${stream}' subject '${m.subject}'`);
      expect(m.data).toEqual(bad.get(m.seq - 1));
    }
    expect(invalid[0]!.error.cause).toBeInstanceOf(SyntaxError);

    // without a side output, the first bad message fails the job loudly
    const strict = await CheckpointCoordinator.open({ storage: new MemoryCheckpointStorage() });
    const err = await strict.run(strict.source('clicks', source(stream, { eventTime: { field: 'ts' } }), { maxOutOfOrderness: 200 }).pipe(strict.sink('out', collectingSink<Click>()))).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(CheckpointError);
    expect((err as CheckpointError).cause).toBeInstanceOf(NatsError);
    expect(((err as CheckpointError).cause as NatsError).code).toBe('DECODE');
  });

  it('takes event time from a header', async () => {
    const stream = await clickStream(0);
    const js = jetstream(nc);
    for (const [i, at] of [[0, '1700000000000'], [1, '2024-01-02T03:04:05.006Z']] as const) {
      const h = headers();
      h.set('Event-Time', at);
      await js.publish(`${stream}.0`, encoder.encode(JSON.stringify({ i, page: '/', ts: 0 })), { headers: h });
    }
    const { values } = await readAll(jetStreamSource<Click>({ connection: nc, stream, eventTime: { header: 'Event-Time' }, stopAt: 'latest' }), undefined);
    expect(values.map(([p, , ts]) => [p, ts])).toEqual([
      [stream, 1_700_000_000_000],
      [stream, Date.parse('2024-01-02T03:04:05.006Z')],
    ]);
  });

  it('fails a missing stream with MISSING_STREAM naming it', async () => {
    const src = jetStreamSource<Click>({ connection: nc, stream: 'NO_SUCH_STREAM', subjects: ['a.1'] });
    const err = await Promise.resolve(src.open(undefined)).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(NatsError);
    expect((err as NatsError).code).toBe('MISSING_STREAM');
    expect((err as NatsError).message).toContain("stream 'NO_SUCH_STREAM'");
    const job = await CheckpointCoordinator.open({ storage: new MemoryCheckpointStorage() });
    const jobErr = await job.run(job.source('x', src, { timestamp: (c) => c.ts, maxOutOfOrderness: 0 }).pipe(job.sink('out', collectingSink<Click>()))).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(((jobErr as CheckpointError).cause as NatsError).code).toBe('MISSING_STREAM');
  });

  it('fails with MISSING_STREAM when the stream is deleted while the job reads it', async () => {
    const stream = await clickStream(100);
    const stop = new AbortController();
    const job = await CheckpointCoordinator.open({ storage: new MemoryCheckpointStorage() });
    const src = jetStreamSource<Click>({ connection: nc, stream, subjects: subjectsOf(stream), signal: stop.signal, maxWaitMs: 20 });
    let deleted: Promise<unknown> | undefined;
    const out = job.source('clicks', src, { timestamp: (c) => c.ts, maxOutOfOrderness: 0 }).pipe(
      tap((e: StreamElement<Click>) => {
        if (e.kind === 'record' && e.value.i === 99) deleted = jetstreamManager(nc).then((jsm) => jsm.streams.delete(stream));
      }),
      job.sink('out', collectingSink<Click>()),
    );
    const guard = setTimeout(() => stop.abort(), 20_000);
    const err = await job.run(out).then(
      () => undefined,
      (e: unknown) => e,
    );
    clearTimeout(guard);
    await deleted;
    expect(err).toBeInstanceOf(CheckpointError);
    const cause = (err as CheckpointError).cause as NatsError;
    expect(cause.code).toBe('MISSING_STREAM');
    expect(cause.message).toContain(`stream '${stream}'`);
  });

  it('an unreachable server fails with CONNECT naming the URL, after bounded retries', async () => {
    const url = `nats://127.0.0.1:${await freePort()}`;
    const started = Date.now();
    const err = await connectNats({ servers: url, attempts: 2, initialBackoffMs: 10 }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect((err as NatsError).code).toBe('CONNECT');
    expect((err as NatsError).message).toContain(url);
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it('checks its options and its offsets', async () => {
    const bad = (o: unknown): string => {
      try {
        jetStreamSource(o as JetStreamSourceOptions<unknown>);
      } catch (err) {
        expect(err).toBeInstanceOf(NatsError);
        expect((err as NatsError).code).toBe('INVALID_ARGUMENT');
        return (err as NatsError).message;
      }
      throw new Error('expected INVALID_ARGUMENT');
    };
    expect(bad({ connection: nc, stream: 'S', subjets: ['a'] })).toMatch(/subjets.*subjects/);
    expect(bad({ connection: nc })).toMatch(/stream/);
    expect(bad({ connection: nc, stream: 'S', streams: ['T'] })).toMatch(/either/);
    expect(bad({ connection: nc, stream: 'S', subjects: ['a', 'a'] })).toMatch(/repeat/);
    expect(bad({ connection: nc, stream: 'S', batch: 0 })).toMatch(/batch/);
    expect(bad({ connection: nc, stream: 'S', stopAt: 'end' })).toMatch(/stopAt/);
    expect(bad({ connection: nc, stream: 'S', eventTime: { field: 'ts', header: 'h' } })).toMatch(/eventTime/);
    expect(bad({ connection: {}, stream: 'S' })).toMatch(/connection/);
    const stream = await clickStream(4);
    await expect(Promise.resolve(source(stream).open({ next: { x: 0 }, turn: 0, taken: 0 }))).rejects.toThrow(/offset.*next sequence/);
    await expect(Promise.resolve(source(stream).open('12'))).rejects.toThrow(/offset/);
  });

  it('reads one partition per stream', async () => {
    const a = await clickStream(30);
    const b = await clickStream(10);
    const src = jetStreamSource<Click>({ connection: nc, streams: [a, b], stopAt: 'latest', batch: 8 });
    expect(src.partitionNames).toEqual([a, b]);
    const { values, offset } = await readAll(src, undefined);
    expect(values.filter(([p]) => p === a).map(([, c]) => c.i)).toEqual(Array.from({ length: 30 }, (_, i) => i));
    expect(values.filter(([p]) => p === b).map(([, c]) => c.i)).toEqual(Array.from({ length: 10 }, (_, i) => i));
    expect(offset).toMatchObject({ next: { [a]: 31, [b]: 11 } });
    // read() is readEach into an array
    const reader = await src.open(undefined);
    expect((await reader.read(5)).map((c) => c.i)).toEqual([0, 1, 2, 3, 4]);
    expect(reader.offset()).toEqual({ next: { [a]: 6, [b]: 1 }, turn: 0, taken: 5 });
    await reader.close?.();
  });
});

