// How both example jobs' entry points end: a failure is one message and exit code 1.
import { describeError } from './describeError';

/** Runs `main`; on failure prints `<what> failed: <error, its stack and its causes>` and exits with 1. */
export function runMain(what: string, main: () => Promise<void>): void {
  main().catch((err: unknown) => {
    process.stderr.write(`\n${what} failed: ${describeError(err)}\n`);
    process.exit(1);
  });
}
