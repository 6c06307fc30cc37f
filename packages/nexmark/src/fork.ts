import { Observable, Subject, connectable } from 'rxjs';

/**
 * Subscribes `build`'s result to branches of one source, then connects the source: every branch
 * sees every element, in source order, even when the source emits synchronously on subscribe
 * (`share()` would let the first branch drain it alone). Barriers reach each branch in turn,
 * so a join over two branches aligns them at once.
 */
export function fork<T, R>(source: Observable<T>, build: (shared: Observable<T>) => Observable<R>): Observable<R> {
  return new Observable<R>((subscriber) => {
    const shared = connectable(source, { connector: () => new Subject<T>(), resetOnDisconnect: false });
    const subscription = build(shared).subscribe(subscriber);
    subscription.add(shared.connect());
    return subscription;
  });
}
