// The command-line frame both example jobs run in: fresh starts, a live status line, Ctrl-C.
import { rm } from 'node:fs/promises';
import { StatusLine, type Progress } from './status';

/** How a running job reports: log lines, and the probe of its progress once it has started. */
export interface JobReporting {
  log(message: string): void;
  onStart(progress: () => Progress): void;
}

/** What {@link runWithStatus} needs to know about the run. */
export interface RunOptions {
  /** The job's name on the status line. */
  readonly job: string;
  /** Where its checkpoints live. */
  readonly checkpoints: string;
  /** `--fresh` was given. */
  readonly fresh: boolean;
  /** The input was generated just now (earlier checkpoints describe other data). */
  readonly generated: boolean;
  /** Input records in all, for the status line's percentage. */
  readonly total: number;
}

/**
 * Runs `run` with a live status line: deletes the checkpoints first when starting over (`--fresh`,
 * or new data), prints how to resume on Ctrl-C, and returns the job's summary and wall time.
 */
export async function runWithStatus<S>(o: RunOptions, run: (reporting: JobReporting) => Promise<S>): Promise<{ summary: S; elapsedMs: number }> {
  if (o.fresh || o.generated) {
    // Without checkpoints the job starts over, and its sinks delete the results of earlier runs.
    await rm(o.checkpoints, { recursive: true, force: true });
    if (o.fresh) console.log('  --fresh: checkpoints deleted, starting over');
  }
  let status: StatusLine | undefined;
  process.once('SIGINT', () => {
    // Nothing to clean up: the checkpoints on disk are complete, uncommitted output is discarded on restart.
    status?.stop();
    console.log('\n  interrupted: run the same command again to resume from the last checkpoint (--fresh starts over)');
    process.exit(130);
  });
  const started = Date.now();
  try {
    const summary = await run({
      log: (message) => (status === undefined ? console.log(`  ${message}`) : status.log(`  ${message}`)),
      onStart: (progress) => (status = new StatusLine(o.job, progress, { total: o.total })),
    });
    return { summary, elapsedMs: Date.now() - started };
  } finally {
    status?.stop();
  }
}
