// The example jobs' --http endpoint: serveJob on the job's coordinator while it runs.
import type { CheckpointCoordinator } from '@weir/checkpoint';
import { serveJob, type ServePartitionOptions } from '@weir/http';

/** Where a job serves /metrics, /status, its live page and its stores (`--http`, `--http-host`). */
export interface HttpEndpoint {
  /** The port; 0 picks a free one. */
  readonly port: number;
  /** The address to bind (default 127.0.0.1). */
  readonly host?: string;
  /** Called with the endpoint's URL once it listens (the mains print it; tests read from it). */
  readonly onListening?: (url: string) => void;
  /** For one worker of a partitioned job: which one, so key queries for other workers' keys answer 421 naming the owner. */
  readonly partition?: ServePartitionOptions;
}

/**
 * Runs `run` with `job` served over HTTP at `http` (nothing served when `http` is undefined);
 * the server is closed when `run` settles, whether it succeeded or failed.
 */
export async function servingWhileRunning<T>(job: CheckpointCoordinator, name: string, http: HttpEndpoint | undefined, run: () => Promise<T>): Promise<T> {
  if (http === undefined) return run();
  const server = await serveJob(job, { port: http.port, name, ...(http.host === undefined ? {} : { host: http.host }), ...(http.partition === undefined ? {} : { partition: http.partition }) });
  try {
    http.onListening?.(server.url);
    return await run();
  } finally {
    await server.close();
  }
}
