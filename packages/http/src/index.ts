export { HttpError } from './HttpError';
export type { HttpErrorCode } from './HttpError';
export type { JobStatus, SourceStatus, PartitionStatus, OperatorStatus, StoreStatus, CheckpointsStatus, CheckpointStatus, ProcessStatus } from './JobStatus';
