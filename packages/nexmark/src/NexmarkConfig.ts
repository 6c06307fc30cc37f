import { checkOptionKeys, describeValue, optionKeys, type OptionKeyList } from '@weir/state';
import { NexmarkError } from './NexmarkError';

/**
 * What varies between Nexmark streams. The rest of the model (proportions 1 : 3 : 46, hot
 * ratios, 1,000 active people, 100 auctions in flight, average sizes 200 / 500 / 100 bytes) is
 * fixed at the published defaults. Build one with {@link nexmarkConfig}, which validates it.
 *
 * @example
 * ```ts
 * const config: NexmarkConfig = nexmarkConfig({ seed: 42, firstEventRate: 100_000 });
 * nexmarkEvent(0, config).dateTime; // config.baseTime
 * ```
 */
export interface NexmarkConfig {
  /**
   * Seeds every event's random choices: a safe integer. The same seed always gives the same
   * stream; another seed a different one (same ids, times and types; other choices).
   * Default `0`.
   */
  readonly seed: number;
  /** The event time of event 0, epoch ms: a safe integer. Default `Date.UTC(2026, 0, 1)`. */
  readonly baseTime: number;
  /**
   * Events per second of event time: a positive finite number. Event `n` happens at
   * `baseTime + floor(floor(n * 1e6 / firstEventRate) / 1000)`. Default `10_000` (the model's
   * `firstEventRate`: an event every 100 µs).
   */
  readonly firstEventRate: number;
}

/** The keys of {@link NexmarkConfig}, for the unknown-option check. */
export const NEXMARK_CONFIG_KEYS: OptionKeyList<NexmarkConfig> = { seed: true, baseTime: true, firstEventRate: true };
const KEYS = optionKeys(NEXMARK_CONFIG_KEYS);

/**
 * The defaults: seed 0, base time 2026-01-01T00:00:00Z, 10,000 events per second. Frozen.
 *
 * @example
 * ```ts
 * nexmarkEvent(123, DEFAULT_NEXMARK_CONFIG); // the same as nexmarkEvent(123)
 * ```
 */
export const DEFAULT_NEXMARK_CONFIG: NexmarkConfig = Object.freeze({
  seed: 0,
  baseTime: Date.UTC(2026, 0, 1),
  firstEventRate: 10_000,
});

/**
 * A complete, validated and frozen {@link NexmarkConfig}: `DEFAULT_NEXMARK_CONFIG` overridden
 * by the options given (`undefined` ones keep their default).
 *
 * @param options - any subset of the options
 * @returns a frozen configuration to pass to {@link nexmarkEvent} / {@link nexmarkEvents}
 * @throws NexmarkError `INVALID_ARGUMENT` naming the option and the value when the seed or base
 *   time is not a safe integer or `firstEventRate` not a positive finite number, or for an
 *   unknown option (naming the nearest valid one)
 *
 * Cost: O(1).
 *
 * @example
 * ```ts
 * const config = nexmarkConfig({ seed: 7, firstEventRate: 1_000_000 });
 * nexmarkConfig({ firstEventRate: -5 }); // NexmarkError: nexmarkConfig: option `firstEventRate` must be ...
 * ```
 */
export function nexmarkConfig(options: Partial<NexmarkConfig> = {}): NexmarkConfig {
  if (options === null || typeof options !== 'object') {
    throw new NexmarkError('INVALID_ARGUMENT', `nexmarkConfig: expected options { seed?, baseTime?, firstEventRate? }, got ${describeValue(options)}`);
  }
  checkOptionKeys('nexmarkConfig', options, KEYS, (message) => new NexmarkError('INVALID_ARGUMENT', message));
  const seed = options.seed ?? DEFAULT_NEXMARK_CONFIG.seed;
  const baseTime = options.baseTime ?? DEFAULT_NEXMARK_CONFIG.baseTime;
  const firstEventRate = options.firstEventRate ?? DEFAULT_NEXMARK_CONFIG.firstEventRate;
  if (!Number.isSafeInteger(seed)) {
    throw new NexmarkError('INVALID_ARGUMENT', `nexmarkConfig: option \`seed\` must be a safe integer, got ${describeValue(seed)}`);
  }
  if (!Number.isSafeInteger(baseTime)) {
    throw new NexmarkError('INVALID_ARGUMENT', `nexmarkConfig: option \`baseTime\` must be a safe integer (epoch ms), got ${describeValue(baseTime)}`);
  }
  if (typeof firstEventRate !== 'number') {
    throw new NexmarkError('INVALID_ARGUMENT', `nexmarkConfig: option \`firstEventRate\` must be a number of events per second, got ${describeValue(firstEventRate)}`);
  }
  if (!(firstEventRate > 0 && firstEventRate < Infinity)) {
    throw new NexmarkError('INVALID_ARGUMENT', `nexmarkConfig: option \`firstEventRate\` must be a positive finite number of events per second, got ${describeValue(firstEventRate)}`);
  }
  return Object.freeze({ seed, baseTime, firstEventRate });
}
