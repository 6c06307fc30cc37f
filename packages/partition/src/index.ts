export { PartitionError } from './PartitionError';
export type { PartitionErrorCode } from './PartitionError';
export { resolveLayout, keyGroupsOfPartition, partitionOfKeyGroup, ownershipOf } from './PartitionLayout';
export type { PartitionLayout, Ownership } from './PartitionLayout';
export { partitionOfKey } from './partitionOfKey';
