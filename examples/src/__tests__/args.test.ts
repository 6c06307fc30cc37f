import { resolve } from 'node:path';
import { parseCount, readJobArgs } from '../common/args';

describe('readJobArgs', () => {
  const read = (...argv: string[]) => readJobArgs(argv, '/default/dir');

  it('defaults: no events, not fresh, the default directory', () => {
    expect(read()).toEqual({ help: false, args: { events: undefined, fresh: false, dir: '/default/dir' } });
  });

  it('takes --events, --fresh and --dir, with a separate or an inline value', () => {
    expect(read('--events', '50k', '--fresh', '--dir', 'out/x')).toEqual({ help: false, args: { events: 50_000, fresh: true, dir: resolve('out/x') } });
    expect(read('--events=2M', '--dir=/tmp/y')).toEqual({ help: false, args: { events: 2_000_000, fresh: false, dir: '/tmp/y' } });
  });

  it('takes --http PORT and --http-host HOST', () => {
    expect(read('--http', '9464')).toEqual({ help: false, args: { events: undefined, fresh: false, dir: '/default/dir', http: 9464 } });
    expect(read('--http=0', '--http-host', '0.0.0.0')).toEqual({ help: false, args: { events: undefined, fresh: false, dir: '/default/dir', http: 0, httpHost: '0.0.0.0' } });
  });

  it('--help and -h ask for the usage', () => {
    for (const argv of [['--help'], ['-h'], ['--events', '5', '-h']]) expect(read(...argv)).toEqual({ help: true });
  });

  it.each([
    [['--evnets', '5'], "Unknown option '--evnets'"],
    [['-x'], "Unknown option '-x'"],
    [['--events'], "Option '--events <value>' argument missing"],
    [['--events', '-5'], "Option '--events' argument is ambiguous"],
    [['--fresh=yes'], "Option '--fresh' does not take an argument"],
    [['stray'], "Unexpected argument 'stray'"],
    [['--events', 'lots'], '--events: expected a positive number such as 5000, 200k or 1M, got lots'],
    [['--events=0'], '--events: expected a positive number such as 5000, 200k or 1M, got 0'],
    [['--http', '65536'], '--http: expected a port number from 0 to 65535 (0: any free port), got 65536'],
    [['--http', 'auto'], '--http: expected a port number from 0 to 65535 (0: any free port), got auto'],
    [['--http-host', '0.0.0.0'], '--http-host: only with --http PORT'],
    [['--http', '1', '--http-host='], '--http-host: expected an address such as 127.0.0.1 or 0.0.0.0'],
  ])('%j is refused with a message naming the problem', (argv, message) => {
    expect(() => read(...argv)).toThrow(message);
  });
});

describe('parseCount', () => {
  it('reads plain, underscored, k/M-suffixed and exponent counts', () => {
    expect(['5000', '5_000', '200k', '1M', '1.5m', '1e6'].map(parseCount)).toEqual([5000, 5000, 200_000, 1_000_000, 1_500_000, 1_000_000]);
  });

  it('refuses zero, negatives, fractions below one and words', () => {
    for (const bad of ['0', '-5', '0.4', 'ten', '', '1G', '1e400']) expect(parseCount(bad)).toBeUndefined();
  });
});
