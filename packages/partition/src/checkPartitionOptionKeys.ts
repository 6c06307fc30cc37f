// Internal: the unknown-option-key check of every public @weir/partition function that takes options.
import { checkOptionKeys } from '@weir/state';
import { PartitionError } from './PartitionError';

/** Throws a {@link PartitionError} `INVALID_ARGUMENT` naming `where` and the first unknown key of `options`. */
export function checkPartitionOptionKeys(where: string, options: unknown, validKeys: readonly string[]): void {
  checkOptionKeys(where, options, validKeys, (message) => new PartitionError('INVALID_ARGUMENT', message));
}
