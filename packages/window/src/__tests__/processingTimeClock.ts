// Test helper: a virtual clock for the processing-time window operators, stepped by hand.
import { Subject, type Subscription, VirtualTimeScheduler } from 'rxjs';
import { record, type StreamElement } from '@weir/stream';
import type { WindowResult } from '@weir/window';

/** Moves the clock to `t`, running every action due at or before it, in due order. */
export function advanceTo(clock: VirtualTimeScheduler, t: number): void {
  if (t < clock.frame) throw new Error(`the clock cannot go back from ${clock.frame} to ${t}`);
  clock.maxFrames = t;
  clock.flush();
  clock.frame = t;
}

/** A fresh virtual clock at `t`. */
export function clockAt(t: number): VirtualTimeScheduler {
  const clock = new VirtualTimeScheduler();
  clock.frame = t;
  return clock;
}

/** What an output element was, and when (the clock's time) it came out. */
export interface Emitted<K, R> {
  readonly at: number;
  readonly el: StreamElement<WindowResult<K, R>>;
}

/** Drives one subscription of an operator: push elements at clock times, read what came out. */
export class PtDriver<T, K, R> {
  readonly out: Emitted<K, R>[] = [];
  readonly input = new Subject<StreamElement<T>>();
  completed = false;
  error: unknown = undefined;
  private readonly sub: Subscription;

  constructor(
    readonly clock: VirtualTimeScheduler,
    op: (s: Subject<StreamElement<T>>) => import('rxjs').Observable<StreamElement<WindowResult<K, R>>>,
  ) {
    this.sub = op(this.input).subscribe({
      next: (el) => this.out.push({ at: clock.now(), el }),
      error: (err: unknown) => (this.error = err),
      complete: () => (this.completed = true),
    });
  }

  /** Advances the clock to `t`, then pushes a record of `value` (its event timestamp is irrelevant: 0). */
  at(t: number, value: T): this {
    advanceTo(this.clock, t);
    this.input.next(record(value, 0));
    return this;
  }

  push(el: StreamElement<T>): this {
    this.input.next(el);
    return this;
  }

  /** The results emitted so far, with the clock time each came out. */
  results(): Array<WindowResult<K, R> & { at: number; timestamp: number }> {
    return this.out.flatMap(({ at, el }) => (el.kind === 'record' ? [{ ...el.value, at, timestamp: el.timestamp }] : []));
  }

  stop(): void {
    this.sub.unsubscribe();
  }
}
