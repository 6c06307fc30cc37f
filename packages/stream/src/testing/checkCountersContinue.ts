import fc from 'fast-check';
import type { Observable } from 'rxjs';
import { InMemoryStore, type StateStore } from '@weir/state';
import type { CheckpointHook } from '../CheckpointHook';
import type { OperatorMetrics } from '../OperatorMetrics';
import type { StreamElement } from '../StreamElement';
import { CheckpointRecorder } from './CheckpointRecorder';
import { ScriptDriver, eventScriptArb, type ScriptItem, type ScriptStep } from './eventScript';

/** A stateful operator under {@link checkCountersContinue}. */
export interface RestorableSubject {
  /** How many inputs the operator has. */
  readonly inputs: number;
  /** The operator's stable name: the key of its snapshot in a checkpoint. */
  readonly name: string;
  /** Builds the operator over `inputs` on `store`, reporting snapshots to `checkpoint` when given. */
  build(
    inputs: readonly Observable<StreamElement<ScriptItem>>[],
    store: StateStore,
    checkpoint: CheckpointHook | undefined,
  ): { readonly output: Observable<StreamElement<unknown>>; readonly metrics: OperatorMetrics };
}

/** Store figures differ between a restored store and the original (the meta entry, say). */
const STORE_FIGURES = new Set(['storeEntries', 'storeBytes']);

/**
 * Checks with fast-check that an operator's metrics continue across a restore, as Flink's
 * checkpointed counters do: over random scripts cut at a random point, the run that takes
 * checkpoint 1 at the cut (a barrier on every input), stops, restores the snapshot into a fresh
 * store and a fresh operator and runs the rest ends with the same metrics as the run that never
 * stopped (every figure but the store's entries and bytes). Counters that restarted at 0 after a
 * restore would show the first part missing.
 *
 * @param subject - how to build the operator
 * @param parameters - fast-check parameters (`numRuns`, `seed`, ...)
 *
 * @example
 * ```ts
 * checkCountersContinue({
 *   inputs: 1,
 *   name: 'w',
 *   build: ([input], store, checkpoint) => {
 *     const op = tumblingWindow({ size: 10, key: (v) => v.k, aggregate: count(), store, name: 'w', checkpoint });
 *     return { output: input!.pipe(op), metrics: op.metrics };
 *   },
 * });
 * ```
 */
export function checkCountersContinue(subject: RestorableSubject, parameters: fc.Parameters<[ScriptStep[], number]> = {}): void {
  fc.assert(
    fc.property(eventScriptArb({ inputs: subject.inputs }), fc.nat(), (steps, at) => {
      const cut = steps.length === 0 ? 0 : at % (steps.length + 1);
      const figures = (m: OperatorMetrics): Record<string, unknown> =>
        Object.fromEntries(Object.entries(m.snapshot()).filter(([name]) => !STORE_FIGURES.has(name)));

      // the run that never stopped
      let whole: OperatorMetrics | undefined;
      const d = new ScriptDriver(subject.inputs, (ins) => {
        const built = subject.build(ins, new InMemoryStore(), undefined);
        whole = built.metrics;
        return built.output;
      });
      for (const step of steps) d.push(step);
      d.complete();
      if (d.error !== undefined) throw d.error;

      // checkpoint 1 at the cut, a crash, a restore into a fresh store and operator
      const recorder = new CheckpointRecorder();
      const first = new ScriptDriver(subject.inputs, (ins) => subject.build(ins, new InMemoryStore(), recorder).output);
      for (const step of steps.slice(0, cut)) first.push(step);
      for (let i = 0; i < subject.inputs; i++) first.push({ input: i, el: { kind: 'barrier', checkpointId: 1 } });
      first.stop();
      if (first.error !== undefined) throw first.error;
      const snapshot = recorder.snapshotsOf(1).get(subject.name);
      if (snapshot === undefined) throw new Error(`no snapshot of ${subject.name} for checkpoint 1`);
      const store = new InMemoryStore();
      store.restore(snapshot);
      let resumed: OperatorMetrics | undefined;
      const second = new ScriptDriver(subject.inputs, (ins) => {
        const built = subject.build(ins, store, undefined);
        resumed = built.metrics;
        return built.output;
      });
      for (const step of steps.slice(cut)) second.push(step);
      second.complete();
      if (second.error !== undefined) throw second.error;

      expect(figures(resumed!)).toEqual(figures(whole!));
    }),
    { numRuns: 100, ...parameters },
  );
}
