import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { NatsError } from '../NatsError';

/** The command that installs the server on Debian, named in every "not found" error. */
export const INSTALL_NATS_SERVER = 'apt-get install -y nats-server';

/** A `nats-server` process started by {@link startNatsServer}, on loopback, with JetStream. */
export interface NatsServerHandle {
  /** `nats://127.0.0.1:<port>` */
  readonly url: string;
  readonly port: number;
  /** The HTTP monitoring port (`/healthz`, `/jsz`). */
  readonly monitorPort: number;
  /** The JetStream storage directory (a temp dir, removed by {@link NatsServerHandle.stop}). */
  readonly storeDir: string;
  /** The current process id (changes on restart). */
  pid(): number;
  /** SIGTERM to the pid, wait for exit, remove the storage directory (unless `keepStore`). */
  stop(opts?: { keepStore?: boolean }): Promise<void>;
  /** SIGKILL to the pid (a crash), wait for exit; the storage directory stays for a restart. */
  kill(): Promise<void>;
  /** Starts the server again on the same ports and storage directory (after kill or stop with keepStore). */
  restart(): Promise<void>;
}

/** Options of {@link startNatsServer}. */
export interface NatsServerOptions {
  /** Server name (`-n`); default `weir-test-<port>`. */
  name?: string;
  /** Cluster listen port and routes, for {@link startNatsCluster}. */
  cluster?: { name: string; port: number; routes: number[] };
  /** Fixed client port (default: a free one). */
  port?: number;
  /** Reuse this storage directory (default: a new temp dir). */
  storeDir?: string;
}

/** Finds the `nats-server` executable on PATH (and /usr/sbin, where Debian puts it), or throws `SERVER`. */
export function findNatsServer(): string {
  const dirs = [...(process.env.PATH ?? '').split(delimiter), '/usr/sbin', '/usr/local/bin', '/usr/bin'];
  for (const dir of dirs) {
    if (dir === '') continue;
    const candidate = join(dir, 'nats-server');
    if (existsSync(candidate)) return candidate;
  }
  throw new NatsError('SERVER', `nats-server was not found on PATH or in /usr/sbin; install it with: ${INSTALL_NATS_SERVER}`);
}

/** A free TCP port on 127.0.0.1 (bound then released; the caller binds it right away). */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr !== null ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

async function waitHealthy(monitorPort: number, child: ChildProcess, log: () => string): Promise<void> {
  const deadline = Date.now() + 15_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new NatsError('SERVER', `nats-server exited during start-up (${child.exitCode ?? child.signalCode}): ${log()}`);
    }
    try {
      const res = await fetch(`http://127.0.0.1:${monitorPort}/healthz?js-enabled-only=true`);
      if (res.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new NatsError('SERVER', `nats-server did not become healthy on monitor port ${monitorPort} within 15 s: ${log()}`);
}

function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once('exit', () => resolve()));
}

/**
 * Starts Debian's `nats-server` with JetStream on a free loopback port and a temp storage dir,
 * and waits until `/healthz?js-enabled-only=true` answers (~50 ms). Stop it with
 * `handle.stop()`: always by its pid, never by name.
 *
 * @example
 * ```ts
 * const server = await startNatsServer();
 * const nc = await connect({ servers: server.url });
 * // ...
 * await server.stop();
 * ```
 */
export async function startNatsServer(options: NatsServerOptions = {}): Promise<NatsServerHandle> {
  const exe = findNatsServer();
  const port = options.port ?? (await freePort());
  const monitorPort = await freePort();
  const storeDir = options.storeDir ?? (await mkdtemp(join(tmpdir(), 'weir-nats-')));
  let child: ChildProcess;
  let output = '';

  const launch = async (): Promise<void> => {
    const args = ['-js', '-a', '127.0.0.1', '-p', String(port), '-m', String(monitorPort), '-sd', storeDir, '-n', options.name ?? `weir-test-${port}`];
    if (options.cluster !== undefined) {
      const { name, port: cport, routes } = options.cluster;
      args.push('--cluster_name', name, '-cluster', `nats://127.0.0.1:${cport}`);
      if (routes.length > 0) args.push('-routes', routes.map((r) => `nats://127.0.0.1:${r}`).join(','));
    }
    output = '';
    child = spawn(exe, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    const keep = (chunk: Buffer): void => {
      output = (output + chunk.toString()).slice(-4000);
    };
    child.stdout?.on('data', keep);
    child.stderr?.on('data', keep);
    await waitHealthy(monitorPort, child, () => output);
  };
  await launch();

  return {
    url: `nats://127.0.0.1:${port}`,
    port,
    monitorPort,
    storeDir,
    pid: () => child.pid ?? -1,
    async stop(opts) {
      if (child.pid !== undefined && child.exitCode === null && child.signalCode === null) process.kill(child.pid, 'SIGTERM');
      await exited(child);
      if (opts?.keepStore !== true) await rm(storeDir, { recursive: true, force: true });
    },
    async kill() {
      if (child.pid !== undefined && child.exitCode === null && child.signalCode === null) process.kill(child.pid, 'SIGKILL');
      await exited(child);
    },
    async restart() {
      if (child.exitCode === null && child.signalCode === null) throw new NatsError('SERVER', `nats-server ${child.pid} is still running; kill or stop it before restart`);
      await launch();
    },
  };
}

/**
 * Starts `size` loopback servers clustered over routes (JetStream RAFT), for R3 streams.
 * Resolves when every node is healthy and every node sees the same JetStream meta leader
 * (elected over RAFT, usually within 2-4 s), so streams can be created at once.
 */
export async function startNatsCluster(size = 3): Promise<NatsServerHandle[]> {
  const clusterPorts: number[] = [];
  for (let i = 0; i < size; i++) clusterPorts.push(await freePort());
  const name = `weir-c${clusterPorts[0]}`;
  const nodes = await Promise.all(
    clusterPorts.map((cport, i) =>
      startNatsServer({ name: `${name}-n${i}`, cluster: { name, port: cport, routes: clusterPorts.filter((p) => p !== cport) } }),
    ),
  );
  try {
    await waitForMetaLeader(nodes);
  } catch (e) {
    await Promise.all(nodes.map((n) => n.stop()));
    throw e;
  }
  return nodes;
}

/**
 * Waits until every running node of a cluster reports the same JetStream meta leader in
 * `/jsz` (after a start or after the leader was killed). Throws `SERVER` after `timeoutMs`.
 */
export async function waitForMetaLeader(nodes: readonly NatsServerHandle[], timeoutMs = 30_000): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  let last = '';
  while (Date.now() < deadline) {
    const leaders = new Set<string>();
    let answered = 0;
    for (const n of nodes) {
      try {
        const res = await fetch(`http://127.0.0.1:${n.monitorPort}/jsz`);
        const jsz = JSON.parse(await res.text()) as { meta_cluster?: { leader?: string } };
        answered++;
        leaders.add(jsz.meta_cluster?.leader ?? '');
      } catch {
        // a killed node does not answer; the others decide
      }
    }
    last = [...leaders].join(',');
    if (answered > 0 && leaders.size === 1 && !leaders.has('')) return [...leaders][0] ?? '';
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new NatsError('SERVER', `no JetStream meta leader agreed by the cluster within ${timeoutMs} ms (saw '${last}')`);
}

/** The JetStream storage files (`.blk`) of a server's storage directory, for corruption tests. */
export async function jetStreamBlockFiles(storeDir: string): Promise<string[]> {
  const out: string[] = [];
  const walk = async (dir: string): Promise<void> => {
    for (const e of await readdir(dir, { withFileTypes: true })) {
      const p = join(dir, e.name);
      if (e.isDirectory()) await walk(p);
      else if (e.name.endsWith('.blk')) out.push(p);
    }
  };
  await walk(storeDir);
  return out;
}

/** Reads the server's `/jsz` monitoring JSON (streams, messages, leaders). */
export async function jetStreamInfo(server: NatsServerHandle): Promise<unknown> {
  const res = await fetch(`http://127.0.0.1:${server.monitorPort}/jsz?streams=true`);
  return JSON.parse(await res.text()) as unknown;
}

