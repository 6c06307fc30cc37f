import type { OperatorFunction } from 'rxjs';
import { recordOperator } from './recordOperator';
import type { StreamElement } from './StreamElement';

/**
 * Maps each record's value, keeping its timestamp; watermarks and barriers pass through untouched
 * (the same objects, in the same order). An error thrown by `project` goes to the error channel
 * as a {@link StreamError} `CALLBACK_FAILED` naming `mapRecords`, the record, and the original as
 * `cause`.
 *
 * @param project - the new value, given the record's value and event time
 *
 * @example
 * ```ts
 * elements$.pipe(mapRecords((click, ts) => ({ user: click.user, minute: Math.floor(ts / 60_000) })));
 * ```
 */
export function mapRecords<T, R>(
  project: (value: T, timestamp: number) => R,
): OperatorFunction<StreamElement<T>, StreamElement<R>> {
  return recordOperator<T, R>('mapRecords', 'project', (el, subscriber) => {
    subscriber.next({ kind: 'record', value: project(el.value, el.timestamp), timestamp: el.timestamp });
  });
}
