import { parseArgs, type ParseArgsConfig } from 'node:util';
import { messageOf } from '@weir/state';
import { checkpointsCommand } from './commands/checkpoints';
import { DEFAULT_LIMIT, inspectCommand } from './commands/inspect';
import { DEFAULT_TOP_INTERVAL_MS, topCommand } from './commands/top';
import { parseHex } from './format';
import { EXIT_OK, EXIT_USAGE, reportError, usageError, type CliIO } from './io';

/** The text `weir help` prints. */
export const HELP = `Usage: weir <command> [options]

Inspect the checkpoints a weir job writes with FileCheckpointStorage, and watch a running job.

Commands:
  checkpoints <dir> [--json]   List the checkpoints in <dir>, newest first: id, time, size,
                               stores, source offsets and whether each one is valid.
  inspect <dir> [id]           Show a checkpoint (default: the newest valid one): its sources,
                               sinks, and each store's entries in key order, keys decoded as
                               tuples and values as msgpack where possible.
  top <url>                    Watch a running job that serves its status (serveJob, or an
                               example job's --http): sources (records/s, watermark lag),
                               their partitions, operators (in/out/late rates), stores,
                               last checkpoints, and a worker's partitions and key groups,
                               redrawn every interval until Ctrl-C.
  help                         Show this help.

Options:
  --json            (checkpoints) print JSON instead of a table
  --store <name>    (inspect) show only this store
  --prefix <hex>    (inspect) show only keys starting with these bytes, e.g. 0276696577730002
                    (an operator's keys: 02, its name in UTF-8, 00, then a section byte)
  --limit <n>       (inspect) show at most n entries per store (default ${DEFAULT_LIMIT})
  --token <t>       (top) the bearer token the job's endpoint requires
  --interval <ms>   (top) between two reads of /status (default ${DEFAULT_TOP_INTERVAL_MS})
  --once            (top) print one frame (two reads one interval apart, for the rates) and exit
  -h, --help        show this help

Exit codes: 0 done, 1 failed (missing directory, unknown or corrupt checkpoint, unknown
store, a job's /status not readable with --once), 2 bad arguments.
`;

/** The options of a command, as `node:util`'s `parseArgs` takes them. */
type OptionSpec = NonNullable<ParseArgsConfig['options']>;

/** What {@link parseCommandLine} returns. */
interface ParsedArgs {
  readonly positionals: readonly string[];
  readonly values: Readonly<Record<string, string | boolean | Array<string | boolean> | undefined>>;
}

const HELP_OPTION: OptionSpec = { help: { type: 'boolean', short: 'h' } };

// String options are `multiple` so that one given twice is an error rather than the last winning.
const COMMANDS: Record<string, OptionSpec> = {
  checkpoints: { ...HELP_OPTION, json: { type: 'boolean' } },
  inspect: {
    ...HELP_OPTION,
    store: { type: 'string', multiple: true },
    prefix: { type: 'string', multiple: true },
    limit: { type: 'string', multiple: true },
  },
  top: {
    ...HELP_OPTION,
    token: { type: 'string', multiple: true },
    interval: { type: 'string', multiple: true },
    once: { type: 'boolean' },
  },
  help: HELP_OPTION,
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
    const args = parseCommandLine(command, rest, spec);
    if (command === 'help' || args.values.help === true) {
      io.stdout(HELP);
      return EXIT_OK;
    }
    if (command === 'checkpoints') {
      const [dir] = expectPositionals(command, args, ['<dir>'], []);
      return await checkpointsCommand({ dir: dir!, json: args.values.json === true }, io);
    }
    if (command === 'top') {
      const [url] = expectPositionals(command, args, ['<url>'], []);
      const token = optionValue(command, args, 'token');
      const interval = optionValue(command, args, 'interval');
      const once = args.values.once === true;
      return await topCommand(
        {
          url: url!,
          ...(token === undefined ? {} : { token }),
          ...(interval === undefined ? {} : { intervalMs: parsePositive(interval, '--interval') }),
          once,
          clear: !once && process.stdout.isTTY === true,
        },
        io,
      );
    }
    const [dir, id] = expectPositionals(command, args, ['<dir>'], ['[id]']);
    const prefixText = optionValue(command, args, 'prefix');
    const prefix = prefixText === undefined ? undefined : parseHex(prefixText);
    if (prefixText !== undefined && prefix === undefined) throw usageError(`--prefix must be hex bytes (an even number of hex digits), got ${JSON.stringify(prefixText)}`);
    const limitText = optionValue(command, args, 'limit');
    const store = optionValue(command, args, 'store');
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

/**
 * Splits `args` into positionals and options with `node:util`'s `parseArgs` in strict mode
 * (`--name value`, `--name=value`, `-h`, `--` ending the options). Its errors name the problem;
 * the option at fault is then found in the tokens of a lenient parse of the same arguments, so
 * that the message is one stable line in the words of the other usage errors.
 */
function parseCommandLine(command: string, args: readonly string[], options: OptionSpec): ParsedArgs {
  try {
    return parseArgs({ args: [...args], options, allowPositionals: true, strict: true });
  } catch (err) {
    throw usageError(`weir ${command}: ${describeParseError(err, args, options)}`);
  }
}

/** What is wrong with the first option in `args` that strict parsing rejects. */
function describeParseError(err: unknown, args: readonly string[], options: OptionSpec): string {
  const { tokens } = parseArgs({ args: [...args], options, allowPositionals: true, strict: false, tokens: true });
  for (const token of tokens) {
    if (token.kind !== 'option') continue;
    const type = Object.hasOwn(options, token.name) ? options[token.name]?.type : undefined;
    if (type === undefined) return `unknown option ${token.rawName}`;
    if (type === 'boolean' && token.value !== undefined) return `option ${token.rawName} takes no value`;
    if (type !== 'string') continue;
    // strict parsing refuses a separate value that starts with a dash: it is most likely an option
    const { value } = token;
    if (value === undefined || (!token.inlineValue && value.startsWith('--'))) return `option ${token.rawName} needs a value`;
    if (!token.inlineValue && value.startsWith('-')) {
      return `option ${token.rawName} needs a value, and ${value} looks like an option (write ${token.rawName}=${value} if it is the value)`;
    }
  }
  return messageOf(err);
}

/** The value of a string option given at most once; `undefined` when it is not given. */
function optionValue(command: string, args: ParsedArgs, name: string): string | undefined {
  const given = args.values[name];
  const values = given === undefined ? [] : Array.isArray(given) ? given : [given];
  if (values.length > 1) throw usageError(`weir ${command}: option --${name} given twice`);
  const [value] = values;
  return typeof value === 'string' ? value : undefined;
}

/** The positionals, checked against the required and optional ones the command takes. */
function expectPositionals(command: string, args: ParsedArgs, required: readonly string[], optional: readonly string[]): ReadonlyArray<string | undefined> {
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

/** A positive integer argument in decimal digits. */
function parsePositive(text: string, what: string): number {
  const n = parseCount(text, what);
  if (n === 0) throw usageError(`${what} must be a positive integer, got ${JSON.stringify(text)}`);
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
