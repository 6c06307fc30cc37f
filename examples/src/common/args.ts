// Command-line options shared by the example jobs: --events N, --fresh, --dir PATH, --http PORT,
// --http-host HOST, --help.
import { resolve } from 'node:path';
import { parseArgs as parseCommandLine } from 'node:util';
import { messageOf } from '@weir/state';

export interface JobArgs {
  /** How many input events to generate (`undefined`: keep the existing data, or the default). */
  readonly events: number | undefined;
  /** Delete the checkpoints (and with them the results) and start over. */
  readonly fresh: boolean;
  /** Where data, checkpoints and results go. */
  readonly dir: string;
  /** Serve /metrics, /status, the live page and the stores on this port while running (0: any free port). */
  readonly http?: number;
  /** The address the endpoint binds (default 127.0.0.1). */
  readonly httpHost?: string;
}

/** What a job's command line asks for: to run with these arguments, or to print the usage. */
export type JobCommand = { readonly help: true } | { readonly help: false; readonly args: JobArgs };

const OPTIONS = {
  events: { type: 'string' },
  fresh: { type: 'boolean' },
  dir: { type: 'string' },
  http: { type: 'string' },
  'http-host': { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

/**
 * Reads a job's command line with `node:util`'s `parseArgs` in strict mode: an unknown option, a
 * missing value, a stray argument or a malformed `--events` throws an Error whose message says
 * which. `--name value` and `--name=value` both work.
 */
export function readJobArgs(argv: readonly string[], defaultDir: string): JobCommand {
  const { values } = parseCommandLine({ args: [...argv], options: OPTIONS, strict: true, allowPositionals: false });
  if (values.help === true) return { help: true };
  let events: number | undefined;
  if (values.events !== undefined) {
    events = parseCount(values.events);
    if (events === undefined) throw new Error(`--events: expected a positive number such as 5000, 200k or 1M, got ${values.events}`);
  }
  const { http, httpHost } = readHttpArgs(values.http, values['http-host']);
  return {
    help: false,
    args: {
      events,
      fresh: values.fresh === true,
      dir: values.dir === undefined ? defaultDir : resolve(values.dir),
      ...(http === undefined ? {} : { http }),
      ...(httpHost === undefined ? {} : { httpHost }),
    },
  };
}

/** Checks the values of --http and --http-host (either may be absent; --http-host needs --http). */
export function readHttpArgs(port: string | undefined, host: string | undefined): { http?: number; httpHost?: string } {
  let http: number | undefined;
  if (port !== undefined) {
    http = /^\d{1,5}$/.test(port) ? Number(port) : NaN;
    if (!(http <= 65_535)) throw new Error(`--http: expected a port number from 0 to 65535 (0: any free port), got ${port}`);
  }
  if (host !== undefined && http === undefined) throw new Error('--http-host: only with --http PORT');
  if (host === '') throw new Error('--http-host: expected an address such as 127.0.0.1 or 0.0.0.0');
  return { ...(http === undefined ? {} : { http }), ...(host === undefined ? {} : { httpHost: host }) };
}

/** Parses `argv`; prints `usage` and exits on --help (code 0) or a bad option (code 2, with the reason). */
export function parseArgs(argv: readonly string[], defaultDir: string, usage: string): JobArgs {
  let command: JobCommand;
  try {
    command = readJobArgs(argv, defaultDir);
  } catch (err) {
    process.stderr.write(`${messageOf(err)}\n\n${usage}\n`);
    process.exit(2);
  }
  if (command.help) {
    process.stdout.write(`${usage}\n`);
    process.exit(0);
  }
  return command.args;
}

/** `5000`, `5_000`, `200k`, `1M`, `1e6` -> a positive integer; anything else -> undefined. */
export function parseCount(text: string): number | undefined {
  const m = /^(\d+(?:\.\d+)?(?:e\d+)?)([kKmM]?)$/.exec(text.replace(/_/g, ''));
  if (m === null) return undefined;
  const n = Math.round(Number(m[1]) * (m[2] === '' ? 1 : m[2]!.toLowerCase() === 'k' ? 1e3 : 1e6));
  return Number.isSafeInteger(n) && n > 0 ? n : undefined;
}

/** The usage lines of --http and --http-host, for the jobs' USAGE texts. */
export const HTTP_USAGE = `  --http PORT       serve /metrics, /status, a live page (/) and the stores (/state) on 127.0.0.1:PORT while running
  --http-host HOST  bind the endpoint to HOST instead (e.g. 0.0.0.0: reachable from the network, unauthenticated)`;

/** The endpoint \`args\` ask for (undefined without --http), printing its URL when it listens. */
export function httpEndpointOf(args: { readonly http?: number; readonly httpHost?: string }, log: (line: string) => void = (line) => console.log(`  ${line}`)): { port: number; host?: string; onListening: (url: string) => void } | undefined {
  if (args.http === undefined) return undefined;
  return {
    port: args.http,
    ...(args.httpHost === undefined ? {} : { host: args.httpHost }),
    onListening: (url) => log(`serving ${url}/ (live page), ${url}/metrics, ${url}/status, ${url}/state; watch it with: weir top ${url}`),
  };
}
