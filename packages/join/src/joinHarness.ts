// Internal: what every join shares: the two inputs merged (minimum watermark, aligned barriers),
// record dispatch by side, key and timestamp checks, late and invalid routing, the operator's meta
// entry (watermark and row counter), output watermarks, barriers and completion.
import { Observable, type Subscriber } from 'rxjs';
import { StateError, asKeyPart, decodeValue, describeValue, encodeValue, type KeyPart } from '@weir/state';
import {
  handleBarrier,
  mergeEventStreams,
  registerOperator,
  type StreamElement,
  type StreamRecord,
} from '@weir/stream';
import { JoinError, type JoinSide } from './JoinError';
import { JoinCounters, type JoinMetrics } from './JoinMetrics';
import type { JoinOperator } from './JoinOperator';
import type { ResolvedJoinOptions } from './resolveJoinOptions';
import { JoinKeys, META } from './joinState';
import { callbackFailed } from './joinFailure';
import { SideBuffer } from './SideBuffer';

/** The per-subscription context an engine works in. */
export interface JoinContext<L, R, O> {
  readonly o: ResolvedJoinOptions<L, R>;
  readonly counters: JoinCounters;
  /** The operator's input watermark (-Infinity before the first). The harness moves it. */
  watermark(): number;
  /** Draws the next row sequence number (persisted with the watermark at each barrier). */
  nextSeq(): number;
  /** Emits an output row stamped `timestamp`; `matched` says whether it pairs two values. */
  emit(value: O, timestamp: number, matched: boolean): void;
  /** Counts a late record and hands it to the side's `onLate*` callback. */
  late(side: JoinSide, el: StreamRecord<L> | StreamRecord<R>): void;
  /** Counts an invalid record and hands it to `onInvalid` with `error`, or throws `error` when there is none. */
  invalid(side: JoinSide, el: StreamRecord<L> | StreamRecord<R>, error: JoinError): void;
  /**
   * Computes a record's key with `fn` and checks it. A key function that throws or returns
   * something that cannot be a key makes the record invalid: it is counted and routed to
   * `onInvalid` (or errors the stream), and `undefined` is returned.
   */
  keyOf<V>(side: JoinSide, el: StreamRecord<V>, fn: (value: V) => unknown, option: string): KeyPart | undefined;
  /**
   * Runs `hold`, which stores the record; if its value cannot be stored (the encoder refuses it),
   * the record is routed as invalid and `false` returned.
   */
  store(side: JoinSide, el: StreamRecord<L> | StreamRecord<R>, hold: () => void): boolean;
  /** A row buffer over one section of this operator's keys. */
  buffer<V>(section: number, expiring: boolean): SideBuffer<V>;
}

/** What a join engine does for its operator. */
export interface JoinEngine<L, R> {
  /** Rebuilds in-memory state from the store (after the meta entry was read). */
  load(): void;
  onLeft(el: StreamRecord<L>): void;
  onRight(el: StreamRecord<R>): void;
  /** The input watermark advanced to `wm` (from `previous`): emit and expire what is due. */
  advance(wm: number, previous: number): void;
  /** The watermark to forward for input watermark `wm`: no later output is stamped at or below it. */
  outputWatermark(wm: number): number;
  /** Writes every cached change to the store (before a snapshot). */
  flush(): void;
}

/** Builds a join operator from an engine factory. */
export function joinOperator<L, R, O>(
  o: ResolvedJoinOptions<L, R>,
  right$: Observable<StreamElement<R>>,
  makeEngine: (ctx: JoinContext<L, R, O>) => JoinEngine<L, R>,
  watermarkFrom: 'both' | 'left' = 'both',
): JoinOperator<L, O> {
  if (!(right$ instanceof Observable) && typeof (right$ as { subscribe?: unknown } | null)?.subscribe !== 'function') {
    throw new JoinError('INVALID_ARGUMENT', `${o.kind}: the right input must be an Observable of stream elements, got ${describeValue(right$)}`, right$);
  }
  const counters = new JoinCounters(o.store);
  const where = o.where;

  const op = (left$: Observable<StreamElement<L>>): Observable<StreamElement<O>> =>
    new Observable((subscriber: Subscriber<StreamElement<O>>) => {
      const keys = new JoinKeys(o.name);
      const metaKey = keys.section(META);
      let watermark = Number.NEGATIVE_INFINITY;
      let outWatermark = Number.NEGATIVE_INFINITY;
      let outIdle = false;
      let seq = 0;
      // Each input's watermark, after alignment: persisted so that the merged watermark resumes
      // after a restore exactly where it was, whatever the inputs re-send.
      let inputWatermarks: [number, number] | undefined;
      const seen: [number, number] = [Number.NEGATIVE_INFINITY, Number.NEGATIVE_INFINITY];

      const invalid = (side: JoinSide, el: StreamRecord<L> | StreamRecord<R>, error: JoinError): void => {
        counters.invalidRecords++;
        if (o.onInvalid === undefined) throw error;
        try {
          o.onInvalid(el, error);
        } catch (err) {
          throw callbackFailed(where, 'onInvalid', side, el, err);
        }
      };
      const ctx: JoinContext<L, R, O> = {
        o,
        counters,
        watermark: () => watermark,
        nextSeq: () => seq++,
        emit(value, timestamp, matched) {
          if (matched) counters.matchesEmitted++;
          else counters.unmatchedEmitted++;
          subscriber.next({ kind: 'record', value, timestamp });
        },
        late(side, el) {
          try {
            if (side === 'left') {
              counters.lateLeft++;
              o.onLateLeft?.(el as StreamRecord<L>);
            } else {
              counters.lateRight++;
              o.onLateRight?.(el as StreamRecord<R>);
            }
          } catch (err) {
            throw callbackFailed(where, side === 'left' ? 'onLateLeft' : 'onLateRight', side, el, err);
          }
        },
        invalid,
        keyOf(side, el, fn, option) {
          let raw: unknown;
          try {
            raw = fn(el.value);
          } catch (err) {
            invalid(side, el as StreamRecord<never>, callbackFailed(where, option, side, el, err));
            return undefined;
          }
          const key = asKeyPart(raw);
          if (key === undefined) {
            invalid(
              side,
              el as StreamRecord<never>,
              new JoinError('INVALID_KEY', `${where}: \`${option}\` must return a string, a safe integer, a 64-bit bigint or a Uint8Array, got ${describeValue(raw)} for the ${side} record at ${el.timestamp}`, raw, side),
            );
          }
          return key;
        },
        store(side, el, hold) {
          try {
            hold();
            return true;
          } catch (err) {
            if (!(err instanceof StateError) || err.code !== 'SERIALIZATION') throw err;
            invalid(side, el, new JoinError('INVALID_RECORD', `${where}: the ${side} record at ${el.timestamp} cannot be stored: ${err.message}`, el.value, side, { cause: err }));
            return false;
          }
        },
        buffer: <V>(section: number, expiring: boolean) => new SideBuffer<V>(o.store, keys, section, o.cacheSize, where, expiring),
      };
      const engine = makeEngine(ctx);

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
      const flush = (): void => {
        engine.flush();
        o.store.put(metaKey, encodeValue({ watermark, nextSeq: seq, inputs: seen }, where));
      };
      const checkTimestamp = (side: JoinSide, el: StreamRecord<L> | StreamRecord<R>): boolean => {
        if (Number.isSafeInteger(el.timestamp)) return true;
        invalid(side, el, new JoinError('INVALID_RECORD', `${where}: the ${side} record's timestamp must be an integer number of epoch milliseconds, got ${describeValue(el.timestamp)}`, el.value, side));
        return false;
      };

      const meta = o.store.get(metaKey);
      if (meta !== undefined) {
        const m = decodeValue<{ watermark: number; nextSeq: number; inputs: [number, number] }>(meta, where);
        watermark = m.watermark;
        seq = m.nextSeq;
        seen[0] = m.inputs[0];
        seen[1] = m.inputs[1];
        inputWatermarks = [m.inputs[0], m.inputs[1]];
        counters.watermark = watermark;
      }
      engine.load();
      if (watermark > Number.NEGATIVE_INFINITY) outWatermark = engine.outputWatermark(watermark);
      subscriber.add(registerOperator(o.checkpoint, o.name));
      const subscription = mergeEventStreams(left$, right$, {
        name: where,
        watermarkFrom,
        onInputWatermark: (i, w) => (seen[i] = w),
        ...(inputWatermarks === undefined ? {} : { initialWatermarks: inputWatermarks }),
      }).subscribe({
        next(el) {
          try {
            if (el.kind === 'record') {
              const tagged = el.value;
              if (tagged.side === 'left') {
                counters.leftRecordsIn++;
                const rec: StreamRecord<L> = { kind: 'record', value: tagged.value, timestamp: el.timestamp };
                if (checkTimestamp('left', rec)) engine.onLeft(rec);
              } else {
                counters.rightRecordsIn++;
                const rec: StreamRecord<R> = { kind: 'record', value: tagged.value, timestamp: el.timestamp };
                if (checkTimestamp('right', rec)) engine.onRight(rec);
              }
            } else if (el.kind === 'watermark') {
              if (el.idle === true) {
                outIdle = true;
                subscriber.next({ kind: 'watermark', timestamp: outWatermark, idle: true });
              } else advance(el.timestamp);
            } else {
              handleBarrier(el, subscriber, { operator: o.name, store: o.store, flush, checkpoint: o.checkpoint });
            }
          } catch (err) {
            subscriber.error(err);
          }
        },
        error(err) {
          subscriber.error(err);
        },
        complete() {
          try {
            if (watermark < Number.POSITIVE_INFINITY) advance(Number.POSITIVE_INFINITY);
            subscriber.complete();
          } catch (err) {
            subscriber.error(err);
          }
        },
      });
      return () => subscription.unsubscribe();
    });

  return Object.assign(op, { metrics: counters as JoinMetrics });
}
