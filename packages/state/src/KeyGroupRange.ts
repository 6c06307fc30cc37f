import { describeValue } from './describeValue';
import { checkKeyGroups } from './keyGroupOf';
import { StateError } from './StateError';

/**
 * A contiguous range `[start, end)` of key groups: what one worker owns (docs/architecture.md
 * §6). Empty when `start === end` (a worker beyond the number of key groups owns none).
 * Immutable.
 *
 * @example
 * ```ts
 * const mine = keyGroupRangeOf(0, 2, 128); // [0, 64)
 * mine.contains(keyGroupOf(keyBytes, 128));
 * for (const kg of mine) sliceKeyGroups(snapshot, new KeyGroupRange(kg, kg + 1));
 * ```
 */
export class KeyGroupRange implements Iterable<number> {
  /**
   * @param start - the first group (inclusive), an integer >= 0
   * @param end - one past the last group, an integer in [start, 65535]
   * @throws StateError `INVALID_ARGUMENT` for anything else
   */
  constructor(
    readonly start: number,
    readonly end: number,
  ) {
    if (!Number.isInteger(start) || !Number.isInteger(end) || start < 0 || end < start || end > 0xffff) {
      throw new StateError('INVALID_ARGUMENT', `KeyGroupRange: need integers 0 <= start <= end <= 65535, got [${describeValue(start)}, ${describeValue(end)})`);
    }
    Object.freeze(this);
  }

  /** How many groups the range holds. O(1). */
  get size(): number {
    return this.end - this.start;
  }

  /** Whether the range holds group `keyGroup`. O(1). */
  contains(keyGroup: number): boolean {
    return keyGroup >= this.start && keyGroup < this.end;
  }

  /** The groups in increasing order. */
  *[Symbol.iterator](): Iterator<number> {
    for (let kg = this.start; kg < this.end; kg++) yield kg;
  }

  /** `[start, end)`, for messages. */
  toString(): string {
    return `[${this.start}, ${this.end})`;
  }
}

/**
 * The key groups worker `worker` of `workers` owns: contiguous ranges, in worker order, that
 * partition `[0, keyGroups)` exactly, sizes differing by at most one. The same split as
 * Flink's `KeyGroupRangeAssignment.computeKeyGroupRangeForOperatorIndex`: worker `i` starts at
 * `ceil(i * keyGroups / workers)`. With more workers than groups, some own none (an empty
 * range).
 *
 * Cost: O(1).
 *
 * @param worker - the worker's index, an integer in [0, workers)
 * @param workers - how many workers share the job, a positive integer
 * @param keyGroups - the job's number of key groups, an integer in [1, 32768]
 * @throws StateError `INVALID_ARGUMENT` for bad arguments
 *
 * @example
 * ```ts
 * keyGroupRangeOf(0, 3, 128); // [0, 43)
 * keyGroupRangeOf(1, 3, 128); // [43, 86)
 * keyGroupRangeOf(2, 3, 128); // [86, 128)
 * ```
 */
export function keyGroupRangeOf(worker: number, workers: number, keyGroups: number): KeyGroupRange {
  checkKeyGroups(keyGroups, 'keyGroupRangeOf');
  if (!Number.isSafeInteger(workers) || workers < 1) {
    throw new StateError('INVALID_ARGUMENT', `keyGroupRangeOf: the number of workers must be a positive integer, got ${describeValue(workers)}`);
  }
  if (!Number.isSafeInteger(worker) || worker < 0 || worker >= workers) {
    throw new StateError('INVALID_ARGUMENT', `keyGroupRangeOf: the worker index must be an integer in [0, ${workers}), got ${describeValue(worker)}`);
  }
  // keyGroups <= 2^15, so worker * keyGroups stays exact while workers < 2^38
  const start = Math.ceil((worker * keyGroups) / workers);
  const end = Math.ceil(((worker + 1) * keyGroups) / workers);
  return new KeyGroupRange(start, end);
}
