// Internal: the unknown-option-key check of every join operator.
import { checkOptionKeys, type OptionKeyList } from '@weir/state';
import { JoinError } from './JoinError';
import type { JoinOptions } from './JoinOptions';

/**
 * The options every join shares, for the joins' key lists:
 * `optionKeys<IntervalJoinOptions<unknown, unknown>>({ ...JOIN_OPTION_KEYS, leftKey: true, ... })`.
 * Typed against {@link JoinOptions}, so an option added there and not here is a type error.
 */
export const JOIN_OPTION_KEYS: OptionKeyList<JoinOptions<unknown, unknown>> = {
  store: true,
  name: true,
  cacheSize: true,
  keyGroups: true,
  allowedLateness: true,
  onLateLeft: true,
  onLateRight: true,
  onInvalid: true,
  checkpoint: true,
};

/**
 * Throws a {@link JoinError} `INVALID_ARGUMENT` naming the join, the first key of `options` not
 * in `validKeys`, and the nearest valid key (see `checkOptionKeys` of `@weir/state`).
 */
export function checkJoinOptionKeys(kind: string, options: unknown, validKeys: readonly string[]): void {
  checkOptionKeys(kind, options, validKeys, (message, key) => new JoinError('INVALID_ARGUMENT', message, key));
}
