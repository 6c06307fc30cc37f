export { StreamError } from './StreamError';
export type { StreamErrorCode } from './StreamError';
export {
  record,
  watermark,
  idleWatermark,
  barrier,
  isRecord,
  isWatermark,
  isIdle,
  isBarrier,
} from './StreamElement';
export type { StreamElement, StreamRecord, Watermark, CheckpointBarrier } from './StreamElement';
export { isLate } from './isLate';
export { withEventTime } from './withEventTime';
export type { WithEventTimeOptions } from './withEventTime';
export { BoundedOutOfOrdernessWatermarks } from './BoundedOutOfOrdernessWatermarks';
export { mapRecords } from './mapRecords';
export { filterRecords } from './filterRecords';
export { flatMapRecords } from './flatMapRecords';
export { values } from './values';
export { records } from './records';
export { mergeEventStreams } from './mergeEventStreams';
export type { TaggedValue, MergeEventStreamsOptions } from './mergeEventStreams';
export { mergeIndexedEventStreams } from './mergeIndexedEventStreams';
export type { IndexedValue } from './mergeIndexedEventStreams';
export type { CheckpointHook, CheckpointOptions, OperatorSnapshot } from './CheckpointHook';
export { registerOperator } from './registerOperator';
export type { OperatorQuery } from './OperatorQuery';
export { handleBarrier } from './handleBarrier';
export type { BarrierContext } from './handleBarrier';
export { statefulOperator, META_SECTION } from './statefulOperator';
export type { StatefulOperatorConfig } from './statefulOperator';
export type { StatefulContext, StatefulEngine } from './StatefulEngine';
export { OperatorCounters } from './OperatorCounters';
export type { OperatorMetrics, OperatorMetricsSnapshot } from './OperatorMetrics';
export { insertRow, retractRow, applyChanges } from './Change';
export type { Change, ChangeKind } from './Change';
