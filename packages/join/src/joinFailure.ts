// Internal: the JoinError of a user callback that threw (issue 13 item 5): the operator's name,
// the callback, the input, the record's value and the original error as `cause`.
import { describeValue, type StreamRecord } from '@weir/stream';
import { JoinError, type JoinSide } from './JoinError';

/** `CALLBACK_FAILED`: `callback` threw `err` for the `side` record `el` of the join `where`. */
export function callbackFailed(where: string, callback: string, side: JoinSide, el: StreamRecord<unknown>, err: unknown): JoinError {
  const reason = err instanceof Error ? err.message : String(err);
  return new JoinError(
    'CALLBACK_FAILED',
    `${where}: \`${callback}\` threw for the ${side} record at ${el.timestamp} (${describeValue(el.value)}): ${reason}`,
    el.value,
    side,
    { cause: err },
  );
}
