// Internal: the unknown-option-key check of every public @weir/window function that takes options.
import { checkOptionKeys, type OptionKeyList } from '@weir/state';
import { WindowError } from './WindowError';
import type { GroupKey, WindowOptions } from './operators/WindowOptions';

/**
 * The options every window operator shares, for the operators' key lists:
 * `optionKeys<TumblingWindowOptions<...>>({ ...WINDOW_OPTION_KEYS, size: true, offset: true })`.
 * Typed against {@link WindowOptions}, so an option added there and not here is a type error.
 */
export const WINDOW_OPTION_KEYS: OptionKeyList<WindowOptions<unknown, GroupKey, unknown, unknown>> = {
  key: true,
  aggregate: true,
  store: true,
  name: true,
  allowedLateness: true,
  emit: true,
  earlyFiring: true,
  cacheSize: true,
  keyGroups: true,
  onLate: true,
  onInvalid: true,
  checkpoint: true,
};

/**
 * Throws a {@link WindowError} `INVALID_ARGUMENT` naming `where`, the first key of `options` not
 * in `validKeys`, and the nearest valid key (see `checkOptionKeys` of `@weir/state`).
 */
export function checkWindowOptionKeys(where: string, options: unknown, validKeys: readonly string[]): void {
  checkOptionKeys(where, options, validKeys, (message, key) => new WindowError('INVALID_ARGUMENT', message, key));
}
