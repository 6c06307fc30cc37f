// Internal: the unknown-option-key check of every rank operator.
import { checkOptionKeys, type OptionKeyList } from '@weir/state';
import { RankError } from './RankError';
import type { RankOptions } from './RankOptions';

/** The options every rank operator shares, typed against {@link RankOptions}. */
export const RANK_OPTION_KEYS: OptionKeyList<RankOptions<unknown>> = {
  store: true,
  name: true,
  key: true,
  keyGroups: true,
  allowedLateness: true,
  onLate: true,
  onInvalid: true,
  checkpoint: true,
};

/**
 * Throws a {@link RankError} `INVALID_ARGUMENT` naming the operator, the first key of `options`
 * not in `validKeys`, and the nearest valid key.
 */
export function checkRankOptionKeys(kind: string, options: unknown, validKeys: readonly string[]): void {
  checkOptionKeys(kind, options, validKeys, (message, key) => new RankError('INVALID_ARGUMENT', message, key));
}
