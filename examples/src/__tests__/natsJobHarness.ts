// Shared by the NATS job tests (natsJob*.test.ts): generated clicks published to a server, the job
// run as a child process (killed, stopped or left alone), and its committed results read back.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { NatsConnection } from '@nats-io/nats-core';
import { jetstreamManager } from '@nats-io/jetstream';
import { readJetStreamSinkOutput } from '@weir/nats';
import { generateClicks, type Click } from '../window-job/generate';
import type { PageViews } from '../nats-job/expected';
import { readClicks } from '../nats-job/publish';
import { transpileChild, type TranspiledChild } from './transpiledChild';

/** Seeded clicks as generate.ts writes them (the window job's data), read back in file order. */
export async function seededClicks(events: number, seed: number): Promise<Click[]> {
  const dir = await mkdtemp(join(tmpdir(), 'weir-nats-clicks-'));
  try {
    return await readClicks((await generateClicks(dir, { events, seed })).file);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** One results stream and checkpoint bucket: a run of the job of its own. */
export interface JobTarget {
  readonly stream: string;
  readonly subject: string;
  readonly bucket: string;
}

/** Creates the results stream of `target` (`replicas` copies); deletes an existing one and the bucket first. */
export async function freshTarget(nc: NatsConnection, target: JobTarget, replicas = 1): Promise<void> {
  const jsm = await jetstreamManager(nc);
  for (const s of [target.stream, `OBJ_${target.bucket}`, `KV_${target.bucket}`]) await jsm.streams.delete(s).catch(() => false);
  await jsm.streams.add({ name: target.stream, subjects: [`${target.subject}.>`], num_replicas: replicas });
}

/** The committed results of a target, in stream order, as `<partition> <message body>` lines. */
export async function committedResults(nc: NatsConnection, target: Pick<JobTarget, 'stream' | 'subject'>): Promise<string[]> {
  const decoder = new TextDecoder();
  return (await readJetStreamSinkOutput(nc, { stream: target.stream, subject: target.subject })).map((r) => `${r.partition} ${decoder.decode(r.data)}`);
}

/** The committed results of a target as values. */
export function parseResults(lines: readonly string[]): PageViews[] {
  return lines.map((line) => JSON.parse(line.slice(line.indexOf(' ') + 1)) as PageViews);
}

/** How a worker run ended. */
export interface WorkerOutcome {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
  /** ms from `started` to the exit (NaN when it never started). */
  readonly ranMs: number;
}

/** A worker running: its process, and its outcome once it exits. */
export interface RunningWorker {
  readonly child: ChildProcess;
  /** Resolves when the worker has printed `started`. */
  readonly started: Promise<void>;
  readonly done: Promise<WorkerOutcome>;
}

/** The transpiled worker (natsJobWorker.ts), made once per test file. */
export function workerProgram(): Promise<TranspiledChild> {
  return transpileChild(join(__dirname, 'natsJobWorker.ts'));
}

/** Starts the worker on `target`; with `killAfterMs`, SIGKILLs it that long after it printed `started`. */
export function startWorker(program: TranspiledChild, url: string, target: JobTarget, checkpointEvery: number, killAfterMs?: number): RunningWorker {
  const child = spawn(process.execPath, [program.entry, url, target.stream, target.subject, target.bucket, String(checkpointEvery)], { env: program.env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  let startedAt = Number.NaN;
  let onStarted: () => void = () => undefined;
  const started = new Promise<void>((resolve) => (onStarted = resolve));
  child.stdout!.on('data', (chunk: Buffer) => {
    stdout += chunk.toString();
    if (Number.isNaN(startedAt) && stdout.includes('started')) {
      startedAt = performance.now();
      onStarted();
      if (killAfterMs !== undefined) setTimeout(() => child.kill('SIGKILL'), killAfterMs);
    }
  });
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const done = new Promise<WorkerOutcome>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr, ranMs: performance.now() - startedAt }));
  });
  return { child, started, done };
}

/** A seeded random number generator in [0, 1). */
export function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    return s / 2 ** 32;
  };
}
