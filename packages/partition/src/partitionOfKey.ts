import { KeyWriter, asKeyPart, describeValue, keyGroupOf, type KeyPart } from '@weir/state';
import { PartitionError } from './PartitionError';
import { partitionOfKeyGroup, resolveLayout } from './PartitionLayout';

const writer = new KeyWriter(64);

/**
 * The partition a producer must publish a record to so that the worker owning its key's state
 * reads it: the partition that carries the key's group (see {@link partitionOfKeyGroup}). The key
 * group is computed exactly as every keyed operator computes it (`keyGroupOf` of `@weir/state`
 * over the key encoded as one tuple component, `KeyWriter.part(key)`), so a string key, a safe
 * integer, a bigint or a byte string lands where the window and join operators file its state.
 *
 * Cost: O(key length): one encoding and one MurmurHash3.
 *
 * @param key - the record's key, as the operator's `key` function returns it
 * @param layout - the job's partitions and key groups (default 128)
 * @returns an integer in [0, partitions)
 * @throws PartitionError `INVALID_ARGUMENT` for a key that is not a key part or a bad layout
 *
 * @example
 * ```ts
 * const p = partitionOfKey(click.page, { partitions: 8 });
 * await js.publish(`clicks.${p}`, encode(click));
 * ```
 */
export function partitionOfKey(key: KeyPart, layout: { readonly partitions: number; readonly keyGroups?: number }): number {
  const resolved = resolveLayout(layout, 'partitionOfKey');
  const part = asKeyPart(key);
  if (part === undefined) {
    throw new PartitionError('INVALID_ARGUMENT', `partitionOfKey: a key must be a string, a safe integer, a 64-bit bigint or a Uint8Array, got ${describeValue(key)}`);
  }
  const kg = keyGroupOf(writer.reset().part(part).view(), resolved.keyGroups);
  return partitionOfKeyGroup(kg, resolved);
}
