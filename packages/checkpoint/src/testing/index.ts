export { describeCheckpointStorageContract } from './describeCheckpointStorageContract';
export type { CheckpointStorageHarness } from './describeCheckpointStorageContract';
export { bytesOf, sampleCheckpoint, withoutOrigin } from './checkpointSamples';
export { crashingAfter } from './crashingAfter';
