// Every public function of the libraries that takes an options object rejects a key it does not
// take, with its package's typed error, naming the function, the key and the nearest valid one.
// (CheckpointCoordinator.open and coordinator.source are checked in the coordinator's tests;
// @weir/nexmark's nexmarkSource and nexmarkConfig in that package's tests.)
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EMPTY } from 'rxjs';
import { InMemoryStore, StateError } from '@weir/state';
import { LmdbStore } from '@weir/state-lmdb';
import { StreamError, mergeEventStreams, mergeIndexedEventStreams, withEventTime } from '@weir/stream';
import {
  WindowError,
  aggregate,
  calendarWindow,
  calendarWindows,
  count,
  cumulativeWindow,
  hoppingWindow,
  sessionWindow,
  tumblingWindow,
} from '@weir/window';
import { JoinError, asofJoin, intervalJoin, lookupJoin, temporalJoin } from '@weir/join';
import {
  CheckpointError,
  CheckpointCoordinator,
  FileCheckpointStorage,
  MemoryCheckpointStorage,
  generatorSource,
  jsonLinesSink,
  jsonLinesSource,
} from '../index';

const dir = mkdtempSync(join(tmpdir(), 'weir-unknown-options-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

type Options = Record<string, unknown>;
type ErrorClass = abstract new (...args: never[]) => Error;

interface Row {
  /** The public function, as the message names it. */
  readonly fn: string;
  /** Calls it with these options (the rest of its arguments fixed). */
  readonly call: (options: Options) => unknown;
  /** Options it accepts. */
  readonly base: Options;
  /** A misspelled key, and the option it should suggest. */
  readonly typo: readonly [string, string];
  readonly error: ErrorClass;
  readonly code: string;
}

const store = (): InMemoryStore => new InMemoryStore();
const windowBase = (): Options => ({ key: () => 'k', aggregate: count(), store: store() });
const windowRow = (fn: string, call: (o: Options) => unknown, extra: Options, typo: readonly [string, string]): Row => ({
  fn,
  call,
  base: { ...windowBase(), ...extra },
  typo,
  error: WindowError,
  code: 'INVALID_ARGUMENT',
});
const joinRow = (fn: string, call: (o: Options) => unknown, extra: Options, typo: readonly [string, string]): Row => ({
  fn,
  call,
  base: { store: store(), ...extra },
  typo,
  error: JoinError,
  code: 'INVALID_ARGUMENT',
});
const checkpointRow = (fn: string, call: (o: Options) => unknown, base: Options, typo: readonly [string, string]): Row => ({
  fn,
  call,
  base,
  typo,
  error: CheckpointError,
  code: 'INVALID_ARGUMENT',
});
const streamRow = (fn: string, call: (o: Options) => unknown, base: Options, typo: readonly [string, string]): Row => ({
  fn,
  call,
  base,
  typo,
  error: StreamError,
  code: 'INVALID_OPTION',
});

const rows: readonly Row[] = [
  // @weir/stream
  streamRow('withEventTime', (o) => withEventTime((v: number) => v, o as never), { maxOutOfOrderness: 0 }, ['idleTimout', 'idleTimeout']),
  streamRow('mergeEventStreams', (o) => mergeEventStreams(EMPTY, EMPTY, o as never), {}, ['watermarkfrom', 'watermarkFrom']),
  streamRow('mergeIndexedEventStreams', (o) => mergeIndexedEventStreams([EMPTY], o as never), {}, ['initialWatermark', 'initialWatermarks']),
  // @weir/window
  windowRow('tumblingWindow', (o) => tumblingWindow(o as never), { size: 1000 }, ['allowedLatenes', 'allowedLateness']),
  windowRow('hoppingWindow', (o) => hoppingWindow(o as never), { size: 1000, slide: 500 }, ['ofset', 'offset']),
  windowRow('cumulativeWindow', (o) => cumulativeWindow(o as never), { step: 500, maxSize: 1000 }, ['cachesize', 'cacheSize']),
  windowRow('calendarWindow', (o) => calendarWindow(o as never), { unit: 'day', timeZone: 'UTC' }, ['zone', 'timeZone']),
  windowRow('sessionWindow', (o) => sessionWindow(o as never), { gap: 1000 }, ['earlyFire', 'earlyFiring']),
  {
    fn: 'calendarWindows',
    call: (o) => calendarWindows('week', 'UTC', o as never),
    base: { weekStart: 7 },
    typo: ['weekstart', 'weekStart'],
    error: WindowError,
    code: 'INVALID_ARGUMENT',
  },
  {
    fn: 'aggregate',
    call: (o) => aggregate(o as never),
    base: { create: () => 0, add: (a: number) => a + 1, merge: (a: number, b: number) => a + b, result: (a: number) => a },
    typo: ['nme', 'name'],
    error: WindowError,
    code: 'INVALID_ARGUMENT',
  },
  // @weir/join
  joinRow('intervalJoin', (o) => intervalJoin(EMPTY, o as never), { leftKey: () => 1, rightKey: () => 1, lowerBound: 0, upperBound: 10 }, ['uperBound', 'upperBound']),
  joinRow('lookupJoin', (o) => lookupJoin(EMPTY, o as never), { key: () => 1, tableKey: () => 1 }, ['isDeleted', 'isDelete']),
  joinRow('temporalJoin', (o) => temporalJoin(EMPTY, o as never), { key: () => 1, tableKey: () => 1 }, ['retension', 'retention']),
  joinRow('asofJoin', (o) => asofJoin(EMPTY, o as never), { key: () => 1, direction: 'backward' }, ['tolerence', 'tolerance']),
  // @weir/state-lmdb
  {
    fn: 'LmdbStore',
    call: (o) => new LmdbStore(o as never).close(),
    base: { path: join(dir, 'lmdb') },
    typo: ['syncMode', 'sync'],
    error: StateError,
    code: 'INVALID_ARGUMENT',
  },
  // @weir/checkpoint
  checkpointRow('FileCheckpointStorage', (o) => new FileCheckpointStorage(join(dir, 'checkpoints'), o), {}, ['retian', 'retain']),
  checkpointRow('MemoryCheckpointStorage', (o) => new MemoryCheckpointStorage(o), { retain: 2 }, ['retains', 'retain']),
  checkpointRow('generatorSource', (o) => generatorSource(o as never), { count: 3, seed: 1, generate: (i: number) => i }, ['sead', 'seed']),
  checkpointRow('jsonLinesSource', (o) => jsonLinesSource(join(dir, 'in.jsonl'), o), {}, ['chunkSize', 'chunkBytes']),
  checkpointRow('jsonLinesSink', (o) => jsonLinesSink(join(dir, 'out'), o), {}, ['serializer', 'serialize']),
  checkpointRow('CheckpointCoordinator.open', (o) => CheckpointCoordinator.open(o as never), { storage: new MemoryCheckpointStorage() }, ['tolerableCheckpointFailure', 'tolerableCheckpointFailures']),
  checkpointRow(
    "CheckpointCoordinator.source('s')",
    async (o) => (await CheckpointCoordinator.open({ storage: new MemoryCheckpointStorage() })).source('s', generatorSource({ count: 1, seed: 1, generate: (i) => i }), o as never),
    { timestamp: () => 0, maxOutOfOrderness: 0 },
    ['maxOutOfOrdernes', 'maxOutOfOrderness'],
  ),
];

describe('an unknown option key', () => {
  it.each(rows.map((r) => [r.fn, r] as const))('is rejected by %s', async (fn, row) => {
    await row.call(row.base); // the base options are valid: only the extra key can fail
    const [bad, nearest] = row.typo;
    let thrown: unknown;
    try {
      await row.call({ ...row.base, [bad]: row.base[nearest] ?? 1 });
    } catch (err) {
      thrown = err;
    }
    expect(thrown).toBeInstanceOf(row.error);
    expect((thrown as { code?: unknown }).code).toBe(row.code);
    expect((thrown as Error).message).toBe(`${fn}: unknown option \`${bad}\` (did you mean \`${nearest}\`?)`);
  });

  it('is rejected even when its value is undefined', () => {
    expect(() => tumblingWindow({ ...windowBase(), size: 10, allowedLatenes: undefined } as never)).toThrow(
      'tumblingWindow: unknown option `allowedLatenes` (did you mean `allowedLateness`?)',
    );
  });
});

describe('calendarWindow without a time zone', () => {
  it('names the missing option instead of an "unknown IANA time zone undefined"', () => {
    let thrown: unknown;
    try {
      calendarWindow({ ...windowBase(), unit: 'day' } as never);
    } catch (err) {
      thrown = err;
    }
    expect(thrown).toBeInstanceOf(WindowError);
    expect((thrown as WindowError).code).toBe('INVALID_ARGUMENT');
    expect((thrown as WindowError).message).toBe(
      "calendarWindow: option `timeZone` must be an IANA time zone name such as 'Europe/Berlin' or 'UTC', got undefined",
    );
  });
});
