// How both example jobs' entry points end: a failure is one message and exit code 1.

/** Runs `main`; on failure prints `<what> failed: <stack>` and exits with 1. */
export function runMain(what: string, main: () => Promise<void>): void {
  main().catch((err: unknown) => {
    process.stderr.write(`\n${what} failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exit(1);
  });
}
