import { describeValue } from '@weir/state';
import { checkPartitionOptionKeys } from './checkPartitionOptionKeys';
import { PartitionError } from './PartitionError';
import { openWorker, type PartitionedWorker } from './PartitionedJobDir';

/**
 * In a worker process started by {@link runPartitioned} (or by your own supervisor): opens the
 * worker that `WEIR_PARTITION_DIR` and `WEIR_WORKER` name (see {@link openWorker}).
 *
 * @throws PartitionError `INVALID_ARGUMENT` when the variables are missing or bad
 *
 * @example
 * ```ts
 * const w = await workerFromEnv();
 * const job = await CheckpointCoordinator.open({ storage: w.storage });
 * ```
 */
export async function workerFromEnv(env: NodeJS.ProcessEnv = process.env, options: { readonly fsync?: boolean } = {}): Promise<PartitionedWorker> {
  checkPartitionOptionKeys('workerFromEnv', options, ['fsync']);
  const dir = env['WEIR_PARTITION_DIR'];
  const worker = Number(env['WEIR_WORKER']);
  if (dir === undefined || dir === '' || env['WEIR_WORKER'] === undefined || !Number.isSafeInteger(worker) || worker < 0) {
    throw new PartitionError('INVALID_ARGUMENT', `workerFromEnv: WEIR_PARTITION_DIR and WEIR_WORKER must name the job's directory and the worker's index, got ${describeValue(dir)} and ${describeValue(env['WEIR_WORKER'])}`);
  }
  return openWorker(dir, worker, options);
}
