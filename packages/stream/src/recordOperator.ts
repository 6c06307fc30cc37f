// Internal: the skeleton every record-level helper shares. Watermarks and barriers pass through
// untouched (the same objects, in order); anything that is not a stream element errors the stream
// naming the helper; whatever `onRecord` throws goes to the error channel.
import { Observable, type OperatorFunction, type Subscriber } from 'rxjs';
import { invalidElement, type StreamElement, type StreamRecord } from './StreamElement';

export function recordOperator<T, R>(
  name: string,
  onRecord: (record: StreamRecord<T>, subscriber: Subscriber<StreamElement<R>>) => void,
): OperatorFunction<StreamElement<T>, StreamElement<R>> {
  return (source) =>
    new Observable<StreamElement<R>>((subscriber) =>
      source.subscribe({
        next: (el) => {
          if (el.kind === 'record') {
            try {
              onRecord(el, subscriber);
            } catch (err) {
              subscriber.error(err);
            }
          } else if (el.kind === 'watermark' || el.kind === 'barrier') {
            subscriber.next(el);
          } else {
            subscriber.error(invalidElement(name, el));
          }
        },
        error: (err: unknown) => subscriber.error(err),
        complete: () => subscriber.complete(),
      }),
    );
}
