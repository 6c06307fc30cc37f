// Internal: validates the options every rank operator shares, once, at operator creation.
import { DEFAULT_KEY_GROUPS, MAX_KEY_GROUPS, describeValue, isStateStore, type StateStore } from '@weir/state';
import type { CheckpointHook, StreamRecord } from '@weir/stream';
import { RankError } from './RankError';
import type { RankOptions } from './RankOptions';

/** Common options after validation, with defaults applied. */
export interface ResolvedRankOptions<T> {
  readonly kind: string;
  readonly name: string;
  /** How messages name the operator: `deduplicate 'latest'`. */
  readonly where: string;
  readonly store: StateStore;
  readonly key: (value: T) => unknown;
  readonly keyGroups: number;
  readonly allowedLateness: number;
  readonly onLate: ((record: StreamRecord<T>) => void) | undefined;
  readonly onInvalid: ((record: StreamRecord<T>, error: RankError) => void) | undefined;
  readonly checkpoint: CheckpointHook | undefined;
}

/** The error for a bad option of operator `kind`. */
export function badOption(kind: string, what: string, value: unknown): RankError {
  return new RankError('INVALID_ARGUMENT', `${kind}: ${what}, got ${describeValue(value)}`, value);
}

/** Throws unless `value` is a non-negative safe integer (ms); returns it. */
export function nonNegativeMs(kind: string, name: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) {
    throw badOption(kind, `option \`${name}\` must be a non-negative integer number of milliseconds`, value);
  }
  return value;
}

/** Checks the options every rank operator shares (after the unknown-key check). */
export function resolveRankOptions<T>(kind: string, options: RankOptions<T>): ResolvedRankOptions<T> {
  if (typeof options !== 'object' || options === null) throw badOption(kind, 'options must be an object', options);
  if (!isStateStore(options.store)) throw badOption(kind, 'option `store` must be a StateStore (new InMemoryStore(), say)', options.store);
  const name = options.name ?? kind;
  if (typeof name !== 'string' || name.length === 0) throw badOption(kind, 'option `name` must be a non-empty string', name);
  if (typeof options.key !== 'function') throw badOption(kind, 'option `key` must be a function (the group of rows a record belongs to)', options.key);
  const keyGroups = options.keyGroups ?? DEFAULT_KEY_GROUPS;
  if (typeof keyGroups !== 'number' || !Number.isInteger(keyGroups) || keyGroups < 1 || keyGroups > MAX_KEY_GROUPS) {
    throw badOption(kind, `option \`keyGroups\` must be an integer in [1, ${MAX_KEY_GROUPS}] (the job's number of key groups)`, keyGroups);
  }
  const allowedLateness = nonNegativeMs(kind, 'allowedLateness', options.allowedLateness ?? 0);
  for (const cb of ['onLate', 'onInvalid'] as const) {
    if (options[cb] !== undefined && typeof options[cb] !== 'function') throw badOption(kind, `option \`${cb}\` must be a function`, options[cb]);
  }
  return {
    kind,
    name,
    where: `${kind} '${name}'`,
    store: options.store,
    key: options.key,
    keyGroups,
    allowedLateness,
    onLate: options.onLate,
    onInvalid: options.onInvalid,
    checkpoint: options.checkpoint,
  };
}
