import { CheckpointError } from '@weir/checkpoint';

/**
 * Where a command writes: `stdout` receives its output, `stderr` its notes and error messages.
 * Each call passes whole lines, newline included. The `weir` binary passes the process streams;
 * tests pass collecting functions.
 *
 * @example
 * ```ts
 * let out = '';
 * const io: CliIO = { stdout: (s) => (out += s), stderr: (s) => process.stderr.write(s) };
 * const code = await checkpointsCommand({ dir: './checkpoints' }, io);
 * ```
 */
export interface CliIO {
  /** Receives the command's output. */
  readonly stdout: (text: string) => void;
  /** Receives notes (a skipped checkpoint) and error messages. */
  readonly stderr: (text: string) => void;
}

/** Exit code of a command that did what was asked. */
export const EXIT_OK = 0;
/** Exit code of a command that failed: a missing directory, an unknown or corrupt checkpoint, ... */
export const EXIT_FAILURE = 1;
/** Exit code of a command called wrongly: an unknown command or option, a malformed argument. */
export const EXIT_USAGE = 2;

/**
 * An expected failure of a command: printed as one line `weir: <message>` on stderr, without a
 * stack trace, and turned into the exit code `exitCode`.
 */
export class CliError extends Error {
  /** {@link EXIT_FAILURE} or {@link EXIT_USAGE}. */
  readonly exitCode: number;

  /**
   * @param message - what went wrong, on one line, naming the offending value
   * @param exitCode - {@link EXIT_FAILURE} (default) or {@link EXIT_USAGE}
   */
  constructor(message: string, exitCode: number = EXIT_FAILURE) {
    super(message);
    this.name = 'CliError';
    this.exitCode = exitCode;
  }
}

/** A {@link CliError} for a command called wrongly (exit code 2); the message points at the help. */
export function usageError(message: string): CliError {
  return new CliError(`${message} (see \`weir help\`)`, EXIT_USAGE);
}

/**
 * Prints `err` on stderr and returns the exit code for it. Expected failures (a {@link CliError},
 * a `CheckpointError` from the storage: unreadable directory, corrupt checkpoint) print one line;
 * anything else is a bug and prints its stack.
 */
export function reportError(err: unknown, io: CliIO): number {
  if (err instanceof CliError) {
    io.stderr(`weir: ${oneLine(err.message)}\n`);
    return err.exitCode;
  }
  if (err instanceof CheckpointError) {
    io.stderr(`weir: ${oneLine(err.message)}\n`);
    return EXIT_FAILURE;
  }
  const text = err instanceof Error ? (err.stack ?? err.message) : String(err);
  io.stderr(`weir: internal error: ${text}\n`);
  return EXIT_FAILURE;
}

/** Folds a message onto one line (OS errors and reasons can carry newlines). */
export function oneLine(message: string): string {
  return message.replace(/\s*\n\s*/g, ' ');
}
