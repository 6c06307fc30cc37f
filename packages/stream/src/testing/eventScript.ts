import fc from 'fast-check';
import { Subject, type Observable } from 'rxjs';
import type { StreamElement } from '../StreamElement';

/** The value of every record of an {@link eventScriptArb} script: an identity and a small key. */
export interface ScriptItem {
  readonly id: string;
  readonly k: number;
}

/** One element of a script: which input it arrives on, and the element. */
export interface ScriptStep {
  readonly input: number;
  readonly el: StreamElement<ScriptItem>;
}

/**
 * Random scripts for an operator with `inputs` inputs: records with keys `0..keys-1` and times
 * `0..maxTs`, out of order, and per-input watermarks that only move forward, starting near the
 * beginning and advancing in small steps, so that many records arrive behind the watermark.
 * Record ids are `<input>:<n>`, unique in a script.
 *
 * @example
 * ```ts
 * fc.assert(fc.property(eventScriptArb({ inputs: 2 }), (steps) => { ... }));
 * ```
 */
export function eventScriptArb(options: { inputs?: number; keys?: number; maxTs?: number; maxLength?: number } = {}): fc.Arbitrary<ScriptStep[]> {
  const inputs = options.inputs ?? 1;
  const op = fc.oneof(
    { weight: 3, arbitrary: fc.record({ kind: fc.constant('record' as const), input: fc.nat(inputs - 1), k: fc.nat((options.keys ?? 3) - 1), ts: fc.nat(options.maxTs ?? 60) }) },
    { weight: 2, arbitrary: fc.record({ kind: fc.constant('watermark' as const), input: fc.nat(inputs - 1), start: fc.integer({ min: -5, max: 10 }), step: fc.integer({ min: 1, max: 8 }) }) },
  );
  return fc.array(op, { maxLength: options.maxLength ?? 40 }).map((ops) => {
    const wm = new Array<number>(inputs).fill(Number.NEGATIVE_INFINITY);
    let n = 0;
    return ops.map((o): ScriptStep => {
      if (o.kind === 'record') return { input: o.input, el: { kind: 'record', value: { id: `${o.input}:${n++}`, k: o.k }, timestamp: o.ts } };
      const w = wm[o.input]!;
      wm[o.input] = w === Number.NEGATIVE_INFINITY ? o.start : w + o.step;
      return { input: o.input, el: { kind: 'watermark', timestamp: wm[o.input]! } };
    });
  });
}

/** Feeds a script into an operator built on Subjects (one per input) and records its output. */
export class ScriptDriver {
  readonly inputs: Subject<StreamElement<ScriptItem>>[];
  readonly out: StreamElement<unknown>[] = [];
  error: unknown = undefined;
  completed = false;
  readonly #stop: () => void;

  /**
   * @param inputs - how many inputs the operator has
   * @param build - the operator's output, given its inputs
   */
  constructor(inputs: number, build: (inputs: readonly Observable<StreamElement<ScriptItem>>[]) => Observable<StreamElement<unknown>>) {
    this.inputs = Array.from({ length: inputs }, () => new Subject<StreamElement<ScriptItem>>());
    const sub = build(this.inputs).subscribe({
      next: (el) => this.out.push(el),
      error: (err: unknown) => (this.error = err),
      complete: () => (this.completed = true),
    });
    this.#stop = () => sub.unsubscribe();
  }

  push(step: ScriptStep): void {
    this.inputs[step.input]!.next(step.el);
  }

  /** Completes every input (the end of input). */
  complete(): void {
    for (const input of this.inputs) input.complete();
  }

  /** Unsubscribes without completing: a crash. */
  stop(): void {
    this.#stop();
  }
}
