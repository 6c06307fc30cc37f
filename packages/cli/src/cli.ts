import { checkpointsCommand } from './commands/checkpoints';
import { DEFAULT_LIMIT, inspectCommand } from './commands/inspect';
import { parseHex } from './format';
import { EXIT_OK, EXIT_USAGE, reportError, usageError, type CliIO } from './io';

/** The text `weir help` prints. */
export const HELP = `Usage: weir <command> [options]

Inspect the checkpoints a weir job writes with FileCheckpointStorage.

Commands:
  checkpoints <dir> [--json]   List the checkpoints in <dir>, newest first: id, time, size,
                               stores, source offsets and whether each one is valid.
  inspect <dir> [id]           Show a checkpoint (default: the newest valid one): its sources,
                               sinks, and each store's entries in key order, keys decoded as
                               tuples and values as msgpack where possible.
  help                         Show this help.

Options:
  --json            (checkpoints) print JSON instead of a table
  --store <name>    (inspect) show only this store
  --prefix <hex>    (inspect) show only keys starting with these bytes, e.g. 0276696577730002
                    (an operator's keys: 02, its name in UTF-8, 00, then a section byte)
  --limit <n>       (inspect) show at most n entries per store (default ${DEFAULT_LIMIT})
  -h, --help        show this help

Exit codes: 0 done, 1 failed (missing directory, unknown or corrupt checkpoint, unknown
store), 2 bad arguments.
`;

interface OptionSpec {
  readonly booleans: readonly string[];
  readonly strings: readonly string[];
}

interface ParsedArgs {
  readonly positionals: string[];
  readonly flags: Set<string>;
  readonly values: Map<string, string>;
}

const COMMANDS: Record<string, OptionSpec> = {
  checkpoints: { booleans: ['json', 'help'], strings: [] },
  inspect: { booleans: ['help'], strings: ['store', 'prefix', 'limit'] },
  help: { booleans: ['help'], strings: [] },
};

/**
 * Runs the `weir` command line `argv` (without `node` and the script: `['inspect', './chk']`),
 * writing to `io`. Never throws: every error is one line on `io.stderr`.
 *
 * @returns the exit code: 0 done, 1 failed, 2 bad arguments
 *
 * @example
 * ```ts
 * const code = await run(['checkpoints', './chk', '--json'], { stdout: (s) => process.stdout.write(s), stderr: (s) => process.stderr.write(s) });
 * ```
 */
export async function run(argv: readonly string[], io: CliIO): Promise<number> {
  try {
    const [command, ...rest] = argv;
    if (command === undefined) {
      io.stderr(HELP);
      return EXIT_USAGE;
    }
    if (command === '--help' || command === '-h') {
      io.stdout(HELP);
      return EXIT_OK;
    }
    const spec = Object.hasOwn(COMMANDS, command) ? COMMANDS[command] : undefined;
    if (spec === undefined) {
      throw usageError(command.startsWith('-') ? `expected a command before ${command}` : `unknown command ${JSON.stringify(command)} (commands: ${Object.keys(COMMANDS).join(', ')})`);
    }
    const args = parseArgs(command, rest, spec);
    if (command === 'help' || args.flags.has('help')) {
      io.stdout(HELP);
      return EXIT_OK;
    }
    if (command === 'checkpoints') {
      const [dir] = expectPositionals(command, args, ['<dir>'], []);
      return await checkpointsCommand({ dir: dir!, json: args.flags.has('json') }, io);
    }
    const [dir, id] = expectPositionals(command, args, ['<dir>'], ['[id]']);
    const prefixText = args.values.get('prefix');
    const prefix = prefixText === undefined ? undefined : parseHex(prefixText);
    if (prefixText !== undefined && prefix === undefined) throw usageError(`--prefix must be hex bytes (an even number of hex digits), got ${JSON.stringify(prefixText)}`);
    const limitText = args.values.get('limit');
    const store = args.values.get('store');
    return await inspectCommand(
      {
        dir: dir!,
        ...(id === undefined ? {} : { id: parseCount(id, 'a checkpoint id') }),
        ...(store === undefined ? {} : { store }),
        ...(prefix === undefined ? {} : { prefix }),
        ...(limitText === undefined ? {} : { limit: parseCount(limitText, '--limit') }),
      },
      io,
    );
  } catch (err) {
    return reportError(err, io);
  }
}

/** Splits `args` into positionals, boolean flags and `--name value` / `--name=value` options. */
function parseArgs(command: string, args: readonly string[], spec: OptionSpec): ParsedArgs {
  const positionals: string[] = [];
  const flags = new Set<string>();
  const values = new Map<string, string>();
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (arg === '--') {
      positionals.push(...args.slice(i + 1));
      break;
    }
    if (arg === '-h') {
      flags.add('help');
      continue;
    }
    if (!arg.startsWith('-')) {
      positionals.push(arg);
      continue;
    }
    if (!arg.startsWith('--')) throw usageError(`weir ${command}: unknown option ${arg}`);
    const eq = arg.indexOf('=');
    const name = arg.slice(2, eq < 0 ? undefined : eq);
    if (spec.booleans.includes(name)) {
      if (eq >= 0) throw usageError(`weir ${command}: option --${name} takes no value`);
      flags.add(name);
    } else if (spec.strings.includes(name)) {
      let value: string | undefined;
      if (eq >= 0) value = arg.slice(eq + 1);
      else if (i + 1 < args.length && !args[i + 1]!.startsWith('--')) value = args[++i];
      if (value === undefined) throw usageError(`weir ${command}: option --${name} needs a value`);
      if (values.has(name)) throw usageError(`weir ${command}: option --${name} given twice`);
      values.set(name, value);
    } else {
      throw usageError(`weir ${command}: unknown option --${name}`);
    }
  }
  return { positionals, flags, values };
}

/** The positionals, checked against the required and optional ones the command takes. */
function expectPositionals(command: string, args: ParsedArgs, required: readonly string[], optional: readonly string[]): (string | undefined)[] {
  const { positionals } = args;
  const usage = `weir ${command} ${[...required, ...optional].join(' ')}`;
  if (positionals.length < required.length) throw usageError(`weir ${command}: missing ${required[positionals.length]} (usage: ${usage})`);
  if (positionals.length > required.length + optional.length) {
    throw usageError(`weir ${command}: unexpected argument ${JSON.stringify(positionals[required.length + optional.length])} (usage: ${usage})`);
  }
  if (positionals.some((p) => p === '')) throw usageError(`weir ${command}: an empty argument (usage: ${usage})`);
  return positionals;
}

/** A non-negative integer argument in decimal digits. */
function parseCount(text: string, what: string): number {
  const n = /^\d+$/.test(text) ? Number(text) : NaN;
  if (!Number.isSafeInteger(n)) throw usageError(`${what} must be a non-negative integer, got ${JSON.stringify(text)}`);
  return n;
}

/**
 * The `weir` binary: runs `process.argv` against the process streams and sets
 * `process.exitCode`. A closed stdout (`weir inspect … | head`) ends the process quietly.
 */
export async function main(): Promise<void> {
  process.stdout.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE') process.exit(process.exitCode ?? EXIT_OK);
    throw err;
  });
  process.exitCode = await run(process.argv.slice(2), {
    stdout: (text) => void process.stdout.write(text),
    stderr: (text) => void process.stderr.write(text),
  });
}

if (require.main === module) void main();
