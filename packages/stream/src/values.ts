import { Observable } from 'rxjs';
import type { OperatorFunction } from 'rxjs';
import { invalidElement } from './StreamElement';
import type { StreamElement } from './StreamElement';

/**
 * Leaves the element world: emits each record's value and drops watermarks and barriers, so the
 * result is plain RxJS again.
 *
 * @example
 * ```ts
 * clicks$.pipe(withEventTime((c) => c.at, { maxOutOfOrderness: 1000 }), values()); // Observable<Click>
 * ```
 */
export function values<T>(): OperatorFunction<StreamElement<T>, T> {
  return (source) =>
    new Observable<T>((subscriber) =>
      source.subscribe({
        next: (el) => {
          if (el.kind === 'record') subscriber.next(el.value);
          else if (el.kind !== 'watermark' && el.kind !== 'barrier') subscriber.error(invalidElement('values', el));
        },
        error: (err: unknown) => subscriber.error(err),
        complete: () => subscriber.complete(),
      }),
    );
}
