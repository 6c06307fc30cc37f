export { NatsError, type NatsErrorCode } from './NatsError';
export { connectNats, type ConnectNatsOptions } from './connectNats';
export { JetStreamCheckpointStorage, type JetStreamCheckpointStorageOptions } from './JetStreamCheckpointStorage';
