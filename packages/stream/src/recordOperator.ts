// Internal: the skeleton every record-level helper shares. Watermarks and barriers pass through
// untouched (the same objects, in order); anything that is not a stream element errors the stream
// naming the helper; whatever `onRecord` throws (it runs the user's `callback`) goes to the error
// channel as a StreamError `CALLBACK_FAILED` naming the helper, the callback and the record.
import { Observable, type OperatorFunction, type Subscriber } from 'rxjs';
import { callbackFailed } from './callbackFailed';
import { invalidElement, type StreamElement, type StreamRecord } from './StreamElement';

export function recordOperator<T, R>(
  name: string,
  callback: string,
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
              subscriber.error(callbackFailed(name, callback, el.value, el.timestamp, err));
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
