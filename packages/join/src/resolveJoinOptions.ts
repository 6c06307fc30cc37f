// Internal: validates the options every join shares, once, at operator creation.
import { DEFAULT_KEY_GROUPS, MAX_KEY_GROUPS, describeValue, isStateStore, type StateStore } from '@weir/state';
import type { CheckpointHook, StreamRecord } from '@weir/stream';
import { JoinError } from './JoinError';
import type { JoinOptions } from './JoinOptions';

/**
 * The default of {@link JoinOptions.cacheSize}: changed rows each input side keeps in memory until
 * the next barrier. Bounds what a barrier writes (see the option).
 */
export const DEFAULT_JOIN_CACHE_SIZE = 8_192;

/** Common options after validation, with defaults applied. */
export interface ResolvedJoinOptions<L, R> {
  readonly kind: string;
  readonly name: string;
  readonly where: string;
  readonly store: StateStore;
  readonly cacheSize: number;
  readonly keyGroups: number;
  readonly allowedLateness: number;
  readonly onLateLeft: ((record: StreamRecord<L>) => void) | undefined;
  readonly onLateRight: ((record: StreamRecord<R>) => void) | undefined;
  readonly onInvalid: ((record: StreamRecord<L> | StreamRecord<R>, error: JoinError) => void) | undefined;
  readonly checkpoint: CheckpointHook | undefined;
}

/** The error for a bad option of operator `kind`. */
export function badOption(kind: string, what: string, value: unknown): JoinError {
  return new JoinError('INVALID_ARGUMENT', `${kind}: ${what}, got ${describeValue(value)}`, value);
}

/** Throws unless `options[name]` is a function. */
export function requireFunction(kind: string, options: object, name: string, what: string): void {
  const value = (options as Record<string, unknown>)[name];
  if (typeof value !== 'function') throw badOption(kind, `option \`${name}\` must be a function (${what})`, value);
}

/** Throws unless `value` is one of `allowed`; returns it. */
export function oneOf<T extends string>(kind: string, name: string, value: unknown, allowed: readonly T[]): T {
  if (!allowed.includes(value as T)) throw badOption(kind, `option \`${name}\` must be one of ${allowed.map((a) => `'${a}'`).join(', ')}`, value);
  return value as T;
}

/** Throws unless `value` is a non-negative safe integer (ms); returns it. */
export function nonNegativeMs(kind: string, name: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) {
    throw badOption(kind, `option \`${name}\` must be a non-negative integer number of milliseconds`, value);
  }
  return value;
}

/** Checks the options every join shares. */
export function resolveJoinOptions<L, R>(kind: string, options: JoinOptions<L, R>): ResolvedJoinOptions<L, R> {
  if (typeof options !== 'object' || options === null) throw badOption(kind, 'options must be an object', options);
  if (!isStateStore(options.store)) throw badOption(kind, 'option `store` must be a StateStore (new InMemoryStore(), say)', options.store);
  const name = options.name ?? kind;
  if (typeof name !== 'string' || name.length === 0) throw badOption(kind, 'option `name` must be a non-empty string', name);
  const cacheSize = options.cacheSize ?? DEFAULT_JOIN_CACHE_SIZE;
  if (!Number.isSafeInteger(cacheSize) || cacheSize < 0) {
    throw badOption(kind, 'option `cacheSize` must be a non-negative integer (changed rows held before writing)', cacheSize);
  }
  const keyGroups = options.keyGroups ?? DEFAULT_KEY_GROUPS;
  if (typeof keyGroups !== 'number' || !Number.isInteger(keyGroups) || keyGroups < 1 || keyGroups > MAX_KEY_GROUPS) {
    throw badOption(kind, `option \`keyGroups\` must be an integer in [1, ${MAX_KEY_GROUPS}] (the job's number of key groups)`, keyGroups);
  }
  const allowedLateness = nonNegativeMs(kind, 'allowedLateness', options.allowedLateness ?? 0);
  for (const cb of ['onLateLeft', 'onLateRight', 'onInvalid'] as const) {
    if (options[cb] !== undefined && typeof options[cb] !== 'function') throw badOption(kind, `option \`${cb}\` must be a function`, options[cb]);
  }
  return {
    kind,
    name,
    where: `${kind} '${name}'`,
    store: options.store,
    cacheSize,
    keyGroups,
    allowedLateness,
    onLateLeft: options.onLateLeft,
    onLateRight: options.onLateRight,
    onInvalid: options.onInvalid,
    checkpoint: options.checkpoint,
  };
}
