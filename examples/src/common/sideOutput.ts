// Late records as an output of their own. A window operator hands each record that is too late
// for its window to `onLate`, a plain callback; to write those records to a file exactly once,
// they have to travel through the job like any other output, in step with the checkpoint
// barriers, into a sink of the coordinator (job.sink). SideOutput does that.
import { Observable } from 'rxjs';
import type { StreamElement, StreamRecord } from '@weir/stream';

/**
 * Collects records from a callback and emits them as a stream that follows another stream's
 * checkpoint barriers.
 *
 * Pass `side.add` as an operator's `onLate`, and `side.alongside(operatorOutput$)` to a sink.
 * Records collected before barrier n of the operator's output come out before barrier n here,
 * so they belong to checkpoint n, the checkpoint whose state saw them arrive: after a crash,
 * replay collects exactly the records whose output was not yet committed.
 *
 * @example
 * ```ts
 * const late = new SideOutput<Click>();
 * const views$ = clicks$.pipe(tumblingWindow({ ..., onLate: late.add }), share());
 * job.run(views$.pipe(job.sink('views', ...)), late.alongside(views$).pipe(job.sink('late', ...)));
 * ```
 */
export class SideOutput<T> {
  #held: Array<StreamRecord<T>> = [];

  /** Collects one record (use as a callback: it is bound). */
  readonly add = (record: StreamRecord<T>): void => {
    this.#held.push(record);
  };

  /**
   * The collected records, released whenever `main$` emits something and at its end, followed by
   * `main$`'s checkpoint barriers. `main$` must be shared (rxjs `share()`) with the branch that
   * consumes it, so the operator runs once.
   */
  alongside<U>(main$: Observable<StreamElement<U>>): Observable<StreamElement<T>> {
    return new Observable<StreamElement<T>>((subscriber) => {
      const release = (): void => {
        if (this.#held.length === 0) return;
        const held = this.#held;
        this.#held = [];
        for (const r of held) subscriber.next(r);
      };
      return main$.subscribe({
        next: (el) => {
          release();
          if (el.kind === 'barrier') subscriber.next(el);
        },
        error: (err: unknown) => subscriber.error(err),
        complete: () => {
          release();
          subscriber.complete();
        },
      });
    });
  }
}
