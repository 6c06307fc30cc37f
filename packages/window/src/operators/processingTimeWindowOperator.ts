// Internal: the harness of the processing-time window operators (docs/architecture.md §3.6). It
// owns what the event-time harness (statefulOperator of @weir/stream) owns there, for a clock
// instead of a watermark: the meta entry, barriers, completion, errors, and the one pending
// scheduler action that fires the earliest due window. Engines (processingTimeAlignedEngine,
// processingTimeSessionEngine) hold the windows.
import { Observable, asyncScheduler, type Subscription } from 'rxjs';
import { decodeValue, encodeValue } from '@weir/state';
import { handleBarrier, registerOperator, type StreamElement, type StreamRecord } from '@weir/stream';
import { WindowError } from '../WindowError';
import { asWindowError } from './windowFailure';
import { META, checkStoredKeyGroups } from './windowState';
import { WindowCounters, type WindowMetrics } from './WindowMetrics';
import type { WindowResult } from './WindowResult';
import type { GroupKey } from './WindowOptions';
import type { WindowOperator } from './WindowOperator';
import type { ResolvedOptions } from './resolveOptions';
import { ProcessingTimeKeys } from './processingTimeState';
import { groupKeyOf, refuseRecord } from './windowCallbacks';
import { resolveProcessingTimeOptions, type ProcessingTimeWindowOptions } from './processingTimeWindowOptions';
import { describeValue } from '@weir/state';

/** What an engine gets from the harness, per subscription. */
export interface PtContext<T, K, A, R> {
  readonly o: ResolvedOptions<T, K & GroupKey, A, R>;
  readonly keys: ProcessingTimeKeys;
  readonly where: string;
  readonly counters: WindowCounters;
  nextSeq(): number;
  /** The record's checked group key; throws a WindowError (route it with {@link invalid}). */
  keyOf(el: StreamRecord<T>): K & GroupKey;
  /** Emits one `insert` result stamped `end - 1`. */
  emit(key: K, start: number, end: number, value: R): void;
  /** Counts an invalid record and hands it to `onInvalid`, or throws without one. */
  invalid(el: StreamRecord<T>, err: unknown): void;
}

/** One engine per subscription: the open windows and what is due when. */
export interface PtEngine<T> {
  /** Rebuilds the open windows from the store. */
  load(): void;
  /** A record that arrived at processing time `now` (windows due at `now` have fired). */
  onRecord(el: StreamRecord<T>, now: number): void;
  /** The earliest due time (+Infinity when nothing is open). */
  nextDue(): number;
  /** Fires (emits and deletes) every window due at or before `now`, in due order; returns how many fired. */
  fireDue(now: number): number;
  /** Writes what waits in memory to the store (before a snapshot). */
  flush(): void;
}

/** Builds a processing-time window operator from an engine factory, validating options first. */
export function processingTimeWindowOperator<T, K extends GroupKey, A, R>(
  operator: string,
  options: ProcessingTimeWindowOptions<T, K, A, R>,
  makeEngine: (ctx: PtContext<T, K, A, R>) => PtEngine<T>,
): WindowOperator<T, K, R> {
  const o = resolveProcessingTimeOptions(operator, options);
  const counters = new WindowCounters(o.store);
  const where = `${operator} '${o.name}'`;
  const typed = (err: unknown): Error => asWindowError(where, o.aggregate.name, err);

  const op = (source: Observable<StreamElement<T>>): Observable<StreamElement<WindowResult<K, R>>> =>
    new Observable<StreamElement<WindowResult<K, R>>>((subscriber) => {
      const scheduler = o.scheduler ?? asyncScheduler;
      const keys = new ProcessingTimeKeys(o.name, o.keyGroups);
      const metaKey = keys.section(META);
      let seq = 0;
      /** The last watermark forwarded: a result emitted later is stamped above it. */
      let outWatermark = Number.NEGATIVE_INFINITY;
      let action: Subscription | undefined;
      let armedFor = Number.POSITIVE_INFINITY;

      const ctx: PtContext<T, K, A, R> = {
        o,
        keys,
        where,
        counters,
        nextSeq: () => seq++,
        keyOf: (el) => groupKeyOf(where, o.key, el),
        emit(key, start, end, value) {
          counters.resultsEmitted++;
          counters.recordsOut++;
          subscriber.next({ kind: 'record', value: { key, start, end, value, kind: 'insert' }, timestamp: end - 1 });
        },
        invalid: (el, err) => refuseRecord(where, o.aggregate.name, o.onInvalid, counters, el, err),
      };
      const engine = makeEngine(ctx);

      const forward = (wm: number): void => {
        if (wm <= outWatermark) return;
        outWatermark = wm;
        counters.watermark = wm;
        subscriber.next({ kind: 'watermark', timestamp: wm });
      };
      /**
       * Fires what is due at the scheduler's time `now`; when a window fired, forwards the
       * watermark now - 1 (every window still open ends after now, so no later result is stamped
       * at or below it).
       */
      const fireDue = (now: number): void => {
        if (now >= engine.nextDue() && engine.fireDue(now) > 0) forward(now - 1);
      };
      /** Keeps one scheduler action pending, for the earliest due time. */
      const arm = (): void => {
        const due = engine.nextDue();
        if (due >= armedFor) return;
        action?.unsubscribe();
        armedFor = due;
        if (due === Number.POSITIVE_INFINITY) return;
        action = scheduler.schedule(() => {
          action = undefined;
          armedFor = Number.POSITIVE_INFINITY;
          try {
            fireDue(scheduler.now());
            arm();
          } catch (err) {
            subscriber.error(typed(err));
          }
        }, Math.max(0, due - scheduler.now()));
      };
      subscriber.add(() => {
        action?.unsubscribe();
        action = undefined;
      });

      try {
        const stored = o.store.get(metaKey);
        const meta = stored === undefined ? undefined : decodeValue<Record<string, unknown>>(stored, where);
        checkStoredKeyGroups(o, where, meta);
        if (meta !== undefined) {
          seq = typeof meta['nextSeq'] === 'number' ? meta['nextSeq'] : 0;
          outWatermark = typeof meta['watermark'] === 'number' ? meta['watermark'] : outWatermark;
          counters.watermark = outWatermark;
          counters.restore(meta['counters']);
        }
        engine.load();
        // Timers that came due while the job was down fire at once (as Flink's do), then the rest wait.
        fireDue(scheduler.now());
        arm();
      } catch (err) {
        subscriber.error(typed(err));
        return undefined;
      }
      subscriber.add(registerOperator(o.checkpoint, o.name, counters));

      const flush = (): void => {
        engine.flush();
        o.store.put(metaKey, encodeValue({ watermark: outWatermark, nextSeq: seq, counters: counters.save(), keyGroups: o.keyGroups }, where));
      };
      const input = source.subscribe({
        next(el) {
          try {
            if (typeof el !== 'object' || el === null) throw new WindowError('INVALID_RECORD', `${where}: expected a stream element, got ${describeValue(el)}`, el);
            if (el.kind === 'record') {
              counters.recordsIn++;
              const now = scheduler.now();
              fireDue(now); // a window due now closes before this record opens the next
              engine.onRecord(el, now);
              arm();
            } else if (el.kind === 'barrier') {
              handleBarrier(el, subscriber, { operator: o.name, store: o.store, flush, checkpoint: o.checkpoint });
            } else if (el.kind !== 'watermark') {
              throw new WindowError('INVALID_RECORD', `${where}: expected a stream element, got ${describeValue(el)}`, el);
            }
            // Input watermarks are event time: a processing-time window ignores them.
          } catch (err) {
            subscriber.error(typed(err));
          }
        },
        error: (err: unknown) => subscriber.error(err),
        complete() {
          try {
            // End of input: every open window fires now, with what it holds (as bufferTime does).
            action?.unsubscribe();
            action = undefined;
            engine.fireDue(Number.POSITIVE_INFINITY);
            forward(Number.POSITIVE_INFINITY);
            subscriber.complete();
          } catch (err) {
            subscriber.error(typed(err));
          }
        },
      });
      return () => input.unsubscribe();
    });

  return Object.assign(op, { metrics: counters as WindowMetrics });
}
