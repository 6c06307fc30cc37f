// Internal: the unknown-option-key check of every public @weir/checkpoint function that takes options.
import { checkOptionKeys } from '@weir/state';
import { CheckpointError } from './CheckpointError';

/**
 * Throws a {@link CheckpointError} `INVALID_ARGUMENT` naming `where`, the first key of `options`
 * not in `validKeys`, and the nearest valid key (see `checkOptionKeys` of `@weir/state`).
 */
export function checkCheckpointOptionKeys(where: string, options: unknown, validKeys: readonly string[]): void {
  checkOptionKeys(where, options, validKeys, (message) => new CheckpointError('INVALID_ARGUMENT', message));
}
