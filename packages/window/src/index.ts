export { WindowError } from './WindowError';
export type { WindowErrorCode } from './WindowError';
export { MIN_TIMESTAMP, MAX_TIMESTAMP, MAX_WINDOW_SIZE } from './limits';
export type { Window } from './Window';
export {
  createWindow,
  maxTimestamp,
  windowContains,
  windowsOverlap,
  coverWindows,
  windowEquals,
  compareWindows,
  formatWindow,
} from './Window';
export type { WindowAssigner, SingleWindowAssigner, WindowAssignerKind } from './assigners/WindowAssigner';
export { floorMod } from './assigners/floorMod';
export { tumblingWindows } from './assigners/tumblingWindows';
export type { TumblingWindowAssigner } from './assigners/tumblingWindows';
export { hoppingWindows } from './assigners/hoppingWindows';
export type { HoppingWindowAssigner } from './assigners/hoppingWindows';
export { gcd, paneSizeOf, paneStart, paneOf, panesOfWindow } from './assigners/panes';
export { cumulativeWindows } from './assigners/cumulativeWindows';
export type { CumulativeWindowAssigner } from './assigners/cumulativeWindows';
export { calendarWindows } from './assigners/calendarWindows';
export type { CalendarWindowAssigner, CalendarUnit, CalendarWindowOptions } from './assigners/calendarWindows';
export { sessionWindowOf } from './assigners/sessionWindowOf';
export { mergeSessions } from './assigners/mergeSessions';
export type { SessionMerge } from './assigners/mergeSessions';
export { tumblingWindow } from './operators/tumblingWindow';
export type { TumblingWindowOptions } from './operators/tumblingWindow';
export { hoppingWindow } from './operators/hoppingWindow';
export type { HoppingWindowOptions } from './operators/hoppingWindow';
export { cumulativeWindow } from './operators/cumulativeWindow';
export type { CumulativeWindowOptions } from './operators/cumulativeWindow';
export { calendarWindow } from './operators/calendarWindow';
export type { CalendarWindowOptions as CalendarWindowOperatorOptions } from './operators/calendarWindow';
export { sessionWindow } from './operators/sessionWindow';
export type { SessionWindowOptions } from './operators/sessionWindow';
export type { WindowOperator } from './operators/WindowOperator';
export type { OpenWindow, WindowKeyState } from './operators/windowQuery';
export type { WindowOptions, EmitMode, GroupKey } from './operators/WindowOptions';
export type { WindowResult, WindowResultKind } from './operators/WindowResult';
export type { WindowMetrics, WindowMetricsSnapshot } from './operators/WindowMetrics';
export type { Aggregate, AggregateSpec } from './aggregates/Aggregate';
export type { AccumulatorCodec } from './aggregates/AccumulatorCodec';
export { aggregate } from './aggregates/Aggregate';
export { AggregationError } from './aggregates/AggregationError';
export { msgpackCodec } from './aggregates/msgpackCodec';
export { float64Codec } from './aggregates/float64Codec';
export type { TimestampedValue } from './aggregates/TimestampedValue';
export { count } from './aggregates/count';
export { sum } from './aggregates/sum';
export { min } from './aggregates/min';
export { max } from './aggregates/max';
export { avg } from './aggregates/avg';
export type { AvgAccumulator } from './aggregates/avg';
export { first } from './aggregates/first';
export { last } from './aggregates/last';
export { collect } from './aggregates/collect';
export { mergeWindowOperatorScope } from './operators/mergeWindowOperatorScope';
export { countDistinct } from './aggregates/countDistinct';
export type { CountDistinctAccumulator, CountDistinctOptions } from './aggregates/countDistinct';
export { overAggregate, MAX_OVER_ROWS } from './operators/overAggregate';
export type { OverAggregateOptions, OverAggregateOperator, OverResult } from './operators/overAggregate';
export { processingTimeTumblingWindow } from './operators/processingTimeTumblingWindow';
export type { ProcessingTimeTumblingWindowOptions } from './operators/processingTimeTumblingWindow';
export { processingTimeHoppingWindow } from './operators/processingTimeHoppingWindow';
export type { ProcessingTimeHoppingWindowOptions } from './operators/processingTimeHoppingWindow';
export { processingTimeSessionWindow } from './operators/processingTimeSessionWindow';
export type { ProcessingTimeSessionWindowOptions } from './operators/processingTimeSessionWindow';
export type { ProcessingTimeWindowOptions } from './operators/processingTimeWindowOptions';
export { mergeProcessingTimeWindowOperatorScope } from './operators/processingTimeWindowOperatorScope';
