import fc from 'fast-check';
import type { Observable } from 'rxjs';
import type { OperatorMetrics } from '../OperatorMetrics';
import type { StreamElement, StreamRecord } from '../StreamElement';
import { ScriptDriver, eventScriptArb, type ScriptItem, type ScriptStep } from './eventScript';

/** An event-time operator under {@link checkLatenessRule}. */
export interface LatenessSubject {
  /**
   * Per input, whether it carries event time: its watermarks make the operator's watermark (the
   * minimum over such inputs) and the lateness rule judges its records. `[true]` for a window,
   * `[true, true]` for most joins, `[true, false]` for a lookup join (its table has no event time).
   */
  readonly timed: readonly boolean[];
  /**
   * Builds the operator over `inputs` with `allowedLateness`, handing each late record to
   * `onLate` with its input's index; returns the operator's output and metrics.
   */
  build(
    inputs: readonly Observable<StreamElement<ScriptItem>>[],
    allowedLateness: number,
    onLate: (input: number, record: StreamRecord<ScriptItem>) => void,
  ): { readonly output: Observable<StreamElement<unknown>>; readonly metrics: Pick<OperatorMetrics, 'lateRecords'> };
}

/**
 * The records the lateness rule calls late in `steps` (docs/concepts/event-time.md): a record on
 * a timed input is late when `ts <= W - allowedLateness`, `W` being, when it arrives, the minimum
 * over the timed inputs of the largest watermark each has sent (`-Infinity` before one has).
 * Returns `<input>:<id>` per late record, in arrival order.
 */
export function lateByRule(steps: readonly ScriptStep[], timed: readonly boolean[], allowedLateness: number): string[] {
  const wm = timed.map(() => Number.NEGATIVE_INFINITY);
  const late: string[] = [];
  for (const { input, el } of steps) {
    if (el.kind === 'watermark') wm[input] = Math.max(wm[input]!, el.timestamp);
    else if (el.kind === 'record' && timed[input] === true) {
      const W = Math.min(...wm.filter((_, i) => timed[i] === true));
      if (el.timestamp <= W - allowedLateness) late.push(`${input}:${el.value.id}`);
    }
  }
  return late;
}

/**
 * Checks the one lateness rule of every event-time operator with fast-check, over random scripts
 * of records and watermarks and a random `allowedLateness` (0 half of the time):
 * - the records handed to the late side output are exactly those {@link lateByRule} calls late,
 *   in arrival order, and `metrics.lateRecords` counts them;
 * - the operator completes, its watermarks never decrease, it ends with `+Infinity`, and no
 *   output record is at or below a watermark it forwarded before it (nothing it emits is late
 *   for the next operator).
 *
 * Call it inside a jest test; it throws (with fast-check's counterexample) when the rule fails.
 *
 * @param subject - how to build the operator and which inputs carry event time
 * @param parameters - fast-check parameters (`numRuns`, `seed`, ...)
 *
 * @example
 * ```ts
 * it('tumblingWindow follows the lateness rule', () => {
 *   checkLatenessRule({
 *     timed: [true],
 *     build: ([input], allowedLateness, onLate) => {
 *       const op = tumblingWindow({ size: 10, key: (v) => v.k, aggregate: count(), store: new InMemoryStore(), allowedLateness, onLate: (r) => onLate(0, r) });
 *       return { output: input!.pipe(op), metrics: op.metrics };
 *     },
 *   });
 * });
 * ```
 */
export function checkLatenessRule(subject: LatenessSubject, parameters: fc.Parameters<[ScriptStep[], number]> = {}): void {
  const inputs = subject.timed.length;
  const lateness = fc.oneof(fc.constant(0), fc.nat(12));
  fc.assert(
    fc.property(eventScriptArb({ inputs }), lateness, (steps, allowedLateness) => {
      const late: string[] = [];
      let metrics: Pick<OperatorMetrics, 'lateRecords'> | undefined;
      const d = new ScriptDriver(inputs, (ins) => {
        const built = subject.build(ins, allowedLateness, (input, record) => late.push(`${input}:${record.value.id}`));
        metrics = built.metrics;
        return built.output;
      });
      for (const step of steps) d.push(step);
      d.complete();
      if (d.error !== undefined) throw d.error;
      expect(d.completed).toBe(true);
      const expected = lateByRule(steps, subject.timed, allowedLateness);
      expect(late).toEqual(expected);
      expect(metrics!.lateRecords).toBe(expected.length);
      let forwarded = Number.NEGATIVE_INFINITY;
      for (const el of d.out) {
        if (el.kind === 'watermark') {
          expect(el.timestamp).toBeGreaterThanOrEqual(forwarded);
          forwarded = el.timestamp;
        } else if (el.kind === 'record' && !(el.timestamp > forwarded)) {
          throw new Error(`output record at ${el.timestamp} is late: watermark ${forwarded} was forwarded before it`);
        }
      }
      expect(d.out.at(-1)).toEqual({ kind: 'watermark', timestamp: Number.POSITIVE_INFINITY });
    }),
    { numRuns: 200, ...parameters },
  );
}
