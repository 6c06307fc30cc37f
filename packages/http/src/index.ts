export { HttpError } from './HttpError';
export type { HttpErrorCode } from './HttpError';
export type { JobStatus, SourceStatus, PartitionStatus, OperatorStatus, StoreStatus, CheckpointsStatus, CheckpointStatus, ProcessStatus } from './JobStatus';
export { livePage } from './page/livePage';
export { chartData } from './page/chartData';
export type { ChartData, ChartSeries } from './page/chartData';
export { lastValue, formatCount, formatRate, formatMs } from './page/renderView';
