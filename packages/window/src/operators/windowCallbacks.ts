// Internal: the user callbacks every windowed operator calls the same way (the event-time and
// processing-time windows, overAggregate): the group key of a record and the record the
// aggregate refused, each failure typed and naming the operator (docs/architecture.md §2.4).
import type { StreamRecord } from '@weir/stream';
import { callbackFailed, recordFailed } from './windowFailure';
import type { GroupKey } from './WindowOptions';
import { normaliseGroupKey } from './resolveOptions';

/**
 * The group key `key` computes for `el`: a string as it is (the common case, no call), any other
 * key normalised; a `key` that throws becomes `CALLBACK_FAILED` naming the operator. O(1).
 */
export function groupKeyOf<T, K>(where: string, key: (value: T) => K, el: StreamRecord<T>): K & GroupKey {
  let raw: unknown;
  try {
    raw = key(el.value);
  } catch (err) {
    throw callbackFailed(where, 'key', el, err);
  }
  return (typeof raw === 'string' ? raw : normaliseGroupKey(where, raw)) as K & GroupKey;
}

/**
 * A record the aggregate `aggregateName` refused: counted, then handed to `onInvalid` with its
 * typed error, or thrown when there is no `onInvalid` (a throwing `onInvalid` becomes
 * `CALLBACK_FAILED`).
 */
export function refuseRecord<T>(
  where: string,
  aggregateName: string,
  onInvalid: ((record: StreamRecord<T>, error: Error) => void) | undefined,
  counters: { invalidRecords: number },
  el: StreamRecord<T>,
  err: unknown,
): void {
  counters.invalidRecords++;
  const error = recordFailed(where, aggregateName, el, err);
  if (onInvalid === undefined) throw error;
  try {
    onInvalid(el, error);
  } catch (thrown) {
    throw callbackFailed(where, 'onInvalid', el, thrown);
  }
}
