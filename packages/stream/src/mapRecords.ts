import { Observable } from 'rxjs';
import type { OperatorFunction } from 'rxjs';
import { invalidElement } from './StreamElement';
import type { StreamElement } from './StreamElement';

/**
 * Maps each record's value, keeping its timestamp; watermarks and barriers pass through untouched
 * (the same objects, in the same order). An error thrown by `project` goes to the error channel.
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
  return (source) =>
    new Observable<StreamElement<R>>((subscriber) =>
      source.subscribe({
        next: (el) => {
          if (el.kind === 'record') {
            let value: R;
            try {
              value = project(el.value, el.timestamp);
            } catch (err) {
              subscriber.error(err);
              return;
            }
            subscriber.next({ kind: 'record', value, timestamp: el.timestamp });
          } else if (el.kind === 'watermark' || el.kind === 'barrier') {
            subscriber.next(el);
          } else {
            subscriber.error(invalidElement('mapRecords', el));
          }
        },
        error: (err: unknown) => subscriber.error(err),
        complete: () => subscriber.complete(),
      }),
    );
}
