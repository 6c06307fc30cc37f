export { NatsError, type NatsErrorCode } from './NatsError';
export { connectNats, type ConnectNatsOptions } from './connectNats';
export { JetStreamCheckpointStorage, type JetStreamCheckpointStorageOptions } from './JetStreamCheckpointStorage';
export { jetStreamSink, type JetStreamSinkOptions } from './jetStreamSink';
export { readJetStreamSinkOutput, type JetStreamSinkRecord, type ReadJetStreamSinkOutputOptions } from './readJetStreamSinkOutput';
export { jetStreamSource, type InvalidJetStreamMessage, type JetStreamInput, type JetStreamSource, type JetStreamSourceMetrics, type JetStreamSourceOptions } from './jetStreamSource';
export {
  repartitionStreams,
  type RepartitionSinkTarget,
  type RepartitionStreams,
  type RepartitionStreamsCreateOptions,
  type RepartitionStreamsOptions,
} from './repartitionStreams';
