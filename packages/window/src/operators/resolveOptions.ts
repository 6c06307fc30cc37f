import { DEFAULT_KEY_GROUPS, MAX_KEY_GROUPS, asKeyPart, describeValue, isStateStore } from '@weir/state';
// Internal: validates window operator options once, at operator creation.
import type { StateStore } from '@weir/state';
import type { CheckpointHook, StreamRecord } from '@weir/stream';
import type { Aggregate } from '../aggregates/Aggregate';
import { WindowError } from '../WindowError';
import type { EmitMode, GroupKey, WindowOptions } from './WindowOptions';

/** Options after validation, with defaults applied. */
export interface ResolvedOptions<T, K extends GroupKey, A, R> {
  readonly name: string;
  readonly key: (value: T) => K;
  readonly aggregate: Aggregate<T, A, R>;
  readonly store: StateStore;
  readonly allowedLateness: number;
  readonly emit: EmitMode;
  readonly earlyFiring: number | undefined;
  readonly cacheSize: number;
  readonly keyGroups: number;
  readonly onLate: ((record: StreamRecord<T>) => void) | undefined;
  readonly onInvalid: ((record: StreamRecord<T>, error: Error) => void) | undefined;
  readonly checkpoint: CheckpointHook | undefined;
}

const EMIT_MODES: readonly EmitMode[] = ['watermark', 'final', 'changelog'];

/** The default `cacheSize`: see {@link WindowOptions.cacheSize}. */
export const DEFAULT_CACHE_SIZE = 16_384;

/** Checks every option, naming the operator and the offending value on failure. */
export function resolveOptions<T, K extends GroupKey, A, R>(
  operator: string,
  options: WindowOptions<T, K, A, R>,
): ResolvedOptions<T, K, A, R> {
  const bad = (what: string, value: unknown): WindowError =>
    new WindowError('INVALID_ARGUMENT', `${operator}: ${what}, got ${describeValue(value)}`, value);
  if (typeof options !== 'object' || options === null) throw bad('options must be an object', options);
  if (typeof options.key !== 'function') throw bad('option `key` must be a function (record value -> group key)', options.key);
  const agg = options.aggregate as Partial<Aggregate<T, A, R>> | undefined;
  if (
    typeof agg !== 'object' ||
    agg === null ||
    typeof agg.create !== 'function' ||
    typeof agg.add !== 'function' ||
    typeof agg.merge !== 'function' ||
    typeof agg.result !== 'function' ||
    typeof agg.codec?.encode !== 'function' ||
    typeof agg.codec?.decode !== 'function'
  ) {
    throw bad('option `aggregate` must be an Aggregate (count(), sum(...), aggregate({...}))', agg);
  }
  if (!isStateStore(options.store)) throw bad('option `store` must be a StateStore (new InMemoryStore(), say)', options.store);
  const name = options.name ?? operator;
  if (typeof name !== 'string' || name.length === 0) throw bad('option `name` must be a non-empty string', name);
  const allowedLateness = options.allowedLateness ?? 0;
  if (!Number.isSafeInteger(allowedLateness) || allowedLateness < 0) {
    throw bad('option `allowedLateness` must be a non-negative integer number of milliseconds', allowedLateness);
  }
  const emit = options.emit ?? 'watermark';
  if (!EMIT_MODES.includes(emit)) throw bad(`option \`emit\` must be one of ${EMIT_MODES.join(', ')}`, emit);
  const earlyFiring = options.earlyFiring;
  if (earlyFiring !== undefined) {
    if (!Number.isSafeInteger(earlyFiring) || earlyFiring <= 0) {
      throw bad('option `earlyFiring` must be a positive integer number of milliseconds', earlyFiring);
    }
    if (emit !== 'watermark') throw bad(`option \`earlyFiring\` needs emit 'watermark' (emit '${emit}' already decides when to fire)`, earlyFiring);
  }
  const cacheSize = options.cacheSize ?? DEFAULT_CACHE_SIZE;
  if (!Number.isSafeInteger(cacheSize) || cacheSize < 0) {
    throw bad('option `cacheSize` must be a non-negative integer (changed accumulators held before writing)', cacheSize);
  }
  const keyGroups = options.keyGroups ?? DEFAULT_KEY_GROUPS;
  if (!Number.isInteger(keyGroups) || keyGroups < 1 || keyGroups > MAX_KEY_GROUPS) {
    throw bad(`option \`keyGroups\` must be an integer in [1, ${MAX_KEY_GROUPS}] (the job's number of key groups)`, keyGroups);
  }
  for (const cb of ['onLate', 'onInvalid'] as const) {
    if (options[cb] !== undefined && typeof options[cb] !== 'function') throw bad(`option \`${cb}\` must be a function`, options[cb]);
  }
  return {
    name,
    key: options.key,
    aggregate: options.aggregate,
    store: options.store,
    allowedLateness,
    emit,
    earlyFiring,
    cacheSize,
    keyGroups,
    onLate: options.onLate,
    onInvalid: options.onInvalid,
    checkpoint: options.checkpoint,
  };
}

/**
 * Checks a group key and normalises it: bigints in the safe integer range become numbers (the
 * store's key encoding does not tell them apart, so a restored key would come back as a number).
 * Throws a WindowError naming the operator and the value.
 */
export function normaliseGroupKey(operator: string, key: unknown): GroupKey {
  const part = asKeyPart(key);
  if (part !== undefined) return part;
  throw new WindowError(
    'INVALID_KEY',
    `${operator}: the key function must return a string, a safe integer, a 64-bit bigint or a Uint8Array, got ${describeValue(key)}`,
    key,
  );
}
