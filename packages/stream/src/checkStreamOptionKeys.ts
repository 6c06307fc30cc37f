// Internal: the unknown-option-key check of every public @weir/stream function that takes options.
import { checkOptionKeys } from '@weir/state';
import { StreamError } from './StreamError';

/**
 * Throws a {@link StreamError} `INVALID_OPTION` naming `where`, the first key of `options` not in
 * `validKeys`, and the nearest valid key (see `checkOptionKeys` of `@weir/state`).
 */
export function checkStreamOptionKeys(where: string, options: unknown, validKeys: readonly string[]): void {
  checkOptionKeys(where, options, validKeys, (message) => new StreamError('INVALID_OPTION', message));
}
