// Command-line options shared by the example jobs: --events N, --fresh, --dir PATH, --help.
import { resolve } from 'node:path';

export interface JobArgs {
  /** How many input events to generate (`undefined`: keep the existing data, or the default). */
  readonly events: number | undefined;
  /** Delete the checkpoints (and with them the results) and start over. */
  readonly fresh: boolean;
  /** Where data, checkpoints and results go. */
  readonly dir: string;
}

/** Parses `argv`; prints `usage` and exits on --help or a bad option. */
export function parseArgs(argv: readonly string[], defaultDir: string, usage: string): JobArgs {
  let events: number | undefined;
  let fresh = false;
  let dir = defaultDir;
  const fail = (message: string): never => {
    process.stderr.write(`${message}\n\n${usage}\n`);
    process.exit(2);
  };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const [name, inline] = arg.startsWith('--') && arg.includes('=') ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)] : [arg, undefined];
    const value = (): string => inline ?? argv[++i] ?? fail(`${name} needs a value`);
    switch (name) {
      case '--events':
        events = parseCount(value()) ?? fail(`--events: expected a positive number such as 5000, 200k or 1M, got ${argv[i]}`);
        break;
      case '--fresh':
        fresh = true;
        break;
      case '--dir':
        dir = resolve(value());
        break;
      case '--help':
      case '-h':
        process.stdout.write(`${usage}\n`);
        process.exit(0);
        break;
      default:
        fail(`unknown option ${arg}`);
    }
  }
  return { events, fresh, dir };
}

/** `5000`, `5_000`, `200k`, `1M`, `1e6` -> a positive integer; anything else -> undefined. */
export function parseCount(text: string): number | undefined {
  const m = /^(\d+(?:\.\d+)?(?:e\d+)?)([kKmM]?)$/.exec(text.replace(/_/g, ''));
  if (m === null) return undefined;
  const n = Math.round(Number(m[1]) * (m[2] === '' ? 1 : m[2]!.toLowerCase() === 'k' ? 1e3 : 1e6));
  return Number.isSafeInteger(n) && n > 0 ? n : undefined;
}
