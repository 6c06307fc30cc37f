import fc from 'fast-check';
import { jetstreamManager, type JetStreamManager } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/nats-core';
import type { Json, SinkWriter } from '@weir/checkpoint';
import { KeyWriter, keyGroupOf } from '@weir/state';
import { connectNats, jetStreamSink, NatsError, readJetStreamSinkOutput, type JetStreamSinkOptions } from '@weir/nats';
import { startNatsServer, type NatsServerHandle } from '@weir/nats/testing';

jest.setTimeout(60_000);

interface Rec {
  readonly k: string;
  readonly v: number;
}

let server: NatsServerHandle;
let nc: NatsConnection;
let jsm: JetStreamManager;
let streams = 0;

beforeAll(async () => {
  server = await startNatsServer();
  nc = await connectNats({ servers: server.url, reconnectTimeWaitMs: 50 });
  jsm = await jetstreamManager(nc);
});

afterAll(async () => {
  await nc?.close();
  await server?.stop();
});

/** A new output stream `OUT_<n>` taking `out<n>.>`; `duplicateWindowMs` defaults to the server's 2 min. */
async function newStream(config: { duplicateWindowMs?: number; maxMsgs?: number } = {}): Promise<{ stream: string; subject: string }> {
  const n = ++streams;
  const stream = `OUT_${n}`;
  const subject = `out${n}`;
  await jsm.streams.add({
    name: stream,
    subjects: [`${subject}.>`],
    ...(config.duplicateWindowMs === undefined ? {} : { duplicate_window: config.duplicateWindowMs * 1_000_000 }),
    ...(config.maxMsgs === undefined ? {} : { max_msgs: config.maxMsgs, discard: 'new' as never }),
  });
  return { stream, subject };
}

function sinkOn(target: { stream: string; subject: string }, extra: Partial<JetStreamSinkOptions<Rec>> = {}) {
  return jetStreamSink<Rec>({ connection: nc, ...target, partitions: 3, key: (r) => r.k, attempts: 8, ...extra });
}

/** What consumers of the output stream see, decoded, in stream order. */
async function visible(target: { stream: string; subject: string }): Promise<Rec[]> {
  const records = await readJetStreamSinkOutput(nc, target);
  return records.map((r) => JSON.parse(new TextDecoder().decode(r.data)) as Rec);
}

/** Every message of the stream on any subject, to check the sink's bookkeeping. */
async function subjectsOf(stream: string): Promise<Record<string, number>> {
  const info = await jsm.streams.info(stream, { subjects_filter: '>' });
  return info.state.subjects ?? {};
}

async function rejection(p: unknown): Promise<NatsError> {
  try {
    await (typeof p === 'function' ? (p as () => unknown)() : p);
  } catch (err) {
    if (err instanceof NatsError) return err;
    throw err;
  }
  throw new Error('expected a NatsError');
}

const recs = (from: number, n: number, keys = ['a', 'b', 'c', 'd']): Rec[] => Array.from({ length: n }, (_, i) => ({ k: keys[(from + i) % keys.length]!, v: from + i }));

describe('jetStreamSink', () => {
  it('checks its options without touching the server', () => {
    const target = { connection: nc, stream: 'S', subject: 'x' };
    expect(() => jetStreamSink({ ...target, partitons: 2 } as never)).toThrow(/partitons.*partitions/);
    expect(() => jetStreamSink({ ...target, partitions: 2 })).toThrow(/`key` \(or `partitionOf`\) is required with 2 partitions/);
    expect(() => jetStreamSink<Rec>({ ...target, partitions: 2, key: (r) => r.k, partitionOf: () => 0 })).toThrow(/either option `key` or option `partitionOf`/);
    expect(() => jetStreamSink({ ...target, partitions: 2, partitionOf: 1 as never })).toThrow(/`partitionOf` must be a function/);
    expect(() => jetStreamSink({ ...target, subject: 'a.*' })).toThrow(/`subject`/);
    expect(() => jetStreamSink({ ...target, stream: 'a.b' })).toThrow(/`stream`/);
    expect(() => jetStreamSink({ ...target, maxInFlight: 0 })).toThrow(/`maxInFlight`/);
    expect(() => jetStreamSink({ ...target, stagingStream: 'a.b' })).toThrow(/`stagingStream`/);
    expect(() => jetStreamSink({ ...target, stagingStream: 'S' })).toThrow(/`stagingStream`.*other than `stream`/);
  });

  it('a missing output stream fails open with MISSING_STREAM naming it; a stream without the subjects with INVALID_ARGUMENT', async () => {
    const missing = await rejection(sinkOn({ stream: 'NO_SUCH_STREAM', subject: 'nowhere' }).open(undefined));
    expect(missing.code).toBe('MISSING_STREAM');
    expect(missing.message).toContain("'NO_SUCH_STREAM'");
    await jsm.streams.add({ name: 'NARROW', subjects: ['narrow.*'] });
    const narrow = await rejection(sinkOn({ stream: 'NARROW', subject: 'narrow' }).open(undefined));
    expect(narrow.code).toBe('INVALID_ARGUMENT');
    expect(narrow.message).toMatch(/narrow\._weir\.fence.*narrow\.>/);
    // a staging stream given by name must take the staged subjects
    const target = await newStream();
    await jsm.streams.add({ name: 'WRONG_STAGING', subjects: ['elsewhere.>'] });
    const staging = await rejection(sinkOn(target, { stagingStream: 'WRONG_STAGING' }).open(undefined));
    expect(staging.code).toBe('INVALID_ARGUMENT');
    expect(staging.message).toContain(`_weir.staged.${target.subject}.>`);
  });

  it('never purges the output stream: after many commits and a restore it holds exactly the records and the fences, from sequence 1', async () => {
    const target = await newStream();
    const stagingStream = `${target.stream}_WEIR_STAGING`;
    const w = await sinkOn(target).open(undefined); // a fresh start on an empty stream purges nothing
    let n = 0;
    let state: Json = null;
    for (let id = 1; id <= 30; id++) {
      for (const r of recs(n, 7)) w.write(r);
      n += 7;
      state = await w.preCommit(id);
      // the staged batch waits in the staging stream, not in the output stream
      expect((await jsm.streams.info(stagingStream)).state.messages).toBe(1);
      expect(Object.keys(await subjectsOf(target.stream)).some((s) => s.includes('staged'))).toBe(false);
      await w.commit(id);
      expect((await jsm.streams.info(stagingStream)).state.messages).toBe(0); // purged there once committed
    }
    for (const r of recs(n, 7)) w.write(r);
    const pending = await w.preCommit(31); // the job dies before this commit ...
    await w.close?.();
    const again = await sinkOn(target).open(pending); // ... and a new instance commits it from the staging stream
    n += 7;
    expect(await visible(target)).toEqual(recs(0, n));
    const out = await jsm.streams.info(target.stream);
    expect(out.state.first_seq).toBe(1);
    expect(out.state.messages).toBe(n + 2); // the records and two fences, nothing ever removed
    expect(out.state.last_seq).toBe(n + 2);
    expect(out.state.num_deleted ?? 0).toBe(0);
    expect(Object.entries(await subjectsOf(target.stream)).filter(([s]) => s.includes('_weir'))).toEqual([[`${target.subject}._weir.fence`, 2]]);
    const staging = await jsm.streams.info(stagingStream);
    expect(staging.config.subjects).toEqual([`_weir.staged.${target.subject}.>`]);
    expect(staging.state.messages).toBe(0);
    expect(staging.state.last_seq).toBe(31); // one chunk per checkpoint, each purged
    expect(state).toMatchObject({ upTo: 30 });
    await again.close?.();
  });

  it('stages in a staging stream given by name, and purges the output stream only on a fresh start over an earlier run', async () => {
    const target = await newStream();
    await jsm.streams.add({ name: 'MY_STAGING', subjects: [`_weir.staged.${target.subject}.>`] });
    const a = await sinkOn(target, { stagingStream: 'MY_STAGING' }).open(undefined);
    for (const r of recs(0, 4)) a.write(r);
    await a.preCommit(1);
    expect((await jsm.streams.info('MY_STAGING')).state.messages).toBe(1);
    await a.commit(1);
    await a.close?.();
    expect((await jsm.streams.info('MY_STAGING')).state).toMatchObject({ messages: 0, last_seq: 1 });
    await expect(jsm.streams.info(`${target.stream}_WEIR_STAGING`)).rejects.toThrow(/not found/);
    // a fresh start discards the earlier run's records: the one purge of the output stream
    const b = await sinkOn(target, { stagingStream: 'MY_STAGING' }).open(undefined);
    expect(await visible(target)).toEqual([]);
    expect((await jsm.streams.info(target.stream)).state).toMatchObject({ messages: 2, last_seq: 6 }); // the two fences
    await b.close?.();
  });

  it('stages again after its output stream was deleted and created anew while the staging stream stayed (regression: the fence epochs restarted at 1 and the staged message ids repeated within the duplicate window, failing PUBLISH)', async () => {
    const target = await newStream();
    const a = await sinkOn(target).open(undefined);
    for (const r of recs(0, 4)) a.write(r);
    await a.preCommit(1);
    await a.commit(1);
    await a.close?.();
    await jsm.streams.delete(target.stream);
    await jsm.streams.add({ name: target.stream, subjects: [`${target.subject}.>`] });
    const b = await sinkOn(target).open(undefined);
    for (const r of recs(10, 4)) b.write(r);
    await b.preCommit(1);
    await b.commit(1);
    await b.close?.();
    expect(await visible(target)).toEqual(recs(10, 4));
  });

  it('commits each checkpoint once, partitioned by key, and shows nothing before commit', async () => {
    const target = await newStream();
    const w = await sinkOn(target).open(undefined);
    for (const r of recs(0, 10)) w.write(r);
    const s1 = await w.preCommit(1);
    expect(await visible(target)).toEqual([]);
    for (const r of recs(10, 5)) w.write(r);
    await w.commit(1);
    expect(await visible(target)).toEqual(recs(0, 10));
    await w.commit(1); // idempotent
    await w.preCommit(2);
    await w.preCommit(3); // empty
    await w.commit(3); // covers 2
    expect(await visible(target)).toEqual(recs(0, 15));
    const out = await readJetStreamSinkOutput(nc, target);
    const partitionOf = new Map<string, number>();
    for (const r of out) {
      const k = (JSON.parse(new TextDecoder().decode(r.data)) as Rec).k;
      expect(r.partition).toBe(partitionOf.get(k) ?? r.partition);
      partitionOf.set(k, r.partition);
    }
    expect(new Set(partitionOf.values()).size).toBeGreaterThan(1);
    expect(s1).toMatchObject({ v: 1, epoch: 1, upTo: 1, last: null, pending: [{ id: 1, records: 10, chunks: 1 }] });
    // staged copies (in the staging stream) are purged once committed; the output holds records and the fence
    expect((await jsm.streams.info(`${target.stream}_WEIR_STAGING`)).state.messages).toBe(0);
    expect(Object.keys(await subjectsOf(target.stream)).filter((s) => s.includes('_weir') && !s.endsWith('_weir.fence'))).toEqual([]);
    await w.close?.();
  });

  it('partitionOf: each record on the partition the function names (here: the partition carrying its key group), a bad answer refused at write', async () => {
    const target = await newStream();
    const layout = { partitions: 4, keyGroups: 16 };
    // partition p carries key groups [ceil(p * K / P), ceil((p + 1) * K / P)): a contiguous range each
    const keyGroupOfKey = (k: string): number => keyGroupOf(new KeyWriter().part(k).finish(), layout.keyGroups);
    const byKeyGroup = (r: Rec): number => Math.floor((keyGroupOfKey(r.k) * layout.partitions) / layout.keyGroups);
    const keys = Array.from({ length: 40 }, (_, i) => `user-${i}`);
    const w = await sinkOn(target, { key: undefined, partitions: layout.partitions, partitionOf: byKeyGroup }).open(undefined);
    for (const r of recs(0, 200, keys)) w.write(r);
    await w.preCommit(1);
    await w.commit(1);
    const out = await readJetStreamSinkOutput(nc, target);
    expect(out.map((r) => (JSON.parse(new TextDecoder().decode(r.data)) as Rec).v)).toEqual(recs(0, 200, keys).map((r) => r.v));
    const groups = new Map<number, Set<number>>(); // partition -> key groups it carried
    for (const r of out) {
      const rec = JSON.parse(new TextDecoder().decode(r.data)) as Rec;
      expect(r.partition).toBe(byKeyGroup(rec));
      groups.set(r.partition, (groups.get(r.partition) ?? new Set()).add(keyGroupOfKey(rec.k)));
    }
    expect([...groups.keys()].sort()).toEqual([0, 1, 2, 3]);
    for (const [p, kgs] of groups) for (const kg of kgs) expect(kg >= (p * 16) / 4 && kg < ((p + 1) * 16) / 4).toBe(true);
    await w.close?.();
    // an answer outside [0, partitions) fails the write, naming the value; nothing is buffered
    const w2 = await sinkOn(target, { key: undefined, partitions: 4, partitionOf: (r) => (r.v < 0 ? 4 : r.v % 1 === 0 ? 0 : 0.5) }).open(undefined);
    for (const v of [-1, 1.5]) {
      const err = await rejection(() => w2.write({ k: 'a', v }));
      expect(err.code).toBe('INVALID_ARGUMENT');
      expect(err.message).toMatch(/partitionOf must return an integer in \[0, 4\), got number (4|0\.5)/);
    }
    await w2.close?.();
  });

  it('property: visible output is exactly the committed checkpoints, in order, across crashes and restores from older checkpoints', async () => {
    type Cmd =
      | { t: 'write'; n: number }
      | { t: 'checkpoint'; persist: boolean; commit: boolean }
      | { t: 'commitLatest' }
      | { t: 'crash'; older: number };
    const cmd: fc.Arbitrary<Cmd> = fc.oneof(
      { weight: 4, arbitrary: fc.record({ t: fc.constant('write' as const), n: fc.integer({ min: 1, max: 6 }) }) },
      { weight: 3, arbitrary: fc.record({ t: fc.constant('checkpoint' as const), persist: fc.constantFrom(true, true, false), commit: fc.constantFrom(true, true, false) }) },
      { weight: 1, arbitrary: fc.record({ t: fc.constant('commitLatest' as const) }) },
      { weight: 2, arbitrary: fc.record({ t: fc.constant('crash' as const), older: fc.integer({ min: 0, max: 2 }) }) },
    );
    await fc.assert(
      fc.asyncProperty(fc.array(cmd, { minLength: 4, maxLength: 14 }), async (cmds) => {
        const target = await newStream();
        const sink = sinkOn(target);
        let w: SinkWriter<Rec> = await sink.open(undefined);
        let next = 0; // record values
        let nextId = 1; // checkpoint ids: strictly increasing across restarts
        let unsealed: Rec[] = []; // written since the last preCommit
        const batches = new Map<number, Rec[]>(); // the current run's lineage: checkpoint id -> batch
        const persisted: Array<{ id: number; state: Json }> = []; // like checkpoint storage, oldest first
        let committed = 0; // highest id committed in the current lineage
        const expected = (upTo: number): Rec[] => [...batches.entries()].filter(([id]) => id <= upTo).sort((a, b) => a[0] - b[0]).flatMap(([, b]) => b);
        try {
          for (const c of cmds) {
            if (c.t === 'write') {
              for (const r of recs(next, c.n)) {
                w.write(r);
                unsealed.push(r);
              }
              next += c.n;
            } else if (c.t === 'checkpoint') {
              const id = nextId++;
              const state = await w.preCommit(id);
              batches.set(id, unsealed);
              unsealed = [];
              if (c.persist) {
                persisted.push({ id, state });
                if (c.commit) {
                  await w.commit(id);
                  committed = id;
                  expect(await visible(target)).toEqual(expected(committed));
                }
              }
            } else if (c.t === 'commitLatest') {
              const latest = persisted[persisted.length - 1];
              if (latest !== undefined) {
                await w.commit(latest.id);
                committed = Math.max(committed, latest.id);
                expect(await visible(target)).toEqual(expected(committed));
              }
            } else {
              // crash: no close; restore from the newest persisted checkpoint, or an older one (the newer found corrupt)
              const keep = Math.max(Math.min(1, persisted.length), persisted.length - c.older);
              persisted.splice(keep);
              const from = persisted[persisted.length - 1];
              w = await sink.open(from?.state);
              const upTo = from?.id ?? 0;
              for (const id of [...batches.keys()]) if (id > upTo) batches.delete(id);
              unsealed = [];
              committed = upTo;
              expect(await visible(target)).toEqual(expected(upTo));
            }
          }
          const latest = persisted[persisted.length - 1];
          if (latest !== undefined) {
            await w.commit(latest.id);
            expect(await visible(target)).toEqual(expected(latest.id));
          }
        } finally {
          await w.close?.();
          await jsm.streams.delete(target.stream);
          await jsm.streams.delete(`${target.stream}_WEIR_STAGING`);
        }
      }),
      { numRuns: 20, seed: 20261205 },
    );
  });

  it('recovers a commit that was cut short after the duplicate window has passed, publishing each record once', async () => {
    const target = await newStream({ duplicateWindowMs: 1_000 });
    const a = await sinkOn(target, { attempts: 2 }).open(undefined);
    for (const r of recs(0, 8)) a.write(r);
    const s1 = await a.preCommit(1);
    await a.commit(1);
    for (const r of recs(8, 6)) a.write(r);
    const s2 = await a.preCommit(2);
    // checkpoint 2 is persisted; its commit is cut short: the stream takes only 2 more messages
    const info = await jsm.streams.info(target.stream);
    await jsm.streams.update(target.stream, { ...info.config, max_msgs: info.state.messages + 2, discard: 'new' as never });
    expect((await rejection(a.commit(2))).code).toBe('PUBLISH');
    expect(await visible(target)).toEqual(recs(0, 10));
    await jsm.streams.update(target.stream, { ...info.config, max_msgs: -1 });
    await new Promise((r) => setTimeout(r, 1_300)); // past the duplicate window: Nats-Msg-Id no longer protects
    const b = await sinkOn(target).open(s2);
    expect(await visible(target)).toEqual(recs(0, 14));
    await b.close?.();
    // a restart from checkpoint 2 after all of it landed publishes nothing again
    const c = await sinkOn(target).open(s2);
    expect(await visible(target)).toEqual(recs(0, 14));
    await c.close?.();
    // and one from checkpoint 1 rolls back what checkpoint 2 committed (the replay writes it again)
    const d = await sinkOn(target).open(s1);
    expect(await visible(target)).toEqual(recs(0, 8));
    for (const r of recs(8, 6)) d.write(r);
    await d.preCommit(3);
    await d.commit(3);
    expect(await visible(target)).toEqual(recs(0, 14));
    await d.close?.();
    await a.close?.();
  });

  it('fences a zombie: the older instance gets FENCED and publishes nothing visible', async () => {
    const target = await newStream();
    const zombie = await sinkOn(target).open(undefined);
    for (const r of recs(0, 5)) zombie.write(r);
    const s1 = await zombie.preCommit(1);
    await zombie.commit(1);
    for (const r of recs(5, 5)) zombie.write(r);
    await zombie.preCommit(2); // staged; checkpoint 2 persisted by the zombie's coordinator...
    const successor = await sinkOn(target).open(s1); // ...but a new instance took over from checkpoint 1
    const fenced = await rejection(zombie.commit(2));
    expect(fenced.code).toBe('FENCED');
    expect(fenced.message).toMatch(/epoch 2.*holds 1/);
    expect((await rejection(() => zombie.write({ k: 'a', v: 99 }))).code).toBe('FENCED');
    expect((await rejection(zombie.preCommit(3))).code).toBe('FENCED');
    expect(await visible(target)).toEqual(recs(0, 5));
    for (const r of recs(5, 3)) successor.write(r);
    await successor.preCommit(2);
    await successor.commit(2);
    expect(await visible(target)).toEqual(recs(0, 8));
    await zombie.close?.();
    await successor.close?.();
  });

  it('fences a zombie whose run is in flight when the successor takes over', async () => {
    const target = await newStream();
    const zombie = await sinkOn(target, { maxInFlight: 4 }).open(undefined);
    const s0 = await zombie.preCommit(1);
    for (const r of recs(0, 3000)) zombie.write(r);
    await zombie.preCommit(2);
    const commit = Promise.resolve(zombie.commit(2)).then(
      () => undefined,
      (err: unknown) => err,
    );
    await new Promise((r) => setTimeout(r, 30));
    const successor = await sinkOn(target).open(s0); // restore from checkpoint 1: checkpoint 2 never happened
    const err = await commit;
    const shown = await visible(target);
    // whatever landed before the fence is rolled back by the successor's recovery; nothing lands after it
    expect(shown).toEqual([]);
    expect(err).toBeInstanceOf(NatsError);
    expect((err as NatsError).code).toBe('FENCED');
    await successor.close?.();
    await zombie.close?.();
  });

  it('two instances recovering the same checkpoint at once: the output is committed once and only the newer epoch may write', async () => {
    const target = await newStream();
    const first = await sinkOn(target).open(undefined);
    for (const r of recs(0, 400)) first.write(r);
    const s1 = await first.preCommit(1); // persisted; the job dies before its commit
    const opened = await Promise.allSettled([sinkOn(target).open(s1), sinkOn(target).open(s1)]);
    expect(await visible(target)).toEqual(recs(0, 400));
    const writers = opened.flatMap((o) => (o.status === 'fulfilled' ? [o.value] : []));
    for (const o of opened) if (o.status === 'rejected') expect((o.reason as NatsError).code).toBe('FENCED');
    // of the instances that opened, every one but the last to take an epoch is fenced
    const outcomes = await Promise.all(
      writers.map(async (w) => {
        w.write({ k: 'z', v: 1_000 });
        await w.preCommit(2);
        await w.commit(2);
        return 'wrote';
      }).map((p) => p.catch((err: unknown) => (err as NatsError).code)),
    );
    expect(outcomes.filter((o) => o === 'wrote')).toHaveLength(1);
    expect(outcomes.filter((o) => o !== 'wrote').every((o) => o === 'FENCED')).toBe(true);
    expect(await visible(target)).toEqual([...recs(0, 400), { k: 'z', v: 1_000 }]);
    for (const w of [first, ...writers]) await w.close?.();
  });

  it('survives the server being killed and restarted between preCommit and commit, and during a commit', async () => {
    const target = await newStream();
    // a publish sent while the restarted server is still loading its streams is lost: wait 1 s, not 5 s, for its ack
    const w = await sinkOn(target, { timeoutMs: 1_000 }).open(undefined);
    for (const r of recs(0, 20)) w.write(r);
    const s1 = await w.preCommit(1);
    await new Promise((r) => setTimeout(r, 100)); // let the server write what it acknowledged
    await server.kill();
    await server.restart();
    await w.commit(1); // the same writer retries through the reconnect
    expect(await visible(target)).toEqual(recs(0, 20));
    for (const r of recs(20, 5)) w.write(r);
    const s2 = await w.preCommit(2);
    await new Promise((r) => setTimeout(r, 100));
    await server.kill();
    await server.restart();
    // the job died with the server: a new instance commits checkpoint 2 from its state
    const again = await sinkOn(target, { timeoutMs: 1_000 }).open(s2);
    expect(await visible(target)).toEqual(recs(0, 25));
    expect(s1).toMatchObject({ upTo: 1 });
    // killed in the middle of a commit: the same writer picks up after the last record that landed
    for (const r of recs(25, 3_000)) again.write(r);
    await again.preCommit(3);
    await new Promise((r) => setTimeout(r, 100));
    const committing = Promise.resolve(again.commit(3));
    await new Promise((r) => setTimeout(r, 20));
    await server.kill();
    await server.restart();
    await committing;
    expect(await visible(target)).toEqual(recs(0, 3_025));
    await again.close?.();
    await w.close?.();
  });

  it('a refused publish surfaces as PUBLISH with the server error as cause', async () => {
    const target = await newStream({ maxMsgs: 4 }); // fence + 3 records, then the stream is full (staged chunks go elsewhere)
    const w = await sinkOn(target).open(undefined);
    for (const r of recs(0, 5)) w.write(r);
    await w.preCommit(1);
    const err = await rejection(w.commit(1));
    expect(err.code).toBe('PUBLISH');
    expect(err.message).toContain('commit checkpoint 1');
    expect(err.cause).toBeInstanceOf(Error);
    expect((err.cause as Error).message).toMatch(/maximum messages/);
    await w.close?.();
  });
});
