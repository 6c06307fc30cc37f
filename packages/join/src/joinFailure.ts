// Internal: the JoinError of a user callback that threw (issue 13 item 5): the operator's name,
// the callback, the input, the record's value and the original error as `cause`.
import { describeValue, messageOf } from '@weir/state';
import type { StreamRecord } from '@weir/stream';
import { JoinError, type JoinSide } from './JoinError';

/** `CALLBACK_FAILED`: `callback` threw `err` for the `side` record `el` of the join `where`. */
export function callbackFailed(where: string, callback: string, side: JoinSide, el: StreamRecord<unknown>, err: unknown): JoinError {
  return new JoinError(
    'CALLBACK_FAILED',
    `${where}: \`${callback}\` threw for the ${side} record at ${el.timestamp} (${describeValue(el.value)}): ${messageOf(err)}`,
    el.value,
    side,
    { cause: err },
  );
}
