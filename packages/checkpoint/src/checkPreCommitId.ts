import { describeValue } from '@weir/state';
import { CheckpointError } from './CheckpointError';

/**
 * Internal: the checks every file sink makes of `preCommit(checkpointId)`: a non-negative
 * integer (`INVALID_ARGUMENT`), above the last one pre-committed (`STATE`: checkpoint ids
 * increase). `where` names the sink and its directory.
 */
export function checkPreCommitId(where: string, checkpointId: number, lastPreCommit: number): void {
  if (!Number.isSafeInteger(checkpointId) || checkpointId < 0) {
    throw new CheckpointError('INVALID_ARGUMENT', `${where}: preCommit needs a checkpoint id (a non-negative integer), got ${describeValue(checkpointId)}`);
  }
  if (checkpointId <= lastPreCommit) {
    throw new CheckpointError('STATE', `${where}: preCommit(${checkpointId}) after checkpoint ${lastPreCommit}: checkpoint ids must increase`);
  }
}
