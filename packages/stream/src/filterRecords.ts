import type { OperatorFunction } from 'rxjs';
import { recordOperator } from './recordOperator';
import type { StreamElement } from './StreamElement';

/**
 * Keeps the records whose value satisfies `predicate`; watermarks and barriers always pass through
 * untouched. A type-guard predicate narrows the value type. An error thrown by `predicate` goes to
 * the error channel as a {@link StreamError} `CALLBACK_FAILED` naming `filterRecords`, the record,
 * and the original as `cause`.
 *
 * @param predicate - whether to keep a record, given its value and event time
 *
 * @example
 * ```ts
 * elements$.pipe(filterRecords((click) => click.user !== 'bot'));
 * elements$.pipe(filterRecords((e): e is Purchase => e.type === 'purchase')); // StreamElement<Purchase>
 * ```
 */
export function filterRecords<T, S extends T>(
  predicate: (value: T, timestamp: number) => value is S,
): OperatorFunction<StreamElement<T>, StreamElement<S>>;
export function filterRecords<T>(
  predicate: (value: T, timestamp: number) => boolean,
): OperatorFunction<StreamElement<T>, StreamElement<T>>;
export function filterRecords<T>(
  predicate: (value: T, timestamp: number) => boolean,
): OperatorFunction<StreamElement<T>, StreamElement<T>> {
  return recordOperator<T, T>('filterRecords', 'predicate', (el, subscriber) => {
    if (predicate(el.value, el.timestamp)) subscriber.next(el);
  });
}
