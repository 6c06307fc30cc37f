// Internal: what every window engine shares: options, counters, result emission, the operator's
// meta entry (watermark and creation counter), element dispatch, barriers, completion.
import { Observable, type Subscriber } from 'rxjs';
import { describeValue, handleBarrier, registerOperator, type StreamElement, type StreamRecord } from '@weir/stream';
import { decodeValue, encodeValue } from '@weir/state';
import { WindowError } from '../WindowError';
import { aggregateFailed, asWindowError, callbackFailed } from './windowFailure';
import { normaliseGroupKey } from './resolveOptions';
import { HEADER_BYTES, META, WindowKeys } from './windowState';
import { WindowCounters, type WindowMetrics } from './WindowMetrics';
import type { WindowResult, WindowResultKind } from './WindowResult';
import type { GroupKey, WindowOptions } from './WindowOptions';
import { resolveOptions, type ResolvedOptions } from './resolveOptions';
import type { WindowOperator } from './WindowOperator';

/** The per-subscription context an engine works in. */
export interface EngineContext<T, K, A, R> {
  readonly o: ResolvedOptions<T, K & GroupKey, A, R>;
  readonly keys: WindowKeys;
  readonly where: string;
  readonly counters: WindowCounters;
  /** The operator's watermark (-Infinity before the first). Engines read it; the harness moves it. */
  readonly watermark: () => number;
  /** Draws the next creation sequence number (persisted with the watermark at each barrier). */
  readonly nextSeq: () => number;
  /**
   * The record's group key: the `key` function's result, checked and normalised. Throws a
   * WindowError: `CALLBACK_FAILED` when the function threw, `INVALID_KEY` for a result that
   * cannot be a key (route it with {@link invalid}).
   */
  keyOf(el: StreamRecord<T>): K & GroupKey;
  /** Emits one result record stamped `end - 1`. */
  emit(key: K, start: number, end: number, value: R, kind: WindowResultKind): void;
  /**
   * Counts an invalid record and hands it to `onInvalid`, or throws when there is none. `err`
   * becomes a WindowError first: one already is; anything else is the aggregate's failure.
   */
  invalid(el: StreamRecord<T>, err: unknown): void;
  /** Counts a late record and hands it to `onLate`. */
  late(el: StreamRecord<T>): void;
  /**
   * Folds a record into a GROUP entry's accumulator. If the aggregate throws, the accumulator is
   * reloaded from the store when the store holds its latest value (an `add` may have half-updated
   * it; the built-in aggregates never do), the record is routed as invalid (`AGGREGATE_FAILED`),
   * and `false` is returned.
   */
  fold(group: { acc: A; readonly storeKey: Uint8Array | undefined; readonly dirty?: boolean }, isNew: boolean, el: StreamRecord<T>): boolean;
}

/** What an engine does for its operator. */
export interface Engine<T> {
  /** Rebuilds in-memory state from the store (after the meta entry was read). */
  load(): void;
  onRecord(el: StreamRecord<T>): void;
  /** The watermark advanced to `wm` (from `previous`): fire and purge what is due. */
  advance(wm: number, previous: number): void;
  /** Writes everything still held in memory to the store (before a snapshot). */
  flush?(): void;
}

/** Builds a window operator from an engine factory, validating options first. */
export function windowOperator<T, K extends GroupKey, A, R>(
  operator: string,
  options: WindowOptions<T, K, A, R>,
  makeEngine: (ctx: EngineContext<T, K, A, R>) => Engine<T>,
  validate?: (o: ResolvedOptions<T, K, A, R>) => void,
): WindowOperator<T, K, R> {
  const o = resolveOptions(operator, options);
  validate?.(o);
  const counters = new WindowCounters(o.store);
  const where = `${operator} '${o.name}'`;

  const op = (source: Observable<StreamElement<T>>): Observable<StreamElement<WindowResult<K, R>>> =>
    new Observable((subscriber: Subscriber<StreamElement<WindowResult<K, R>>>) => {
      const keys = new WindowKeys(o.name);
      const metaKey = keys.section(META);
      let watermark = Number.NEGATIVE_INFINITY;
      let seq = 0;
      const ctx: EngineContext<T, K, A, R> = {
        o,
        keys,
        where,
        counters,
        watermark: () => watermark,
        nextSeq: () => seq++,
        keyOf(el) {
          let raw: unknown;
          try {
            raw = o.key(el.value);
          } catch (err) {
            throw callbackFailed(where, 'key', el, err);
          }
          return normaliseGroupKey(where, raw) as K & GroupKey;
        },
        emit(key, start, end, value, kind) {
          counters.resultsEmitted++;
          subscriber.next({ kind: 'record', value: { key, start, end, value, kind }, timestamp: end - 1 });
        },
        invalid(el, err) {
          counters.invalidRecords++;
          const error = err instanceof WindowError ? err : aggregateFailed(where, o.aggregate.name, el, err);
          if (o.onInvalid === undefined) throw error;
          try {
            o.onInvalid(el, error);
          } catch (thrown) {
            throw callbackFailed(where, 'onInvalid', el, thrown);
          }
        },
        late(el) {
          counters.lateRecords++;
          try {
            o.onLate?.(el);
          } catch (err) {
            throw callbackFailed(where, 'onLate', el, err);
          }
        },
        fold(group, isNew, el) {
          try {
            group.acc = o.aggregate.add(group.acc, el.value, el.timestamp);
            return true;
          } catch (err) {
            const stored = isNew || group.dirty === true || group.storeKey === undefined ? undefined : o.store.get(group.storeKey);
            if (stored !== undefined) group.acc = o.aggregate.codec.decode(stored.subarray(HEADER_BYTES));
            ctx.invalid(el, aggregateFailed(where, o.aggregate.name, el, err));
            return false;
          }
        },
      };
      const engine = makeEngine(ctx);

      const advance = (wm: number): void => {
        if (wm <= watermark) return;
        const previous = watermark;
        watermark = wm;
        counters.watermark = wm;
        engine.advance(wm, previous);
      };
      const flush = (): void => {
        engine.flush?.();
        o.store.put(metaKey, encodeValue({ watermark, nextSeq: seq }, where));
      };

      const meta = o.store.get(metaKey);
      if (meta !== undefined) {
        const m = decodeValue<{ watermark: number; nextSeq: number }>(meta, where);
        watermark = m.watermark;
        seq = m.nextSeq;
        counters.watermark = watermark;
      }
      engine.load();
      subscriber.add(registerOperator(o.checkpoint, o.name));
      const subscription = source.subscribe({
        next(el) {
          try {
            if (el.kind === 'record') {
              counters.recordsIn++;
              engine.onRecord(el);
            } else if (el.kind === 'watermark') {
              // Forwarded minus the allowed lateness: a window kept for late records can still
              // emit a result stamped down to watermark - lateness + 1, which must not be late for
              // the next operator.
              const lateness = o.allowedLateness;
              if (el.idle === true) subscriber.next(lateness === 0 ? el : { kind: 'watermark', timestamp: el.timestamp - lateness, idle: true });
              else if (el.timestamp > watermark) {
                advance(el.timestamp);
                subscriber.next(lateness === 0 ? el : { kind: 'watermark', timestamp: el.timestamp - lateness });
              }
            } else if (el.kind === 'barrier') {
              handleBarrier(el, subscriber, { operator: o.name, store: o.store, flush, checkpoint: o.checkpoint });
            } else {
              throw new WindowError('INVALID_RECORD', `${where}: expected a stream element, got ${describeValue(el)}`, el);
            }
          } catch (err) {
            subscriber.error(asWindowError(where, o.aggregate.name, err));
          }
        },
        error(err) {
          subscriber.error(err);
        },
        complete() {
          try {
            // Completion is the end of event time: fire everything still open.
            if (watermark < Number.POSITIVE_INFINITY) {
              advance(Number.POSITIVE_INFINITY);
              subscriber.next({ kind: 'watermark', timestamp: Number.POSITIVE_INFINITY });
            }
            subscriber.complete();
          } catch (err) {
            subscriber.error(asWindowError(where, o.aggregate.name, err));
          }
        },
      });
      return () => subscription.unsubscribe();
    });

  return Object.assign(op, { metrics: counters as WindowMetrics });
}
