import { execFile } from 'node:child_process';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { HELP, checkpointsCommand, inspectCommand, run } from '../index';
import { capture, makeCheckpointDir, removeDir } from './fixtures';

const ROOT = path.resolve(__dirname, '../../../..');

describe('weir (argument parsing)', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await makeCheckpointDir();
  });
  afterAll(() => removeDir(dir));

  const weir = (...argv: string[]) => capture((io) => run(argv, io));

  it('help: weir help, --help, -h, and a command with --help', async () => {
    for (const argv of [['help'], ['--help'], ['-h'], ['help', 'inspect'], ['inspect', '--help'], ['inspect', 'd', '1', '-h'], ['checkpoints', dir, '-h']]) {
      expect(await weir(...argv)).toEqual({ code: 0, out: HELP, err: '' });
    }
    expect(HELP).toContain('checkpoints <dir> [--json]');
    expect(HELP).toContain('inspect <dir> [id]');
    for (const option of ['--json', '--store <name>', '--prefix <hex>', '--limit <n>']) expect(HELP).toContain(option);
  });

  it('no command prints the help on stderr with exit code 2', async () => {
    expect(await weir()).toEqual({ code: 2, out: '', err: HELP });
  });

  it('runs the commands with their arguments', async () => {
    expect(await weir('checkpoints', dir)).toEqual(await capture((io) => checkpointsCommand({ dir }, io)));
    expect(await weir('checkpoints', '--json', dir)).toEqual(await capture((io) => checkpointsCommand({ dir, json: true }, io)));
    expect(await weir('inspect', dir)).toEqual(await capture((io) => inspectCommand({ dir }, io)));
    const limited = await capture((io) => inspectCommand({ dir, id: 1, store: 'windows', prefix: Uint8Array.from([0xff, 0xff]), limit: 1 }, io));
    expect(limited.out).toContain('… 2 more'); // the meta entry, then 2 timers (operator-scoped: FF FF)
    expect(await weir('inspect', dir, '1', '--store', 'windows', '--prefix', 'ffff', '--limit', '1')).toEqual(limited);
    expect(await weir('inspect', '--limit=1', '--prefix=0xffff', dir, '--store=windows', '1')).toEqual(limited);
    expect(await weir('inspect', dir, '--', '1')).toEqual(await capture((io) => inspectCommand({ dir, id: 1 }, io)));
    // after --, what looks like an option is an argument; an empty --prefix= is the empty prefix
    expect((await weir('inspect', dir, '--', '--limit')).err).toBe('weir: a checkpoint id must be a non-negative integer, got "--limit" (see `weir help`)\n');
    expect(await weir('inspect', dir, '--prefix=', '--store=windows')).toEqual(await capture((io) => inspectCommand({ dir, store: 'windows', prefix: new Uint8Array(0) }, io)));
  });

  it.each([
    [['frobnicate'], 'unknown command "frobnicate" (commands: checkpoints, inspect, top, help)'],
    [['constructor'], 'unknown command "constructor" (commands: checkpoints, inspect, top, help)'],
    [['--json'], 'expected a command before --json'],
    [['checkpoints'], 'weir checkpoints: missing <dir> (usage: weir checkpoints <dir>)'],
    [['checkpoints', 'a', 'b'], 'weir checkpoints: unexpected argument "b" (usage: weir checkpoints <dir>)'],
    [['checkpoints', ''], 'weir checkpoints: an empty argument (usage: weir checkpoints <dir>)'],
    [['checkpoints', 'd', '--verbose'], 'weir checkpoints: unknown option --verbose'],
    [['checkpoints', 'd', '-v'], 'weir checkpoints: unknown option -v'],
    [['checkpoints', 'd', '--json=yes'], 'weir checkpoints: option --json takes no value'],
    [['checkpoints', 'd', '--store', 'x'], 'weir checkpoints: unknown option --store'],
    [['inspect'], 'weir inspect: missing <dir> (usage: weir inspect <dir> [id])'],
    [['inspect', 'd', '1', '2'], 'weir inspect: unexpected argument "2" (usage: weir inspect <dir> [id])'],
    [['inspect', 'd', 'latest'], 'a checkpoint id must be a non-negative integer, got "latest"'],
    [['inspect', 'd', '1e3'], 'a checkpoint id must be a non-negative integer, got "1e3"'],
    [['inspect', 'd', '99999999999999999999'], 'a checkpoint id must be a non-negative integer, got "99999999999999999999"'],
    [['inspect', 'd', '--json'], 'weir inspect: unknown option --json'],
    [['inspect', 'd', '--limit'], 'weir inspect: option --limit needs a value'],
    [['inspect', 'd', '--limit', '--store', 'x'], 'weir inspect: option --limit needs a value'],
    [['inspect', 'd', '--limit', '-1'], 'weir inspect: option --limit needs a value, and -1 looks like an option (write --limit=-1 if it is the value)'],
    [['inspect', 'd', '--limit=-1'], '--limit must be a non-negative integer, got "-1"'],
    [['inspect', 'd', '--limit=3', '--limit', '4'], 'weir inspect: option --limit given twice'],
    [['inspect', 'd', '--store'], 'weir inspect: option --store needs a value'],
    [['inspect', 'd', '-x'], 'weir inspect: unknown option -x'],
    [['inspect', 'd', '-hx'], 'weir inspect: unknown option -x'],
    [['inspect', 'd', '--help=yes'], 'weir inspect: option --help takes no value'],
    [['help', '--json'], 'weir help: unknown option --json'],
    [['inspect', 'd', '--limit', 'ten'], '--limit must be a non-negative integer, got "ten"'],
    [['inspect', 'd', '--store', 'a', '--store', 'b'], 'weir inspect: option --store given twice'],
    [['inspect', 'd', '--prefix', '0g'], '--prefix must be hex bytes (an even number of hex digits), got "0g"'],
    [['inspect', 'd', '--prefix', '027'], '--prefix must be hex bytes (an even number of hex digits), got "027"'],
  ])('weir %j is a usage error (exit 2, one line)', async (argv, message) => {
    expect(await weir(...argv)).toEqual({ code: 2, out: '', err: `weir: ${message} (see \`weir help\`)\n` });
  });

  it('usage errors are found before the directory is read', async () => {
    expect((await weir('inspect', path.join(dir, 'missing'), '--limit', 'x')).code).toBe(2);
  });

  it('run never throws: an unexpected failure is reported as an internal error', async () => {
    let calls = 0;
    const code = await run(['checkpoints', dir], {
      stdout: () => {
        calls++;
        throw new Error('stdout closed');
      },
      stderr: (s) => {
        expect(s).toMatch(/^weir: internal error: Error: stdout closed\n/);
      },
    });
    expect(code).toBe(1);
    expect(calls).toBe(1);
  });
});

describe('weir from source (a process)', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await makeCheckpointDir();
  });
  afterAll(() => removeDir(dir));

  const exec = promisify(execFile);
  async function weirProcess(...argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
    const args = ['-r', 'ts-node/register/transpile-only', '-r', 'tsconfig-paths/register', 'packages/cli/src/cli.ts', ...argv];
    try {
      const { stdout, stderr } = await exec(process.execPath, args, { cwd: ROOT });
      return { code: 0, stdout, stderr };
    } catch (err) {
      const e = err as { code?: number; stdout: string; stderr: string };
      return { code: e.code ?? -1, stdout: e.stdout, stderr: e.stderr };
    }
  }

  it('sets the exit code and prints no stack trace', async () => {
    // (each process compiles the sources: a few seconds of CPU each)
    const [list, missing, usage] = await Promise.all([
      weirProcess('checkpoints', dir),
      weirProcess('inspect', path.join(dir, 'missing')),
      weirProcess('inspect', dir, '--limit', 'x'),
    ]);
    expect(list).toMatchObject({ code: 0, stderr: '' });
    expect(list.stdout).toMatch(/^ID +TIME +SIZE +STORES +SOURCES +STATUS\n2 /);
    expect(missing).toEqual({ code: 1, stdout: '', stderr: `weir: no such directory: ${path.join(dir, 'missing')}\n` });
    expect(usage).toEqual({ code: 2, stdout: '', stderr: 'weir: --limit must be a non-negative integer, got "x" (see `weir help`)\n' });
  }, 60_000);
});
