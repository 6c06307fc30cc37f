// The fair floor of the join scenarios: a hand-written join core (handJoins.ts) inside a plain RxJS
// operator with the weir joins' shape (right input as argument, stream elements in and out,
// the minimum watermark forwarded, barriers forwarded once both inputs delivered them). Driven by
// the same code as the weir operator, it costs what any two-input operator on RxJS costs.
import { Observable, type OperatorFunction } from 'rxjs';
import type { StreamElement } from '@weir/stream';
import type { Ev } from './data';
import type { HandJoin, JoinOut } from './handJoins';

/** A joined pair, the shape weir's joins emit. */
export interface Pair {
  readonly left: Ev;
  readonly right: Ev;
}

/** Wraps the core `make` builds in an RxJS operator over two element streams. */
export function handJoinOperator(make: (out: JoinOut) => HandJoin) {
  return (right$: Observable<StreamElement<Ev>>): OperatorFunction<StreamElement<Ev>, StreamElement<Pair>> =>
    (left$) =>
      new Observable<StreamElement<Pair>>((subscriber) => {
        const core = make((left, right, timestamp) => subscriber.next({ kind: 'record', value: { left, right }, timestamp }));
        let forwarded = Number.NEGATIVE_INFINITY;
        const barriers = [0, 0];
        let completed = 0;
        const on =
          (side: 0 | 1) =>
          (el: StreamElement<Ev>): void => {
            if (el.kind === 'record') core.record(side, el.value);
            else if (el.kind === 'watermark') {
              core.watermark(side, el.timestamp);
              if (core.current > forwarded) {
                forwarded = core.current;
                subscriber.next({ kind: 'watermark', timestamp: forwarded });
              }
            } else {
              barriers[side] = el.checkpointId;
              if (barriers[0] === barriers[1]) subscriber.next(el);
            }
          };
        const done = (): void => {
          if (++completed < 2) return;
          core.end();
          subscriber.next({ kind: 'watermark', timestamp: Number.POSITIVE_INFINITY });
          subscriber.complete();
        };
        const fail = (err: unknown): void => subscriber.error(err);
        const a = left$.subscribe({ next: on(0), error: fail, complete: done });
        const b = right$.subscribe({ next: on(1), error: fail, complete: done });
        return () => {
          a.unsubscribe();
          b.unsubscribe();
        };
      });
}
