import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { timingSafeEqual } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import type { JobView } from '@weir/checkpoint';
import { checkOptionKeys, describeValue, messageOf, optionKeys } from '@weir/state';
import { GcPauses } from './GcPauses';
import { HttpError } from './HttpError';
import { jobRegistry } from './jobRegistry';
import { buildJobStatus } from './buildJobStatus';
import { livePage } from './page/livePage';
import { handleOperatorQueryRequest } from './operatorQueryRequest';
import { handleStateRequest } from './stateRequest';
import { PartitionRouting, type ServePartitionOptions } from './PartitionRouting';

/** Options of {@link serveJob}. */
export interface ServeJobOptions {
  /** The TCP port; 0 picks a free one (read it from {@link JobServer.url}). */
  readonly port: number;
  /** The address to bind; default `'127.0.0.1'` (loopback only). Anything else exposes the job's state to the network. */
  readonly host?: string;
  /** When set, every request must carry `Authorization: Bearer <token>` (else 401). */
  readonly token?: string;
  /** The job's name in `/status` and `weir_job_info`; default `'weir-job'`. */
  readonly name?: string;
  /**
   * When the job is one worker of a partitioned job (`@weir/partition`): which worker, so that a
   * key query for a key group another worker owns answers 421 naming that worker (see
   * {@link ServePartitionOptions}), and `/status` says what this worker owns.
   */
  readonly partition?: ServePartitionOptions;
}

const KEYS = optionKeys<ServeJobOptions>({ port: true, host: true, token: true, name: true, partition: true });

/** A running {@link serveJob} server. */
export interface JobServer {
  /** `http://host:port` of the server (the port chosen when `port` was 0). */
  readonly url: string;
  /** The port it listens on. */
  readonly port: number;
  /** Stops listening and closes open connections; resolves once closed. */
  close(): Promise<void>;
}

/** What {@link serveJob} serves: anything with a `view()`, the `CheckpointCoordinator` of a job. */
export interface ServableJob {
  view(): JobView;
}

/**
 * Serves a running job over HTTP (docs/architecture.md §7), read-only and GET-only:
 *
 * - `/`: the live page (charts of records/s and watermark lag, stores, checkpoints);
 * - `/metrics`: Prometheus text (prom-client, a registry of this server's own): `weir_records_in_total{operator}`,
 *   `weir_records_out_total`, `weir_records_late_total`, `weir_records_invalid_total`, `weir_source_records_total{source}`,
 *   `weir_partition_records_total{source,partition}`, `weir_watermark_lag_seconds{source,partition}`, `weir_store_entries{store}`, `weir_store_bytes{store}`,
 *   `weir_checkpoints_completed_total`, `weir_checkpoints_failed_total`, `weir_checkpoint_duration_seconds`,
 *   `weir_checkpoint_size_bytes`, `weir_checkpoint_age_seconds`, `weir_checkpoint_stall_seconds`, and the default process
 *   and Node.js metrics (heap, RSS, GC pauses);
 * - `/status`: the same as one {@link JobStatus} JSON document;
 * - `/state`: the stores; `/state/<store>?key=…`, `?prefix=…`, `?from=…&to=…`, `&limit=`: entries of a store, decoded
 *   (see {@link queryStore});
 * - `/query`: the operators offering a key query; `/query/<operator>?key=…`: that operator's answer for one key (a
 *   window operator's open windows of the key with their bounds, running results and whether they fired; a lookup or
 *   temporal join's current row), read live through the operator's write-back cache. The key is a string (`home`), an
 *   integer (`7`), a quoted string (`"7"`) or hex bytes (`0x0a0b`). With the `partition` option, a key whose group this
 *   worker owns is answered with its `keyGroup` and `worker` too, and any other key with 421 (Misdirected Request)
 *   `{ error, operator, key, keyGroup, owner: { worker, url? } }`.
 *
 * Answers 400 with a message for a malformed query, 404 naming an unknown store, operator or path, 401
 * without the bearer token when one is set (for everything but the page at `/`, which holds no
 * job data: it sends the token from its `#token=` fragment with each request), 405 for any
 * method but GET. Every request is
 * answered on the event loop between two record batches (the job's record path is synchronous):
 * a request costs the job the time to build its answer, O(sources + operators + stores) for
 * `/status` and `/metrics`, O(log n + limit) for a store query, the operator's query for a key query (O(open windows
 * of the key) for a window, O(1) for a lookup join).
 *
 * @throws HttpError `INVALID_ARGUMENT` for a bad option (an unknown key included), `LISTEN` when the port cannot be bound
 *
 * @example
 * ```ts
 * const job = await CheckpointCoordinator.open({ storage });
 * const server = await serveJob(job, { port: 9464, name: 'clicks' });
 * try {
 *   await job.run(pipeline);
 * } finally {
 *   await server.close();
 * }
 * ```
 */
export async function serveJob(job: ServableJob, options: ServeJobOptions): Promise<JobServer> {
  checkOptions(job, options);
  const routing = options.partition === undefined ? undefined : PartitionRouting.of(options.partition);
  const view = job.view();
  const name = options.name ?? 'weir-job';
  const host = options.host ?? '127.0.0.1';
  const gc = new GcPauses();
  const registry = jobRegistry(view, name);
  const expected = options.token === undefined ? undefined : Buffer.from(`Bearer ${options.token}`);

  const server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => send(res, 500, { error: `internal error: ${messageOf(err)}` }));
  });
  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const path = url.pathname;
    if (req.method === 'GET' && path === '/') {
      // The live page is served without the token: it holds no job data, only the code that asks
      // /status for it with the token from the page's #token= fragment (which a browser never
      // sends to the server). A browser opening a URL cannot send an Authorization header.
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' }).end(livePage());
      return;
    }
    if (expected !== undefined && !authorized(req.headers.authorization, expected)) {
      res.setHeader('www-authenticate', 'Bearer realm="weir"');
      return send(res, 401, { error: 'missing or wrong bearer token (send Authorization: Bearer <token>)' });
    }
    if (req.method !== 'GET') {
      res.setHeader('allow', 'GET');
      return send(res, 405, { error: `method ${req.method ?? '?'} not allowed: this server is read-only (GET)` });
    }
    if (path === '/metrics') {
      const text = await registry.metrics();
      res.writeHead(200, { 'content-type': registry.contentType, 'cache-control': 'no-store' }).end(text);
    } else if (path === '/status') {
      send(res, 200, buildJobStatus(view, name, gc, routing?.own));
    } else if (path === '/state' || path.startsWith('/state/')) {
      const answer = handleStateRequest(view, path, url.searchParams);
      send(res, answer.status, answer.body);
    } else if (path === '/query' || path.startsWith('/query/')) {
      const answer = handleOperatorQueryRequest(view, path, url.searchParams, routing);
      send(res, answer.status, answer.body);
    } else {
      send(res, 404, { error: `no such path ${JSON.stringify(path)} (paths: /, /metrics, /status, /state, /state/<store>, /query, /query/<operator>)` });
    }
  }

  await listen(server, options.port, host);
  gc.start();
  const port = (server.address() as AddressInfo).port;
  const shownHost = host.includes(':') ? `[${host}]` : host;
  return {
    url: `http://${shownHost}:${port}`,
    port,
    close: () =>
      new Promise<void>((resolve, reject) => {
        gc.stop();
        server.close((err) => (err === undefined ? resolve() : reject(err)));
        server.closeAllConnections();
      }),
  };
}

function checkOptions(job: ServableJob, options: ServeJobOptions): void {
  const bad = (message: string): HttpError => new HttpError('INVALID_ARGUMENT', message);
  if (typeof job?.view !== 'function') throw bad(`serveJob: expected a job (a CheckpointCoordinator), got ${describeValue(job)}`);
  if (typeof options !== 'object' || options === null) throw bad(`serveJob: expected options { port }, got ${describeValue(options)}`);
  checkOptionKeys('serveJob', options, KEYS, (message) => bad(message));
  if (!Number.isSafeInteger(options.port) || options.port < 0 || options.port > 65_535) throw bad(`serveJob: option \`port\` must be an integer in [0, 65535], got ${describeValue(options.port)}`);
  if (options.host !== undefined && (typeof options.host !== 'string' || options.host.length === 0)) throw bad(`serveJob: option \`host\` must be a non-empty string, got ${describeValue(options.host)}`);
  if (options.token !== undefined && (typeof options.token !== 'string' || options.token.length === 0 || /[\s]/.test(options.token))) {
    throw bad(`serveJob: option \`token\` must be a non-empty string without whitespace, got ${describeValue(options.token)}`);
  }
  if (options.name !== undefined && (typeof options.name !== 'string' || options.name.length === 0)) throw bad(`serveJob: option \`name\` must be a non-empty string, got ${describeValue(options.name)}`);
}

function authorized(header: string | undefined, expected: Buffer): boolean {
  if (header === undefined) return false;
  const got = Buffer.from(header);
  return got.length === expected.length && timingSafeEqual(got, expected);
}

function send(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' }).end(`${JSON.stringify(body)}\n`);
}

function listen(server: Server, port: number, host: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const onError = (err: Error): void => reject(new HttpError('LISTEN', `serveJob: cannot listen on ${host}:${port}: ${err.message}`, { cause: err }));
    server.once('error', onError);
    server.listen(port, host, () => {
      server.off('error', onError);
      resolve();
    });
  });
}
