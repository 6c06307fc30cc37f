import { jetstreamManager } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/nats-core';
import type { Json, Source } from '@weir/checkpoint';
import { KeyWriter, keyGroupOf } from '@weir/state';
import { connectNats, jetStreamSink, jetStreamSource, NatsError, repartitionStreams, type JetStreamSourceOptions } from '@weir/nats';
import { startNatsServer, type NatsServerHandle } from '@weir/nats/testing';

jest.setTimeout(60_000);

interface Visit {
  readonly i: number;
  readonly user: string;
  readonly ts: number;
}

const LAYOUT = { partitions: 4, keyGroups: 32 };
/** The partition carrying the user's key group: [ceil(p * K / P), ceil((p + 1) * K / P)). */
const partitionOfUser = (v: Visit): number => Math.floor((keyGroupOf(new KeyWriter().part(v.user).finish(), LAYOUT.keyGroups) * LAYOUT.partitions) / LAYOUT.keyGroups);
const visit = (i: number): Visit => ({ i, user: `u${(i * 7) % 23}`, ts: 1_000 + i });

let server: NatsServerHandle;
let nc: NatsConnection;

beforeAll(async () => {
  server = await startNatsServer();
  nc = await connectNats({ servers: server.url, reconnectTimeWaitMs: 50 });
});

afterAll(async () => {
  await nc?.close();
  await server?.stop();
});

/** Reads `src` from `offset` to its end: the values with their partition names, and the final offset. */
async function readAll<T>(src: Source<T>, offset: Json | undefined, max = 1_000): Promise<{ values: Array<[string, T]>; offset: Json }> {
  const reader = await src.open(offset);
  const values: Array<[string, T]> = [];
  try {
    for (;;) {
      const n = await reader.readEach!(max, (v, p) => values.push([p!, v]));
      if (n === 0 && reader.ended!()) break;
    }
    return { values, offset: JSON.parse(JSON.stringify(reader.offset())) as Json };
  } finally {
    await reader.close?.();
  }
}

describe('repartitionStreams', () => {
  it('names a stream per writer and the inputs of a partition across them; checks its arguments', () => {
    const mid = repartitionStreams({ stream: 'MID', subject: 'mid.by-user', writers: 2, partitions: 4 });
    expect(mid.sinkTarget(1)).toEqual({ stream: 'MID_W1', subject: 'mid.by-user.w1', partitions: 4 });
    expect(mid.inputsOf([3, 0])).toEqual([
      { stream: 'MID_W0', subject: 'mid.by-user.w0.3' },
      { stream: 'MID_W1', subject: 'mid.by-user.w1.3' },
      { stream: 'MID_W0', subject: 'mid.by-user.w0.0' },
      { stream: 'MID_W1', subject: 'mid.by-user.w1.0' },
    ]);
    // names back to partitions: every input of inputsOf, and nothing else
    for (const p of [0, 1, 2, 3]) for (const input of mid.inputsOf([p])) expect(mid.partitionOfInput(`${input.stream}/${input.subject}`)).toBe(p);
    for (const other of ['MID_W0/mid.by-user.w0.4', 'MID_W2/mid.by-user.w2.0', 'MID_W1/mid.by-user.w0.1', 'MID_W0/mid.by-user.w0.01', 'MID_W0/other.w0.1', 'MID_W0', 'mid.by-user.w0.1', 'MID_W0/mid.by-user.w0.1.2']) {
      expect(mid.partitionOfInput(other)).toBeUndefined();
    }
    const bad = (f: () => unknown): string => {
      try {
        f();
      } catch (err) {
        expect(err).toBeInstanceOf(NatsError);
        expect((err as NatsError).code).toBe('INVALID_ARGUMENT');
        return (err as NatsError).message;
      }
      throw new Error('expected INVALID_ARGUMENT');
    };
    expect(bad(() => mid.sinkTarget(2))).toMatch(/writer must be an integer in \[0, 2\), got number 2/);
    expect(bad(() => mid.inputsOf([4]))).toMatch(/partition must be an integer in \[0, 4\)/);
    expect(bad(() => mid.inputsOf([]))).toMatch(/at least one partition/);
    expect(bad(() => repartitionStreams({ stream: 'M.X', subject: 'm', writers: 1, partitions: 1 }))).toMatch(/`stream`/);
    expect(bad(() => repartitionStreams({ stream: 'M', subject: 'm.*', writers: 1, partitions: 1 }))).toMatch(/`subject`/);
    expect(bad(() => repartitionStreams({ stream: 'M', subject: 'm', writers: 0, partitions: 1 }))).toMatch(/`writers`/);
    expect(bad(() => repartitionStreams({ stream: 'M', subject: 'm', writers: 1, partitions: 1, writer: 1 } as never))).toMatch(/writer.*writers/);
  });

  it("jetStreamSource inputs: a downstream reader of partition p gets p's records from every writer's stream, each input with its own offset, and resumes exactly", async () => {
    const mid = repartitionStreams({ stream: 'VISITS', subject: 'visits', writers: 2, partitions: LAYOUT.partitions });
    await mid.create(nc);
    await mid.create(nc); // idempotent
    // two upstream workers, each the only writer of its stream, partitioning by key group
    const written: Visit[][] = [[], []];
    for (const w of [0, 1]) {
      const writer = await jetStreamSink<Visit>({ connection: nc, ...mid.sinkTarget(w), partitionOf: partitionOfUser }).open(undefined);
      for (let c = 1; c <= 3; c++) {
        for (let i = 0; i < 40; i++) {
          const v = visit(w * 1_000 + c * 100 + i);
          writer.write(v);
          written[w]!.push(v);
        }
        await writer.preCommit(c);
        await writer.commit(c);
      }
      await writer.close?.();
    }
    const source = (owned: number[], extra: Partial<JetStreamSourceOptions<Visit>> = {}) =>
      jetStreamSource<Visit>({ connection: nc, inputs: mid.inputsOf(owned), stopAt: 'latest', batch: 16, ...extra });
    // two downstream workers: [0, 1] and [2, 3]; together they read everything once, each user on one worker
    const readers = [await readAll(source([0, 1]), undefined), await readAll(source([2, 3]), undefined)];
    expect(source([2, 3]).partitionNames).toEqual(['VISITS_W0/visits.w0.2', 'VISITS_W1/visits.w1.2', 'VISITS_W0/visits.w0.3', 'VISITS_W1/visits.w1.3']);
    for (const [d, owned] of [[0, [0, 1]], [1, [2, 3]]] as const) {
      for (const [name, v] of readers[d]!.values) {
        expect(owned).toContain(partitionOfUser(v));
        const [, w, p] = /^VISITS_W(\d)\/visits\.w\d\.(\d)$/.exec(name)!;
        expect(Number(p)).toBe(partitionOfUser(v));
        expect(written[Number(w)]).toContainEqual(v);
      }
      // per input, in the writer's order
      for (const w of [0, 1]) {
        for (const p of owned) {
          const got = readers[d]!.values.filter(([name]) => name === `VISITS_W${w}/visits.w${w}.${p}`).map(([, v]) => v.i);
          expect(got).toEqual(written[w]!.filter((v) => partitionOfUser(v) === p).map((v) => v.i));
        }
      }
    }
    const all = [...readers[0]!.values, ...readers[1]!.values].map(([, v]) => v.i).sort((a, b) => a - b);
    expect(all).toEqual([...written[0]!, ...written[1]!].map((v) => v.i).sort((a, b) => a - b));

    // an offset taken mid-read resumes exactly: the first 50 values, then the rest from the offset
    const reader = await source([2, 3]).open(undefined);
    const head: Visit[] = [];
    while (head.length < 50) await reader.readEach!(50 - head.length, (v) => head.push(v));
    const offset = JSON.parse(JSON.stringify(reader.offset())) as { next: Record<string, number> };
    await reader.close?.();
    expect(Object.keys(offset.next).sort()).toEqual(['VISITS_W0/visits.w0.2', 'VISITS_W0/visits.w0.3', 'VISITS_W1/visits.w1.2', 'VISITS_W1/visits.w1.3']);
    const rest = await readAll(source([2, 3]), offset as unknown as Json);
    expect([...head, ...rest.values.map(([, v]) => v)].map((v) => v.i).sort((a, b) => a - b)).toEqual(readers[1]!.values.map(([, v]) => v.i).sort((a, b) => a - b));
    expect(new Set([...head, ...rest.values.map(([, v]) => v)].map((v) => v.i)).size).toBe(readers[1]!.values.length);
  });

  it('create refuses an existing stream that does not take the writer subjects; inputs are checked', async () => {
    await (await jetstreamManager(nc)).streams.add({ name: 'ODD_W0', subjects: ['elsewhere.>'] });
    await expect(repartitionStreams({ stream: 'ODD', subject: 'odd', writers: 1, partitions: 2 }).create(nc)).rejects.toThrow(/'ODD_W0' exists but does not take the subjects 'odd\.w0\.>'/);
    const bad = (o: unknown): string => {
      try {
        jetStreamSource(o as JetStreamSourceOptions<unknown>);
      } catch (err) {
        expect((err as NatsError).code).toBe('INVALID_ARGUMENT');
        return (err as NatsError).message;
      }
      throw new Error('expected INVALID_ARGUMENT');
    };
    expect(bad({ connection: nc, inputs: [] })).toMatch(/`inputs` must be a non-empty list/);
    expect(bad({ connection: nc, inputs: [{ stream: 'A', subject: 'a' }], stream: 'A' })).toMatch(/one of `inputs`/);
    expect(bad({ connection: nc, inputs: [{ stream: 'A', subject: 'a' }, { stream: 'A', subject: 'a' }] })).toMatch(/repeat an input \(A\/a\)/);
    expect(bad({ connection: nc, inputs: [{ stream: 'A', subjet: 'a' }] })).toMatch(/subjet.*subject/);
    expect(bad({ connection: nc, inputs: [{ stream: 'A.B' }] })).toMatch(/stream name/);
    const missing = await Promise.resolve(jetStreamSource({ connection: nc, inputs: [{ stream: 'NOPE', subject: 'x' }] }).open(undefined)).catch((e: unknown) => e);
    expect((missing as NatsError).code).toBe('MISSING_STREAM');
  });
});
