import { describeValue } from '@weir/state';
import { NexmarkError } from './NexmarkError';
import type { NexmarkEvent } from './model';
import { nexmarkConfig, type NexmarkConfig } from './NexmarkConfig';
import { nexmarkEvent } from './nexmarkEvent';

/**
 * Streams `count` Nexmark events, numbers `from`, `from + 1`, ...: event `i` is
 * `nexmarkEvent(i, config)`, generated when the iterator reaches it (nothing is buffered), so
 * an endless stream (`count = Infinity`) is fine.
 *
 * **Cost.** O(1) memory; each `next()` is one {@link nexmarkEvent} plus an iterator result.
 *
 * @param count - how many events: a non-negative safe integer or `Infinity`
 * @param config - options, validated by {@link nexmarkConfig}; the defaults if omitted
 * @param from - the first event number, a non-negative safe integer (default 0): resume here
 * @returns an iterator that is also iterable (for `for...of`, `Array.from`, rxjs `from`)
 * @throws NexmarkError `INVALID_ARGUMENT` for arguments that are not numbers or out of range,
 *   and the errors of {@link nexmarkConfig}, each naming the argument and the value
 *
 * @example
 * ```ts
 * let bids = 0;
 * for (const event of nexmarkEvents(1_000_000, { seed: 42 })) if (event.type === 'bid') bids++;
 * // bids === 920_000
 * const rest = nexmarkEvents(Infinity, { seed: 42 }, 1_000_000); // continues the same stream
 * ```
 */
export function nexmarkEvents(count: number, config?: Partial<NexmarkConfig>, from = 0): IterableIterator<NexmarkEvent> {
  if (typeof count !== 'number' || typeof from !== 'number') {
    throw new NexmarkError('INVALID_ARGUMENT', `nexmarkEvents: \`count\` and \`from\` must be numbers, got ${describeValue(count)} and ${describeValue(from)}`);
  }
  if (!(count === Infinity || (Number.isSafeInteger(count) && count >= 0))) {
    throw new NexmarkError('INVALID_ARGUMENT', `nexmarkEvents: \`count\` must be a non-negative integer or Infinity, got ${describeValue(count)}`);
  }
  if (!(Number.isSafeInteger(from) && from >= 0)) {
    throw new NexmarkError('INVALID_ARGUMENT', `nexmarkEvents: \`from\` must be a non-negative safe integer, got ${describeValue(from)}`);
  }
  return new NexmarkEventIterator(from, from + count, nexmarkConfig(config));
}

/** A plain iterator object (cheaper per step than a generator function). */
class NexmarkEventIterator implements IterableIterator<NexmarkEvent> {
  constructor(
    private nextNumber: number,
    private readonly end: number,
    private readonly config: NexmarkConfig,
  ) {}

  next(): IteratorResult<NexmarkEvent> {
    if (this.nextNumber >= this.end) return { done: true, value: undefined };
    return { done: false, value: nexmarkEvent(this.nextNumber++, this.config) };
  }

  [Symbol.iterator](): IterableIterator<NexmarkEvent> {
    return this;
  }
}
