// Internal: a window operator is a stateful operator of @weir/stream (statefulOperator: the
// watermark, the lateness rule, barriers, the checkpointed meta entry, completion) whose engine
// adapts one of the window engines (aligned, pane, session). What stays here is what windows
// alone need: options, window counters, result emission, keys, folding, invalid-record routing.
import type { Observable } from 'rxjs';
import { statefulOperator, type StreamElement, type StreamRecord } from '@weir/stream';
import type { Entry } from '@weir/state';
import { assertTimestamp } from '../limits';
import { aggregateFailed, asWindowError, callbackFailed } from './windowFailure';
import { HEADER_BYTES, WindowKeys, checkStoredKeyGroups } from './windowState';
import { groupKeyOf, refuseRecord } from './windowCallbacks';
import { WindowCounters, type WindowMetrics } from './WindowMetrics';
import type { WindowResult, WindowResultKind } from './WindowResult';
import type { GroupKey, WindowOptions } from './WindowOptions';
import { resolveOptions, type ResolvedOptions } from './resolveOptions';
import type { WindowOperator } from './WindowOperator';
import { windowQuery, type OpenWindowsOf } from './windowQuery';

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
  /**
   * Counts a late record and hands it to `onLate`. The harness already routes every record at or
   * below the watermark minus the allowed lateness here before the engine sees it, and any other
   * record's windows are all still open, so an engine never needs to call it.
   */
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
  /** A record that is not late (its timestamp already checked). */
  onRecord(el: StreamRecord<T>): void;
  /** The watermark advanced to `wm` (from `previous`): fire and purge what is due. */
  advance(wm: number, previous: number): void;
  /** Writes everything still held in memory to the store (before a snapshot). */
  flush?(): void;
  /** Instead of flush, when the checkpoint takes deferred entries: see StatefulEngine.capture. */
  capture?(): Iterator<Entry> | undefined;
  /** A key's open windows, from the in-memory state (for the key query, see windowQuery.ts). */
  openWindows?: OpenWindowsOf;
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
  const lateness = o.allowedLateness;
  const onLate = (el: StreamRecord<T>): void => {
    try {
      o.onLate?.(el);
    } catch (err) {
      throw callbackFailed(where, 'onLate', el, err);
    }
  };
  const config = { name: o.name, keys: new WindowKeys(o.name, o.keyGroups), where, store: o.store, checkpoint: o.checkpoint, allowedLateness: lateness, counters, typed: (err: unknown) => asWindowError(where, o.aggregate.name, err) };

  const op = (source: Observable<StreamElement<T>>): Observable<StreamElement<WindowResult<K, R>>> =>
    statefulOperator<T, WindowResult<K, R>>(config, (harness) => {
      const ctx: EngineContext<T, K, A, R> = {
        o,
        keys: new WindowKeys(o.name, o.keyGroups),
        where,
        counters,
        watermark: harness.watermark,
        nextSeq: harness.nextSeq,
        keyOf: (el) => groupKeyOf(where, o.key, el),
        emit(key, start, end, value, kind) {
          counters.resultsEmitted++;
          harness.emit({ key, start, end, value, kind }, end - 1);
        },
        invalid: (el, err) => refuseRecord(where, o.aggregate.name, o.onInvalid, counters, el, err),
        late(el) {
          counters.lateRecords++;
          onLate(el);
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
      return {
        load(meta) {
          checkStoredKeyGroups(o, where, meta);
          engine.load();
        },
        save: () => ({ keyGroups: o.keyGroups }),
        input: () => source,
        admit(el) {
          try {
            assertTimestamp(el.timestamp, where);
            return true;
          } catch (err) {
            ctx.invalid(el, err);
            return false;
          }
        },
        late: onLate,
        onRecord: engine.onRecord,
        advance: engine.advance,
        // A window kept for late records emits results stamped down to wm - lateness + 1, which
        // must not be late for the next operator.
        outputWatermark: (wm) => wm - lateness,
        flush: () => engine.flush?.(),
        ...(engine.capture === undefined ? {} : { capture: () => engine.capture!() }),
        ...(engine.openWindows === undefined ? {} : { query: windowQuery(where, harness.watermark, engine.openWindows) }),
      };
    });

  return Object.assign(op, { metrics: counters as WindowMetrics });
}
