// The Nexmark benchmark's command line (packages/nexmark/bench/benchArgs.ts).
import fc from 'fast-check';
import { DEFAULT_BENCH_CONFIG, benchUsage, childArgs, parseBenchArgs, settingsLabel, type BenchConfig } from '../../bench/benchArgs';
import { NEXMARK_QUERIES } from '../index';

const NAMES = NEXMARK_QUERIES.map((q) => q.name);
const parse = (...argv: string[]) => parseBenchArgs(argv, NAMES);

describe('parseBenchArgs', () => {
  it('without arguments runs every query with the default settings', () => {
    expect(parse()).toEqual({ kind: 'suite', config: DEFAULT_BENCH_CONFIG, queries: NAMES });
    expect(DEFAULT_BENCH_CONFIG).toEqual({ events: 10_000_000 }); // every other setting: the library's default
    expect(settingsLabel(DEFAULT_BENCH_CONFIG)).toBe('library defaults');
  });

  it('--help and -h ask for the usage, whatever else is given', () => {
    for (const argv of [['--help'], ['-h'], ['--queries', 'q5', '--help']]) expect(parse(...argv)).toEqual({ kind: 'help' });
    const usage = benchUsage(NAMES);
    for (const option of ['--queries', '--events', '--cache', '--batch', '--checkpoint-events', '--checkpoint-ms', '--help']) expect(usage).toContain(option);
    expect(usage).toContain(NAMES.join(','));
  });

  it('--queries picks queries, run in the suite order, each once', () => {
    expect(parse('--queries', 'q5')).toMatchObject({ kind: 'suite', queries: ['q5'] });
    expect(parse('--queries=q12,q0, q5,q0')).toMatchObject({ kind: 'suite', queries: ['q0', 'q5', 'q12'] });
  });

  it('reads the counts, inline or separate, 1e6 and 1_000_000 included', () => {
    const command = parse('--events', '1e6', '--cache=0', '--batch', '500', '--checkpoint-events', '200_000', '--checkpoint-ms', '2500');
    expect(command).toEqual({
      kind: 'suite',
      queries: NAMES,
      config: { events: 1_000_000, cacheSize: 0, batchSize: 500, checkpointEvery: { events: 200_000, ms: 2500 } },
    });
    expect(parse('--cache', '10000', '--checkpoint-ms', '5000')).toMatchObject({ config: { events: 10_000_000, cacheSize: 10_000, checkpointEvery: { ms: 5000 } } });
  });

  it('labels a run with tuned settings apart from the defaults', () => {
    expect(settingsLabel({ events: 1, cacheSize: 10_000, checkpointEvery: { events: 5 } })).toBe('tuned: cacheSize 10000, a checkpoint every 5 events');
  });

  it.each([
    [['--querys', 'q5'], "Unknown option '--querys'"],
    [['q5'], "Unexpected argument 'q5'"],
    [['--events'], "Option '--events <value>' argument missing"],
    [['--fresh'], "Unknown option '--fresh'"],
    [['--queries', 'q23'], `--queries: unknown query "q23" (the queries: ${NAMES.join(', ')})`],
    [['--queries', 'q0,,q5'], '--queries: expected a comma-separated list such as q0,q5, got "q0,,q5"'],
    [['--events', '10M'], '--events: expected an integer of at least 1, got "10M"'],
    [['--events', '0'], '--events: expected an integer of at least 1, got "0"'],
    [['--events', '1.5'], '--events: expected an integer of at least 1, got "1.5"'],
    [['--cache=-1'], '--cache: expected an integer of at least 0, got "-1"'],
    [['--checkpoint-ms', 'soon'], '--checkpoint-ms: expected an integer of at least 1, got "soon"'],
    [['--mode', 'plain'], '--mode goes with --one'],
    [['--one', 'q5', '--mode', 'fast'], '--mode: expected plain or checkpointed, got "fast"'],
    [['--one', 'q5', '--queries', 'q5'], '--one runs one query'],
    [['--one', 'q99'], '--one: unknown query "q99"'],
  ])('%j is refused with a message naming the problem', (argv, message) => {
    expect(() => parse(...argv)).toThrow(message);
  });
});

describe('childArgs', () => {
  it('makes a child process run the one query in the one mode with the same settings', () => {
    const positive = fc.integer({ min: 1, max: 2 ** 40 });
    const config: fc.Arbitrary<BenchConfig> = fc.record(
      {
        events: positive,
        cacheSize: fc.integer({ min: 0, max: 2 ** 40 }),
        batchSize: positive,
        checkpointEvery: fc.record({ events: positive, ms: positive }, { requiredKeys: [] }).filter((every) => Object.keys(every).length > 0),
      },
      { requiredKeys: ['events'] },
    );
    fc.assert(
      fc.property(config, fc.constantFrom(...NAMES), fc.constantFrom('plain' as const, 'checkpointed' as const), (c, query, mode) => {
        expect(parse(...childArgs(c, query, mode))).toEqual({ kind: 'one', config: c, query, mode });
      }),
    );
  });
});
