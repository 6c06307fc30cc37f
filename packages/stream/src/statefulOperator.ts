import { Observable, type Subscriber } from 'rxjs';
import { OperatorKeys, decodeValue, encodeValue, type Entry, type StateStore } from '@weir/state';
import type { CheckpointHook } from './CheckpointHook';
import { handleBarrier } from './handleBarrier';
import { isLate } from './isLate';
import type { OperatorCounters } from './OperatorCounters';
import { registerOperator } from './registerOperator';
import type { StatefulContext, StatefulEngine } from './StatefulEngine';
import { invalidElement, type StreamElement } from './StreamElement';

/** The section of an operator's key space that holds its meta entry (see {@link statefulOperator}). */
export const META_SECTION = 0x00;

/** How one stateful operator is set up; see {@link statefulOperator}. */
export interface StatefulOperatorConfig {
  /** The operator's stable name: its keys' prefix in the store and its identity in checkpoints. */
  readonly name: string;
  /**
   * The operator's key space, when it is not the default `new OperatorKeys(name)`: the meta entry
   * is written under `keys.section(META_SECTION)` (under `FF FF` for an operator with key groups).
   */
  readonly keys?: OperatorKeys;
  /** How messages name the operator, e.g. `tumblingWindow 'views'`. */
  readonly where: string;
  /** Where the operator keeps every piece of its state. */
  readonly store: StateStore;
  /** The coordinator's hook, if the operator takes part in checkpoints. */
  readonly checkpoint: CheckpointHook | undefined;
  /** How far behind the watermark (ms) a record is still processed: late when `ts <= watermark - allowedLateness`. */
  readonly allowedLateness: number;
  /** The operator's counters (shared by its subscriptions), checkpointed in its meta entry. */
  readonly counters: OperatorCounters;
  /** Turns any failure into the operator's typed error before it reaches the error channel. */
  readonly typed: (err: unknown) => unknown;
}

interface Meta {
  readonly watermark: number;
  readonly nextSeq: number;
  readonly counters?: unknown;
  readonly [extra: string]: unknown;
}

/**
 * The meta entry, encoded when first asked for (and put back into the live store, for whoever
 * browses it: the store's copy lags the operator between barriers either way), then the engine's
 * deferred entries.
 */
function* metaThen(store: StateStore, key: Uint8Array, meta: Meta, where: string, rest: Iterator<Entry> | undefined): Generator<Entry, void, undefined> {
  const bytes = encodeValue(meta, where);
  store.put(key, bytes);
  yield [key, bytes];
  if (rest !== undefined) for (let next = rest.next(); next.done !== true; next = rest.next()) yield next.value;
}

/**
 * The skeleton of every stateful event-time operator (windows and joins build on it): each
 * subscription runs one {@link StatefulEngine} and the harness does the rest the same way for
 * all of them.
 *
 * - **Lateness** (docs/concepts/event-time.md): a record is late when `ts <= W - L`, `W` being
 *   the operator's input watermark when the record arrives and `L` its `allowedLateness`. A late
 *   record is counted in `lateRecords` and handed to the engine's `late` side output, never
 *   processed; any other record goes to `onRecord`.
 * - **Watermarks**: a watermark above the current one advances it (the engine fires what is due),
 *   then the engine's `outputWatermark` is forwarded if it advanced; an idle marker is forwarded
 *   at the last forwarded watermark, and the next advance (or plain watermark) re-activates it.
 * - **Barriers** (docs/architecture.md, barrier protocol): the engine flushes its caches, the
 *   harness writes the meta entry, then the store is snapshotted and the barrier forwarded. Under
 *   a hook that takes deferred entries, an engine with `capture` captures its caches instead and
 *   the meta entry is captured too, both encoded after the barrier (§5.3).
 * - **Meta entry**: `name 00 -> msgpack { watermark, nextSeq, counters, ...engine.save() }`,
 *   read back when a subscription starts, so a restored operator resumes its watermark, sequence
 *   and counters (`recordsIn`, `lateRecords`, ... continue from the checkpoint).
 * - **Completion** is the end of event time: the watermark advances to `+Infinity` (everything
 *   still open fires), then the output completes. Every failure reaches the error channel,
 *   through `config.typed`.
 *
 * @param config - the operator's name, store, lateness, counters and error type
 * @param start - makes the engine of one subscription
 * @returns the operator's output, subscribed to the engine's `input()`
 *
 * @example
 * ```ts
 * const counters = new OperatorCounters(store);
 * const op = (source$) => statefulOperator<Click, Click>({ name, where: `dedup '${name}'`, store, checkpoint, allowedLateness: 0, counters, typed: (e) => e }, (ctx) => ({
 *   load() {},
 *   input: () => source$,
 *   late: (r) => onLate(r),
 *   onRecord: (r) => ctx.emit(r.value, r.timestamp),
 *   advance() {},
 *   outputWatermark: (wm) => wm,
 *   flush() {},
 * }));
 * ```
 */
export function statefulOperator<I, O>(config: StatefulOperatorConfig, start: (ctx: StatefulContext<O>) => StatefulEngine<I>): Observable<StreamElement<O>> {
  const { store, counters, allowedLateness } = config;
  return new Observable((subscriber: Subscriber<StreamElement<O>>) => {
    const metaKey = (config.keys ?? new OperatorKeys(config.name)).section(META_SECTION);
    let watermark = Number.NEGATIVE_INFINITY;
    let outWatermark = Number.NEGATIVE_INFINITY;
    let outIdle = false;
    let seq = 0;
    const engine = start({
      watermark: () => watermark,
      nextSeq: () => seq++,
      emit: (value, timestamp) => {
        counters.recordsOut++;
        subscriber.next({ kind: 'record', value, timestamp });
      },
    });

    const forward = (): void => {
      const out = engine.outputWatermark(watermark);
      if (out > outWatermark) {
        outWatermark = out;
        outIdle = false;
        subscriber.next({ kind: 'watermark', timestamp: out });
      } else if (outIdle) {
        outIdle = false;
        subscriber.next({ kind: 'watermark', timestamp: outWatermark });
      }
    };
    const advance = (wm: number): void => {
      if (wm > watermark) {
        const previous = watermark;
        watermark = wm;
        counters.watermark = wm;
        engine.advance(wm, previous);
      }
      forward();
    };
    const meta = (): Meta => ({ ...engine.save?.(), watermark, nextSeq: seq, counters: counters.save() });
    const flush = (): void => {
      engine.flush();
      store.put(metaKey, encodeValue(meta(), config.where));
    };
    // With deferred entries the meta entry is one of them: its fields are captured at the barrier
    // (numbers, and what `save` returns) and encoded after it (msgpack: up to a millisecond on a
    // barrier's cold code); the store's own copy goes until then, as the snapshot gets this one.
    const capture =
      engine.capture === undefined
        ? undefined
        : (): Iterator<Entry> => {
            const deferred = engine.capture!();
            const captured = meta();
            store.delete(metaKey);
            return metaThen(store, metaKey, captured, config.where, deferred);
          };

    let input: Observable<StreamElement<I>>;
    try {
      const stored = store.get(metaKey);
      const meta = stored === undefined ? undefined : decodeValue<Meta>(stored, config.where);
      if (meta !== undefined) {
        watermark = meta.watermark;
        seq = meta.nextSeq;
        counters.watermark = watermark;
        counters.restore(meta.counters);
      }
      engine.load(meta);
      if (watermark > Number.NEGATIVE_INFINITY) outWatermark = engine.outputWatermark(watermark);
      input = engine.input();
    } catch (err) {
      subscriber.error(config.typed(err));
      return undefined;
    }
    subscriber.add(registerOperator(config.checkpoint, config.name, counters, engine.query));
    const subscription = input.subscribe({
      next(el) {
        try {
          if (typeof el !== 'object' || el === null) throw invalidElement(config.where, el);
          if (el.kind === 'record') {
            counters.recordsIn++;
            if (engine.admit !== undefined && !engine.admit(el)) return;
            if ((engine.judged === undefined || engine.judged(el)) && isLate(el.timestamp, watermark, allowedLateness)) {
              counters.lateRecords++;
              engine.late(el);
            } else engine.onRecord(el);
          } else if (el.kind === 'watermark') {
            if (el.idle === true) {
              outIdle = true;
              subscriber.next({ kind: 'watermark', timestamp: outWatermark, idle: true });
            } else advance(el.timestamp);
          } else if (el.kind === 'barrier') {
            handleBarrier(el, subscriber, { operator: config.name, store, flush, checkpoint: config.checkpoint, ...(capture === undefined ? {} : { capture }) });
          } else {
            throw invalidElement(config.where, el);
          }
        } catch (err) {
          subscriber.error(config.typed(err));
        }
      },
      error(err) {
        subscriber.error(err);
      },
      complete() {
        try {
          advance(Number.POSITIVE_INFINITY);
          subscriber.complete();
        } catch (err) {
          subscriber.error(config.typed(err));
        }
      },
    });
    return () => subscription.unsubscribe();
  });
}
