export { writePartitionedClicks, pagesByPartition, clickOf } from './partitionedClicks';
export type { Click, PartitionedClicksOptions } from './partitionedClicks';
export { runWindowWorker, workerPaths, testStorage, WINDOW_MS, MAX_OUT_OF_ORDERNESS } from './windowJob';
export type { ViewsRow, WindowWorkerOptions } from './windowJob';
export { crashingAfterRecords } from './crashingAfterRecords';
export { slowedSource } from './slowedSource';
