// A zombie writer fenced off: the NATS job runs as a process, is frozen (SIGSTOP, as a long GC
// pause or a partitioned host would freeze it) after its first checkpoint, and a second instance of
// the job takes over and finishes. Thawed (SIGCONT), the zombie must fail with FENCED without
// writing anything more, and the results stream must hold each page-minute count once.
import { rm } from 'node:fs/promises';
import type { NatsConnection } from '@nats-io/nats-core';
import { connectNats } from '@weir/nats';
import { startNatsServer, type NatsServerHandle } from '@weir/nats/testing';
import { compareViews, expectedViews } from '../nats-job/expected';
import { MAX_OUT_OF_ORDERNESS } from '../nats-job/job';
import { createStreams, NATS_JOB_STREAMS, publishClicks } from '../nats-job/publish';
import { committedResults, freshTarget, parseResults, seededClicks, startWorker, workerProgram, type JobTarget } from './natsJobHarness';
import type { TranspiledChild } from './transpiledChild';

const EVENTS = 20_000;

describe('a zombie instance of the NATS job', () => {
  let server: NatsServerHandle | undefined;
  let nc: NatsConnection | undefined;
  let program: TranspiledChild | undefined;

  afterAll(async () => {
    await nc?.close();
    await server?.stop();
    if (program !== undefined) await rm(program.dir, { recursive: true, force: true });
  });

  it('is fenced off once another instance took over, and writes nothing more', async () => {
    let clicks;
    [server, program, clicks] = await Promise.all([startNatsServer(), workerProgram(), seededClicks(EVENTS, 8)]);
    nc = await connectNats({ servers: server.url });
    await createStreams(nc);
    await publishClicks(nc, NATS_JOB_STREAMS.clicks.subject, clicks);
    const target: JobTarget = { stream: 'ZOMBIE_VIEWS', subject: 'zombie', bucket: 'zombie-checkpoints' };
    await freshTarget(nc, target);

    // The zombie: frozen as soon as its first results are committed.
    const zombie = startWorker(program, server.url, target, 1_000);
    await zombie.started;
    const deadline = Date.now() + 60_000;
    while ((await committedResults(nc, target)).length === 0) {
      if (Date.now() > deadline) throw new Error('the first instance committed nothing within 60 s');
      await new Promise((r) => setTimeout(r, 20));
    }
    zombie.child.kill('SIGSTOP');
    const frozenAt = (await committedResults(nc, target)).length;

    // The second instance resumes from the zombie's last checkpoint and finishes the job.
    const successor = await startWorker(program, server.url, target, 1_000).done;
    expect(successor.stderr).toBe('');
    expect(successor.code).toBe(0);
    const committed = await committedResults(nc, target);
    expect(committed.length).toBeGreaterThan(frozenAt);

    // Thawed, the zombie must notice and stop: FENCED, nothing written.
    zombie.child.kill('SIGCONT');
    const outcome = await zombie.done;
    expect(outcome.code).toBe(1);
    expect(outcome.stderr).toMatch(/NatsError FENCED/);
    expect(await committedResults(nc, target)).toEqual(committed);
    expect(compareViews(parseResults(committed), expectedViews(clicks, MAX_OUT_OF_ORDERNESS))).toEqual({ missing: [], wrong: [], duplicated: [] });
  }, 180_000);
});
