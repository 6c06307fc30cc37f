import { Observable } from 'rxjs';
import type { OperatorFunction } from 'rxjs';
import { invalidElement } from './StreamElement';
import type { StreamElement, StreamRecord } from './StreamElement';

/**
 * Keeps only the records (value and timestamp), dropping watermarks and barriers: for sinks and
 * tests that want event times but no control elements.
 *
 * @example
 * ```ts
 * elements$.pipe(records()).subscribe(({ value, timestamp }) => log(timestamp, value));
 * ```
 */
export function records<T>(): OperatorFunction<StreamElement<T>, StreamRecord<T>> {
  return (source) =>
    new Observable<StreamRecord<T>>((subscriber) =>
      source.subscribe({
        next: (el) => {
          if (el.kind === 'record') subscriber.next(el);
          else if (el.kind !== 'watermark' && el.kind !== 'barrier') subscriber.error(invalidElement('records', el));
        },
        error: (err: unknown) => subscriber.error(err),
        complete: () => subscriber.complete(),
      }),
    );
}
