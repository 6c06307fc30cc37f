// Internal: the unknown-option-key check of every public @weir/nats function that takes options.
import { checkOptionKeys } from '@weir/state';
import { NatsError } from './NatsError';

/**
 * Throws a {@link NatsError} `INVALID_ARGUMENT` naming `where`, the first key of `options` not in
 * `validKeys`, and the nearest valid key (see `checkOptionKeys` of `@weir/state`).
 */
export function checkNatsOptionKeys(where: string, options: unknown, validKeys: readonly string[]): void {
  checkOptionKeys(where, options, validKeys, (message) => new NatsError('INVALID_ARGUMENT', message));
}
