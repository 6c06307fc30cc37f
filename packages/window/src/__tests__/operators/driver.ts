// Pushes elements into a window operator one at a time and records what each produced: shared
// by the operator tests and their oracles.
import { Subject, type OperatorFunction, type Subscription } from 'rxjs';
import type { StreamElement } from '@weir/stream';

/** Feeds elements one at a time into an operator and records what each one produced. */
export class Driver<T, R> {
  readonly #input = new Subject<StreamElement<T>>();
  readonly #sub: Subscription;
  #buffer: StreamElement<R>[] = [];
  error: unknown = undefined;
  completed = false;

  constructor(op: OperatorFunction<StreamElement<T>, StreamElement<R>>) {
    this.#sub = this.#input.pipe(op).subscribe({
      next: (el) => this.#buffer.push(el),
      error: (err: unknown) => (this.error = err),
      complete: () => (this.completed = true),
    });
  }

  /** Pushes one element; returns what it produced. */
  push(el: StreamElement<T>): StreamElement<R>[] {
    this.#input.next(el);
    return this.#take();
  }

  /** Completes the input; returns what completion produced. */
  complete(): StreamElement<R>[] {
    this.#input.complete();
    return this.#take();
  }

  /** Unsubscribes without completing (a crash, or the end of a run before a restore). */
  stop(): void {
    this.#sub.unsubscribe();
  }

  #take(): StreamElement<R>[] {
    const out = this.#buffer;
    this.#buffer = [];
    return out;
  }
}

/** What each element (and, if `complete`, the completion) produced; throws a stream error. */
export function drive<T, R>(op: OperatorFunction<StreamElement<T>, StreamElement<R>>, elements: readonly StreamElement<T>[], complete = true): StreamElement<R>[][] {
  const d = new Driver(op);
  const steps = elements.map((el) => d.push(el));
  if (complete) steps.push(d.complete());
  else d.stop();
  if (d.error !== undefined) throw d.error;
  return steps;
}

/** Just the result payloads of some output. */
export const resultsOf = <R>(out: readonly StreamElement<R>[]): R[] => out.flatMap((el) => (el.kind === 'record' ? [el.value] : []));
