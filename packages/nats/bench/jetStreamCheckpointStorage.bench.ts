// cd packages/nats && TS_NODE_TRANSPILE_ONLY=1 node --expose-gc -r ts-node/register -r tsconfig-paths/register bench/jetStreamCheckpointStorage.bench.ts
//
// What a large checkpoint costs in JetStreamCheckpointStorage against FileCheckpointStorage on
// this machine's disk, in the same run: one checkpoint of --mib MiB (one store, in 64 KiB chunks
// as the coordinator hands them over, cycled from a pool of 32 random chunks so producing them
// costs nothing), saved, listed (every byte checked) and loaded. One loopback nats-server (Debian
// 2.9.10, file storage, R1), started here and stopped by pid. Both storages with default options
// (FileCheckpointStorage fsyncs; nats-server writes to its files and syncs on its own interval).
// Each round runs every row once, in the order printed, on a fresh bucket or directory; each
// figure is the median over the rounds. "Save memory" is the largest growth of live memory
// (heapUsed + arrayBuffers right after a forced GC, sampled every 50 ms) during a second, untimed
// save of the same checkpoint, showing
// that a store is streamed, not gathered (run with --expose-gc, as below).
// Prints a table; writes bench/results/jetStreamCheckpointStorage.json (machine, Node, load
// average, every round). Options: --mib 50  --repeat 3
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { FileCheckpointStorage, type CheckpointStorage } from '@weir/checkpoint';
import { benchOptions } from '../../../bench/lib/benchOptions';
import { machineInfo, printTable, writeResults } from '../../../bench/lib/report';
import { connectNats, JetStreamCheckpointStorage } from '../src';
import { startNatsServer } from '../src/testing';

const options = benchOptions({ mib: 50, repeat: 3 });
const CHUNK = 64 * 1024;
const CHUNKS = Math.round((options.mib * 1024 * 1024) / CHUNK);
const pool = Array.from({ length: 32 }, () => randomBytes(CHUNK));

interface Round {
  saveMs: number;
  listMs: number;
  loadMs: number;
  saveMemoryMiB: number;
}

async function* chunks(): AsyncGenerator<Uint8Array> {
  for (let i = 0; i < CHUNKS; i++) yield pool[i % pool.length]!;
}

function memory(): number {
  const m = process.memoryUsage();
  return m.heapUsed + m.arrayBuffers;
}

async function round(storage: CheckpointStorage): Promise<Round> {
  const checkpoint = (id: number) => ({ id, time: Date.now(), sources: {}, sinks: {}, stores: { big: chunks() } });
  const t0 = performance.now();
  await storage.save(checkpoint(1));
  const t1 = performance.now();
  const [info] = await storage.list();
  const t2 = performance.now();
  if (info?.valid !== true || info.bytes !== CHUNKS * CHUNK) throw new Error(`the saved checkpoint does not check out: ${JSON.stringify(info)}`);
  const loaded = await storage.load(1);
  const t3 = performance.now();
  if (loaded.stores.big?.byteLength !== CHUNKS * CHUNK) throw new Error('the loaded store has the wrong size');

  // A second save, untimed, for its live memory (forced collections would distort the timing).
  const gc = (globalThis as { gc?: () => void }).gc;
  gc?.();
  const base = memory();
  let peak = base;
  const sampler = setInterval(() => {
    gc?.(); // live memory, not garbage waiting for a collection
    peak = Math.max(peak, memory());
  }, 50);
  try {
    await storage.save(checkpoint(2));
  } finally {
    clearInterval(sampler);
  }
  return { saveMs: t1 - t0, listMs: t2 - t1, loadMs: t3 - t2, saveMemoryMiB: (peak - base) / 2 ** 20 };
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[s.length >> 1]!;
}

async function main(): Promise<void> {
  const loadBefore = loadavg();
  const server = await startNatsServer();
  const nc = await connectNats({ servers: server.url });
  const rows: Array<{ name: string; run: (r: number) => Promise<Round> }> = [
    {
      name: 'FileCheckpointStorage (defaults, fsync)',
      run: async () => {
        const dir = await mkdtemp(join(tmpdir(), 'weir-chk-bench-'));
        try {
          return await round(new FileCheckpointStorage(dir));
        } finally {
          await rm(dir, { recursive: true, force: true });
        }
      },
    },
    {
      name: 'JetStreamCheckpointStorage (defaults)',
      run: (r) => round(new JetStreamCheckpointStorage({ connection: nc, bucket: `bench-${r}` })),
    },
  ];
  const results: Record<string, Round[]> = {};
  try {
    for (let r = 0; r < options.repeat; r++) {
      for (const row of rows) (results[row.name] ??= []).push(await row.run(r));
    }
  } finally {
    await nc.close();
    await server.stop();
  }
  const loadAfter = loadavg();
  const mib = (CHUNKS * CHUNK) / 2 ** 20;
  const file = results[rows[0]!.name]!;
  const table = rows.map((row) => {
    const rs = results[row.name]!;
    const save = median(rs.map((x) => x.saveMs));
    const list = median(rs.map((x) => x.listMs));
    const load = median(rs.map((x) => x.loadMs));
    return {
      name: row.name,
      save,
      list,
      load,
      saveMiBs: mib / (save / 1000),
      loadMiBs: mib / (load / 1000),
      saveVsFile: save / median(file.map((x) => x.saveMs)),
      loadVsFile: load / median(file.map((x) => x.loadMs)),
      saveMemoryMiB: median(rs.map((x) => x.saveMemoryMiB)),
    };
  });
  const info = machineInfo();
  process.stdout.write(`checkpoint of ${mib.toFixed(0)} MiB in ${CHUNK / 1024} KiB chunks, median of ${options.repeat} rounds; ${info.cpu}, ${info.cores} cores, Node ${info.node}; load average ${loadBefore.map((l) => l.toFixed(2)).join(' ')} before, ${loadAfter.map((l) => l.toFixed(2)).join(' ')} after\n`);
  printTable(
    ['storage', 'save ms', 'list ms', 'load ms', 'save MiB/s', 'load MiB/s', 'save vs file', 'load vs file', 'save memory MiB'],
    table.map((t) => [t.name, t.save.toFixed(0), t.list.toFixed(0), t.load.toFixed(0), t.saveMiBs.toFixed(1), t.loadMiBs.toFixed(1), `${t.saveVsFile.toFixed(2)}x`, `${t.loadVsFile.toFixed(2)}x`, t.saveMemoryMiB.toFixed(1)]),
  );
  const out = writeResults('jetStreamCheckpointStorage', { machine: info, loadAverage: { before: loadBefore, after: loadAfter }, options, mib, chunkBytes: CHUNK, rows: table, rounds: results });
  process.stdout.write(`wrote ${out}\n`);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
