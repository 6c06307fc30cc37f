// Real checkpoints for the CLI tests: a tumblingWindow and an intervalJoin run over a few records,
// their snapshots taken at barriers by a CheckpointRecorder, encoded and saved with
// FileCheckpointStorage in a temporary directory.
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Subject } from 'rxjs';
import { FileCheckpointStorage, type CheckpointData } from '@weir/checkpoint';
import { intervalJoin } from '@weir/join';
import { InMemoryStore, StateSnapshot } from '@weir/state';
import { barrier, record, watermark, type StreamElement } from '@weir/stream';
import { CheckpointRecorder } from '@weir/stream/testing';
import { count, tumblingWindow } from '@weir/window';
import type { CliIO } from '../index';

export interface View {
  readonly page: string;
}
export interface Order {
  readonly orderId: number;
  readonly amount: number;
}
export interface Payment {
  readonly orderId: number;
  readonly paid: number;
}

/** Checkpoint times: 2024-01-02T03:04:05.000Z plus the id in seconds. */
export const T0 = Date.UTC(2024, 0, 2, 3, 4, 5);
export const MIN = 60_000;

/** A running window + join job whose operators report to one recorder. */
export class Job {
  readonly recorder = new CheckpointRecorder();
  readonly views = new Subject<StreamElement<View>>();
  readonly orders = new Subject<StreamElement<Order>>();
  readonly payments = new Subject<StreamElement<Payment>>();
  readonly windowStore = new InMemoryStore();
  readonly joinStore = new InMemoryStore();
  readonly errors: unknown[] = [];

  constructor() {
    this.views
      .pipe(tumblingWindow<View, string, number, number>({ size: MIN, key: (v) => v.page, aggregate: count(), store: this.windowStore, name: 'views', allowedLateness: MIN, cacheSize: 0, checkpoint: this.recorder }))
      .subscribe({ error: (err: unknown) => this.errors.push(err) });
    this.orders
      .pipe(
        intervalJoin<Order, Payment, 'left'>(this.payments, {
          leftKey: (o) => o.orderId,
          rightKey: (p) => p.orderId,
          lowerBound: 0,
          upperBound: 10 * MIN,
          type: 'left',
          store: this.joinStore,
          name: 'payments',
          checkpoint: this.recorder,
        }),
      )
      .subscribe({ error: (err: unknown) => this.errors.push(err) });
  }

  /** Sends barrier `id` on every input and returns the encoded stores of that checkpoint. */
  barrier(id: number): Record<string, Uint8Array> {
    this.views.next(barrier(id));
    this.orders.next(barrier(id));
    this.payments.next(barrier(id));
    if (this.errors.length > 0) throw this.errors[0];
    const snaps = this.recorder.snapshotsOf(id);
    const encode = (op: string): Uint8Array => {
      const s = snaps.get(op);
      if (s === undefined) throw new Error(`no snapshot of ${op} for checkpoint ${id}`);
      return s.encode();
    };
    return { windows: encode('views'), joins: encode('payments') };
  }
}

/** The checkpoint data saved as checkpoints 1 and 2 (see {@link makeCheckpointDir}). */
export function runJob(): CheckpointData[] {
  const job = new Job();
  job.views.next(record({ page: 'home' }, 1_000));
  job.views.next(record({ page: 'about' }, 2_000));
  job.views.next(record({ page: 'home' }, 3_000));
  job.views.next(record({ page: 'home' }, MIN + 1_000));
  job.views.next(watermark(MIN)); // fires [0, 60000), kept for the allowed lateness: its timer flagged FIRED
  job.orders.next(record({ orderId: 1, amount: 10 }, 1_000));
  job.orders.next(record({ orderId: 2, amount: 25 }, 2_000));
  job.payments.next(record({ orderId: 1, paid: 10 }, 5_000)); // matches order 1: flags=1
  const first = job.barrier(1);

  job.views.next(record({ page: 'about' }, MIN + 2_000));
  job.orders.next(record({ orderId: 3, amount: 7.5 }, 4_000));
  const second = job.barrier(2);

  const checkpoint = (id: number, stores: Record<string, Uint8Array>, line: number): CheckpointData => ({
    id,
    time: T0 + id * 1_000,
    sources: {
      views: { offset: { file: 'views.jsonl', line }, maxTimestamp: MIN + id * 1_000, watermark: MIN, sinceWatermark: 0 },
      orders: { offset: line - 2, maxTimestamp: 2_000 * id, watermark: -Infinity, sinceWatermark: id },
      payments: { offset: null, maxTimestamp: -Infinity, watermark: -Infinity, sinceWatermark: 0 },
    },
    sinks: { out: { pending: [`part-${id}`], committed: id - 1 } },
    stores,
  });
  return [checkpoint(1, first, 4), checkpoint(2, second, 5)];
}

/** A fresh directory under the OS temp dir holding checkpoints 1 and 2 of {@link runJob}. */
export async function makeCheckpointDir(): Promise<string> {
  const dir = await makeTempDir();
  const storage = new FileCheckpointStorage(dir, { fsync: false, retain: 10 });
  for (const data of runJob()) await storage.save(data);
  return dir;
}

export function makeTempDir(): Promise<string> {
  return fs.mkdtemp(path.join(os.tmpdir(), 'weir-cli-test-'));
}

export function removeDir(dir: string): Promise<void> {
  return fs.rm(dir, { recursive: true, force: true });
}

/** The directory of checkpoint `id` in `dir` (spelled out, to pin the layout). */
export function chkDir(dir: string, id: number): string {
  return path.join(dir, `chk-${String(id).padStart(12, '0')}`);
}

/** Flips one byte in the middle of a file. */
export async function flipByte(file: string): Promise<void> {
  const data = await fs.readFile(file);
  const i = data.length >> 1;
  data[i] = (data[i] ?? 0) ^ 0x01;
  await fs.writeFile(file, data);
}

/** What a command wrote, and its exit code. */
export interface Captured {
  readonly code: number;
  readonly out: string;
  readonly err: string;
}

/** Runs a command with collecting writers. */
export async function capture(command: (io: CliIO) => Promise<number>): Promise<Captured> {
  let out = '';
  let err = '';
  const code = await command({ stdout: (s) => (out += s), stderr: (s) => (err += s) });
  return { code, out, err };
}

/** Decodes the stores of a checkpoint (to cross-check what inspect prints). */
export function entryCount(bytes: Uint8Array | undefined): number {
  if (bytes === undefined) throw new Error('no such store');
  return StateSnapshot.decode(bytes).len();
}
