import type { OperatorFunction } from 'rxjs';
import { recordOperator } from './recordOperator';
import type { StreamElement } from './StreamElement';

/**
 * Replaces each record by zero or more records, one per value of the iterable `project` returns,
 * each with the input record's timestamp; watermarks and barriers pass through untouched. Errors
 * thrown by `project` or by iterating its result go to the error channel as a {@link StreamError}
 * `CALLBACK_FAILED` naming `flatMapRecords`, the record, and the original as `cause` (records
 * already produced from that input record have been emitted).
 *
 * @param project - the output values, given a record's value and event time
 *
 * @example
 * ```ts
 * lines$.pipe(flatMapRecords((line) => line.split(/\s+/))); // one record per word
 * ```
 */
export function flatMapRecords<T, R>(
  project: (value: T, timestamp: number) => Iterable<R>,
): OperatorFunction<StreamElement<T>, StreamElement<R>> {
  return recordOperator<T, R>('flatMapRecords', 'project', (el, subscriber) => {
    const timestamp = el.timestamp;
    for (const value of project(el.value, timestamp)) {
      if (subscriber.closed) return;
      subscriber.next({ kind: 'record', value, timestamp });
    }
  });
}
