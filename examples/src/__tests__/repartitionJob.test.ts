// Repartitioning exactly once (issue 17 item 4): orders partitioned by shop go through stage 1
// (a map, two worker processes, one per input partition) into intermediate streams partitioned
// by the user's key group, and stage 2 (two workers, each owning half the key groups) sums each
// user's spend per window. Stage-1 worker 0 is killed with SIGKILL twice mid-run (after its
// first checkpoint of each of two runs) and restarted while worker 1 runs on undisturbed; the
// intermediate streams must hold every order exactly once, on the partition of its user's key
// group, and the final output must equal a plain computation.
import { spawn } from 'node:child_process';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { NatsConnection } from '@nats-io/nats-core';
import { connectNats } from '@weir/nats';
import { startNatsServer, type NatsServerHandle } from '@weir/nats/testing';
import { keyGroupsOfPartition, ownershipOf, partitionOfKey } from '@weir/partition';
import { keyGroupOf, KeyWriter } from '@weir/state';
import { committed, expectedSpend, inputPartitionOf, LAYOUT, MID, orders, OUT, prepare, runStage2, STAGE2_WORKERS, type Order, type Spend, type UserSpend } from './repartitionJob';
import { transpileChild, type TranspiledChild } from './transpiledChild';

const ORDERS = 6_000;
const CHECKPOINT_EVERY = 200;

interface Outcome {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * Runs stage-1 worker `w` as a process; with `killAtCheckpoint`, the worker freezes mid-stream on
 * the turn after that many checkpoints and is SIGKILLed as soon as it reports them (a kill that
 * raced the worker's end made this test fail on a fast run).
 */
function stage1(program: TranspiledChild, url: string, w: number, killAtCheckpoint?: number): Promise<Outcome> {
  const args = [program.entry, url, String(w), String(CHECKPOINT_EVERY), ...(killAtCheckpoint !== undefined ? [String(killAtCheckpoint)] : [])];
  const child = spawn(process.execPath, args, { env: program.env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => {
    stdout += chunk.toString();
    if (killAtCheckpoint !== undefined && (stdout.match(/^checkpoint /gm)?.length ?? 0) >= killAtCheckpoint) child.kill('SIGKILL');
  });
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
}

describe('a job repartitioned through intermediate JetStream streams', () => {
  let server: NatsServerHandle | undefined;
  let nc: NatsConnection | undefined;
  let program: TranspiledChild | undefined;
  const input: Order[] = orders(ORDERS);

  beforeAll(async () => {
    [server, program] = await Promise.all([startNatsServer(), transpileChild(join(__dirname, 'repartitionWorker.ts'))]);
    nc = await connectNats({ servers: server.url });
    await prepare(nc, input);
  }, 120_000);
  afterAll(async () => {
    await nc?.close();
    await server?.stop();
    if (program !== undefined) await rm(program.dir, { recursive: true, force: true });
  });

  it('with stage-1 worker 0 killed twice mid-run: every order crosses once, on its key group, and the sums equal a plain computation', async () => {
    const conn = nc!;
    const url = server!.url;
    // worker 1 runs undisturbed while worker 0 is killed, restarted, killed again and restarted
    const undisturbed = stage1(program!, url, 1);
    const first = await stage1(program!, url, 0, 1);
    expect(first.signal).toBe('SIGKILL');
    expect(first.stdout).toMatch(/^started -$/m);
    const second = await stage1(program!, url, 0, 1);
    expect(second.signal).toBe('SIGKILL');
    expect(second.stdout).toMatch(/^started [1-9]\d*$/m); // resumed from a checkpoint
    const last = await stage1(program!, url, 0);
    expect(last.stderr).toBe('');
    expect(last.code).toBe(0);
    expect(last.stdout).toMatch(/^started [1-9]\d*$/m);
    const other = await undisturbed;
    expect(other.stderr).toBe('');
    expect(other.code).toBe(0);
    expect(other.stdout).toMatch(/^started -$/m);
    const worker0Orders = input.filter((o) => inputPartitionOf(o.shop) === 0).length;
    expect(worker0Orders).toBeGreaterThan(5 * CHECKPOINT_EVERY); // the kills came mid-run
    expect(last.stdout).not.toContain(`done ${worker0Orders}\n`); // the last run resumed: it read only the rest

    // the intermediate streams: each order once, from the worker of its shop, on its user's key-group partition
    const mid = await committed<Spend>(conn, MID);
    expect(mid.map((r) => r.value.i).sort((a, b) => a - b)).toEqual(input.map((o) => o.i));
    for (const r of mid) {
      const o = input[r.value.i]!;
      expect(r.value).toEqual({ i: o.i, user: o.user, cents: o.cents, ts: o.ts });
      expect(r.writer).toBe(inputPartitionOf(o.shop));
      expect(r.partition).toBe(partitionOfKey(o.user, LAYOUT));
      expect(keyGroupsOfPartition(r.partition, LAYOUT).contains(keyGroupOf(new KeyWriter().part(o.user).finish(), LAYOUT.keyGroups))).toBe(true);
    }

    // stage 2: both workers at once, each reading its partitions from both stage-1 streams
    const late = await Promise.all(Array.from({ length: STAGE2_WORKERS }, (_, d) => runStage2(conn, d, 300)));
    expect(late).toEqual([0, 0]);
    const out = await committed<UserSpend>(conn, OUT);
    expect(out.map((r) => `${r.value.user}@${r.value.start}=${r.value.cents}`).sort()).toEqual(expectedSpend(input));
    for (const r of out) expect(ownershipOf(r.writer, STAGE2_WORKERS, LAYOUT).partitions).toContain(partitionOfKey(r.value.user, LAYOUT)); // each user summed by the worker owning its key group
  }, 240_000);
});
