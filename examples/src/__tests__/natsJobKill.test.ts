// Exactly once on JetStream, the hard way: the NATS job (JetStream source -> tumbling window ->
// JetStream sink, checkpoints in the JetStream object store) runs as a process of its own and is
// killed with SIGKILL at random moments, 20 times, then left to finish; the results stream must
// then hold exactly what an uninterrupted run commits (same messages, same order, same
// partitions), and that must equal a plain count of the clicks.
import { rm } from 'node:fs/promises';
import type { NatsConnection } from '@nats-io/nats-core';
import { connectNats } from '@weir/nats';
import { startNatsServer, type NatsServerHandle } from '@weir/nats/testing';
import { compareViews, expectedViews } from '../nats-job/expected';
import { MAX_OUT_OF_ORDERNESS } from '../nats-job/job';
import { createStreams, NATS_JOB_STREAMS, publishClicks } from '../nats-job/publish';
import type { Click } from '../window-job/generate';
import { committedResults, freshTarget, parseResults, rng, seededClicks, startWorker, workerProgram, type JobTarget } from './natsJobHarness';
import type { TranspiledChild } from './transpiledChild';

const EVENTS = 10_000;
const CHECKPOINT_EVERY = 500;
const KILLS = Number(process.env.WEIR_NATS_KILLS ?? 20);

describe('the NATS job killed with SIGKILL at random moments', () => {
  let server: NatsServerHandle | undefined;
  let nc: NatsConnection | undefined;
  let program: TranspiledChild | undefined;
  let clicks: Click[];

  beforeAll(async () => {
    [server, program, clicks] = await Promise.all([startNatsServer(), workerProgram(), seededClicks(EVENTS, 5)]);
    nc = await connectNats({ servers: server.url });
    await createStreams(nc);
    await publishClicks(nc, NATS_JOB_STREAMS.clicks.subject, clicks);
  }, 120_000);
  afterAll(async () => {
    await nc?.close();
    await server?.stop();
    if (program !== undefined) await rm(program.dir, { recursive: true, force: true });
  });

  it(`commits, after ${KILLS} kills, exactly what an uninterrupted run commits`, async () => {
    const conn = nc!;
    const url = server!.url;
    const clean: JobTarget = { stream: 'CLEAN_VIEWS', subject: 'clean', bucket: 'clean-checkpoints' };
    await freshTarget(conn, clean);
    const uninterrupted = await startWorker(program!, url, clean, CHECKPOINT_EVERY).done;
    expect(uninterrupted.stderr).toBe('');
    expect(uninterrupted.code).toBe(0);
    const expected = await committedResults(conn, clean);
    // the uninterrupted run is right: a plain count of the clicks, each page-minute once
    expect(compareViews(parseResults(expected), expectedViews(clicks, MAX_OUT_OF_ORDERNESS))).toEqual({ missing: [], wrong: [], duplicated: [] });

    const killed: JobTarget = { stream: 'KILLED_VIEWS', subject: 'killed', bucket: 'killed-checkpoints' };
    await freshTarget(conn, killed);
    const rand = rng(11);
    // kill within the first half of the clean run's time (at least 300 ms), so runs reach checkpoints between kills
    const window = Math.max(300, uninterrupted.ranMs / 2);
    let kills = 0;
    let finishedEarly = 0;
    for (let attempt = 0; kills < KILLS && attempt < KILLS * 3; attempt++) {
      const outcome = await startWorker(program!, url, killed, CHECKPOINT_EVERY, Math.floor(rand() * window)).done;
      if (outcome.signal === 'SIGKILL') kills++;
      else {
        // it finished before its kill: start over, so that every kill interrupts work
        expect(outcome.stderr).toBe('');
        finishedEarly++;
        await freshTarget(conn, killed);
      }
    }
    expect(kills).toBe(KILLS);
    const final = await startWorker(program!, url, killed, CHECKPOINT_EVERY).done;
    expect(final.stderr).toBe('');
    expect(final.code).toBe(0);
    expect(await committedResults(conn, killed)).toEqual(expected);
    expect(finishedEarly).toBeLessThan(KILLS);
  }, 420_000); // ~60 s of CPU; on a busy 2-core machine several times that
});
