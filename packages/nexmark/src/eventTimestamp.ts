import type { NexmarkConfig } from './NexmarkConfig';

/**
 * The event time (epoch ms) of event number `n`: `baseTime + floor(floor(n * interEventDelayUs) /
 * 1000)` with `interEventDelayUs = 1e6 / firstEventRate`, as the model's
 * `GeneratorConfig.timestampForEvent`. Never decreases as `n` grows. O(1).
 *
 * @param n - an event number (a non-negative safe integer)
 * @param config - a validated configuration (see {@link nexmarkConfig})
 *
 * @example
 * ```ts
 * eventTimestamp(25, DEFAULT_NEXMARK_CONFIG); // baseTime + 2 (10,000 events/s: 10 events per ms)
 * ```
 */
export function eventTimestamp(n: number, config: NexmarkConfig): number {
  if (config.firstEventRate !== cachedRate) {
    cachedRate = config.firstEventRate;
    cachedDelayUs = 1e6 / cachedRate;
  }
  return config.baseTime + Math.floor(Math.floor(n * cachedDelayUs) / 1000);
}

// interEventDelayUs of the last rate seen (saves a division per event)
let cachedRate = 10_000;
let cachedDelayUs = 100;
