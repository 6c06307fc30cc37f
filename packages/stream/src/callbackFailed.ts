// Internal: the error of a record-level helper whose user callback threw.
import { describeValue, messageOf } from '@weir/state';
import { StreamError } from './StreamError';

/**
 * The `CALLBACK_FAILED` error for `callback` of `operator` throwing `err` on the record of `value`
 * at `timestamp`: names all four and keeps `err` as the cause.
 */
export function callbackFailed(operator: string, callback: string, value: unknown, timestamp: number | undefined, err: unknown): StreamError {
  const at = timestamp === undefined ? '' : ` at ${timestamp}`;
  return new StreamError('CALLBACK_FAILED', `${operator}: \`${callback}\` threw for the record${at} (${describeValue(value)}): ${messageOf(err)}`, { cause: err });
}
