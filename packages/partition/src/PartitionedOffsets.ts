import { describeValue } from '@weir/state';
import type { Json } from '@weir/checkpoint';
import { PartitionError } from './PartitionError';

/**
 * How a partitioned source's offset splits into one position per partition and joins again, for
 * `rescaleCheckpoints` (docs/architecture.md §6: a source's offset is a map partition ->
 * position). {@link mapOffsets} reads {@link partitionedSource}'s offsets; {@link jetStreamOffsets}
 * reads `jetStreamSource`'s (`@weir/nats`). Implement it for another source's offset format.
 */
export interface PartitionedOffsets {
  /** The position of each partition the offset holds, by partition name. Throw for a foreign offset. */
  split(offset: Json, where: string): Record<string, Json>;
  /** The offset of a reader positioned at each of these partitions' positions. */
  join(positions: Readonly<Record<string, Json>>): Json;
}

function asObject(offset: Json, where: string, shape: string): Record<string, Json> {
  if (typeof offset !== 'object' || offset === null || Array.isArray(offset)) {
    throw new PartitionError('OFFSETS', `${where}: expected ${shape}, got ${describeValue(offset)}`);
  }
  return offset as Record<string, Json>;
}

/**
 * Offsets that are already a map partition name -> position, as {@link partitionedSource} writes
 * them (`{ "0": 1024, "3": 96 }`). O(partitions).
 *
 * @example
 * ```ts
 * mapOffsets.split({ '0': 10, '1': 20 }, 'clicks'); // { '0': 10, '1': 20 }
 * ```
 */
export const mapOffsets: PartitionedOffsets = Object.freeze({
  split: (offset: Json, where: string) => ({ ...asObject(offset, where, 'a map partition -> position') }),
  join: (positions: Readonly<Record<string, Json>>) => ({ ...positions }),
});

/**
 * The offsets of `jetStreamSource` (`@weir/nats`): `{ next: { [partition]: sequence }, turn,
 * taken }`, one next stream sequence per partition; joined with the round robin restarted
 * (`turn: 0, taken: 0`: which partition is read first does not change what is read).
 * O(partitions).
 *
 * @example
 * ```ts
 * jetStreamOffsets.split({ next: { 'clicks.0': 41, 'clicks.1': 7 }, turn: 1, taken: 3 }, 'clicks'); // { 'clicks.0': 41, 'clicks.1': 7 }
 * ```
 */
export const jetStreamOffsets: PartitionedOffsets = Object.freeze({
  split(offset: Json, where: string): Record<string, Json> {
    const next = asObject(offset, where, 'a jetStreamSource offset { next, turn, taken }')['next'];
    return { ...asObject(next ?? null, `${where}: its \`next\``, 'a map partition -> next sequence') };
  },
  join: (positions: Readonly<Record<string, Json>>) => ({ next: { ...positions }, turn: 0, taken: 0 }),
});
