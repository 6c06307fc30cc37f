// Internal: how a window operator turns a failure into its WindowError (issue 13 item 5): the
// operator's name, the offending value and the original error as `cause`, always.
import { StateError, describeValue, messageOf } from '@weir/state';
import { StreamError, type StreamRecord } from '@weir/stream';
import { AggregationError } from '../aggregates/AggregationError';
import { WindowError } from '../WindowError';

/** `CALLBACK_FAILED`: the user's `callback` (`key`, `onLate`, `onInvalid`) threw for record `el`. */
export function callbackFailed(where: string, callback: string, el: StreamRecord<unknown>, err: unknown): WindowError {
  return new WindowError(
    'CALLBACK_FAILED',
    `${where}: \`${callback}\` threw for the record at ${el.timestamp} (${describeValue(el.value)}): ${messageOf(err)}`,
    el.value,
    { cause: err },
  );
}

/**
 * `AGGREGATE_FAILED`: aggregate `aggregate` threw, folding record `el` or (without one) merging
 * or producing a result. An {@link AggregationError} names the value the aggregate refused.
 */
export function aggregateFailed(where: string, aggregate: string, el: StreamRecord<unknown> | undefined, err: unknown): WindowError {
  const refused = err instanceof AggregationError ? err.value : el?.value;
  const record = el === undefined ? '' : ` for the record at ${el.timestamp} (${describeValue(el.value)})`;
  return new WindowError('AGGREGATE_FAILED', `${where}: aggregate '${aggregate}' failed${record}: ${messageOf(err)}`, refused, { cause: err });
}

/**
 * A failure of a record, as the WindowError `onInvalid` receives: one of the operator's own as is;
 * an aggregate's (an {@link AggregationError} does not name the operator, or anything else) as
 * `AGGREGATE_FAILED` naming the operator, the aggregate and the record.
 */
export function recordFailed(where: string, aggregate: string, el: StreamRecord<unknown>, err: unknown): WindowError {
  return err instanceof WindowError && !(err instanceof AggregationError) ? err : aggregateFailed(where, aggregate, el, err);
}

/**
 * Any failure of a window operator as the error its subscriber receives: its own WindowError and
 * the typed errors of the layers below (StateError, StreamError) as is, an element that is not one
 * as `INVALID_RECORD`, an aggregate's failure and anything else as `AGGREGATE_FAILED` naming the
 * operator (the key and the callbacks are wrapped where they are called, so the aggregate is the
 * only user code left).
 */
export function asWindowError(where: string, aggregate: string, err: unknown): Error {
  if (err instanceof AggregationError) return aggregateFailed(where, aggregate, undefined, err);
  if (err instanceof WindowError || err instanceof StateError) return err;
  if (err instanceof StreamError) {
    return err.code === 'INVALID_ELEMENT' ? new WindowError('INVALID_RECORD', err.message, undefined, { cause: err }) : err;
  }
  return aggregateFailed(where, aggregate, undefined, err);
}
