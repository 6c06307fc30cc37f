import { DEFAULT_KEY_GROUPS, KeyGroupRange, MAX_KEY_GROUPS, describeValue, keyGroupRangeOf } from '@weir/state';
import { PartitionError } from './PartitionError';

/**
 * The two numbers fixed for the life of a partitioned job (docs/architecture.md §6): how many
 * input partitions it reads and how many key groups its keyed state is split into. Partition `p`
 * carries the contiguous key-group range {@link keyGroupsOfPartition}`(p)`, so a worker that owns
 * a contiguous range of partitions owns a contiguous range of key groups.
 */
export interface PartitionLayout {
  /** The number of input partitions: an integer in [1, keyGroups]. */
  readonly partitions: number;
  /** The number of key groups: an integer in [1, 32768]; default 128 where a function fills it in. */
  readonly keyGroups: number;
}

/**
 * Checks a layout and fills in the default number of key groups (128). Throws a
 * {@link PartitionError} `INVALID_ARGUMENT` naming `where` and the bad value: the number of
 * partitions must be an integer in [1, keyGroups] (a partition carries at least one key group).
 * O(1).
 *
 * @example
 * ```ts
 * const layout = resolveLayout({ partitions: 8 }, 'myJob'); // { partitions: 8, keyGroups: 128 }
 * ```
 */
export function resolveLayout(layout: { readonly partitions: number; readonly keyGroups?: number | undefined }, where: string): PartitionLayout {
  if (typeof layout !== 'object' || layout === null) throw new PartitionError('INVALID_ARGUMENT', `${where}: expected { partitions, keyGroups? }, got ${describeValue(layout)}`);
  const keyGroups = layout.keyGroups ?? DEFAULT_KEY_GROUPS;
  if (!Number.isInteger(keyGroups) || keyGroups < 1 || keyGroups > MAX_KEY_GROUPS) {
    throw new PartitionError('INVALID_ARGUMENT', `${where}: the number of key groups must be an integer in [1, ${MAX_KEY_GROUPS}], got ${describeValue(layout.keyGroups)}`);
  }
  const { partitions } = layout;
  if (!Number.isInteger(partitions) || partitions < 1 || partitions > keyGroups) {
    throw new PartitionError('INVALID_ARGUMENT', `${where}: the number of partitions must be an integer in [1, ${keyGroups}] (the number of key groups), got ${describeValue(partitions)}`);
  }
  return { partitions, keyGroups };
}

/**
 * The key groups partition `partition` carries: `[ceil(p * K / P), ceil((p + 1) * K / P))`, the
 * split {@link keyGroupRangeOf} makes of K groups over P parts. O(1).
 *
 * @example
 * ```ts
 * keyGroupsOfPartition(1, { partitions: 4, keyGroups: 128 }); // [32, 64)
 * ```
 */
export function keyGroupsOfPartition(partition: number, layout: PartitionLayout): KeyGroupRange {
  const { partitions, keyGroups } = resolveLayout(layout, 'keyGroupsOfPartition');
  checkIndex(partition, partitions, 'keyGroupsOfPartition', 'partition');
  return keyGroupRangeOf(partition, partitions, keyGroups);
}

/**
 * The partition that carries key group `keyGroup`: `floor(kg * P / K)`, the inverse of
 * {@link keyGroupsOfPartition} (Flink's `computeOperatorIndexForKeyGroup`). O(1).
 *
 * @example
 * ```ts
 * partitionOfKeyGroup(40, { partitions: 4, keyGroups: 128 }); // 1
 * ```
 */
export function partitionOfKeyGroup(keyGroup: number, layout: PartitionLayout): number {
  const { partitions, keyGroups } = resolveLayout(layout, 'partitionOfKeyGroup');
  checkIndex(keyGroup, keyGroups, 'partitionOfKeyGroup', 'key group');
  return Math.floor((keyGroup * partitions) / keyGroups);
}

/** What one worker of a partitioned job owns (see {@link ownershipOf}). */
export interface Ownership {
  /** The worker's index, in [0, workers). */
  readonly worker: number;
  /** How many workers share the job. */
  readonly workers: number;
  /** The partitions it reads, ascending and contiguous (at least one). */
  readonly partitions: readonly number[];
  /** The key groups those partitions carry: one contiguous range. */
  readonly keyGroups: KeyGroupRange;
}

/**
 * What worker `worker` of `workers` owns (docs/architecture.md §6): a contiguous range of
 * partitions, split as {@link keyGroupRangeOf} splits key groups (sizes differ by at most one),
 * and the key groups they carry, `[first key group of its first partition, end of its last)`.
 * Every partition and every key group is owned by exactly one worker. At most as many workers as
 * partitions: a worker without a partition would have nothing to read.
 *
 * Cost: O(partitions owned).
 *
 * @throws PartitionError `INVALID_ARGUMENT` for a bad index, count or layout
 *
 * @example
 * ```ts
 * const mine = ownershipOf(1, 2, { partitions: 4, keyGroups: 128 });
 * mine.partitions; // [2, 3]
 * mine.keyGroups;  // [64, 128)
 * ```
 */
export function ownershipOf(worker: number, workers: number, layout: PartitionLayout): Ownership {
  const { partitions, keyGroups } = resolveLayout(layout, 'ownershipOf');
  if (!Number.isInteger(workers) || workers < 1 || workers > partitions) {
    throw new PartitionError('INVALID_ARGUMENT', `ownershipOf: the number of workers must be an integer in [1, ${partitions}] (the number of partitions), got ${describeValue(workers)}`);
  }
  checkIndex(worker, workers, 'ownershipOf', 'worker index');
  const parts = keyGroupRangeOf(worker, workers, partitions); // the same split, of partitions
  const first = keyGroupRangeOf(parts.start, partitions, keyGroups).start;
  const end = parts.end === partitions ? keyGroups : keyGroupRangeOf(parts.end, partitions, keyGroups).start;
  return Object.freeze({ worker, workers, partitions: Object.freeze([...parts]), keyGroups: new KeyGroupRange(first, end) });
}

function checkIndex(value: number, count: number, where: string, what: string): void {
  if (!Number.isInteger(value) || value < 0 || value >= count) {
    throw new PartitionError('INVALID_ARGUMENT', `${where}: the ${what} must be an integer in [0, ${count}), got ${describeValue(value)}`);
  }
}
