// Internal: a join is a stateful operator of @weir/stream (statefulOperator: the watermark, the
// lateness rule, barriers, the checkpointed meta entry, completion) over its two inputs merged by
// mergeEventStreams (minimum watermark, aligned barriers). What stays here is what joins alone
// need: dispatch by side, per-side counters and late callbacks, key and timestamp checks, invalid
// routing, row buffers, and the inputs' watermarks kept in the meta entry.
import { Observable } from 'rxjs';
import { StateError, asKeyPart, describeValue, type Entry, type KeyPart } from '@weir/state';
import { mergeEventStreams, statefulOperator, type OperatorQuery, type StreamElement, type StreamRecord, type TaggedValue } from '@weir/stream';
import { JoinError, type JoinSide } from './JoinError';
import { JoinCounters, type JoinMetrics } from './JoinMetrics';
import type { JoinOperator } from './JoinOperator';
import type { ResolvedJoinOptions } from './resolveJoinOptions';
import { JoinKeys, checkStoredKeyGroups } from './joinState';
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
  /** Counts an invalid record and hands it to `onInvalid` with `error`, or throws `error` when there is none. */
  invalid(side: JoinSide, el: StreamRecord<L> | StreamRecord<R>, error: JoinError): void;
  /**
   * Computes a record's key with `fn` and checks it. A key function that throws or returns
   * something that cannot be a key makes the record invalid: it is counted and routed to
   * `onInvalid` (or errors the stream), and `undefined` is returned.
   */
  keyOf<V>(side: JoinSide, el: StreamRecord<V>, fn: (value: V) => unknown, option: string): KeyPart | undefined;
  /**
   * Handles `err`, thrown while storing record `el`: when its value cannot be stored (a StateError
   * SERIALIZATION) the record is routed as invalid; any other error is rethrown. Engines store in
   * a try/catch and call this from the catch (no closure per record).
   */
  refused(side: JoinSide, el: StreamRecord<L> | StreamRecord<R>, err: unknown): void;
  /** A row buffer over one section of this operator's keys (see SideBuffer for `indexed`). */
  buffer<V>(section: number, expiring: boolean, indexed?: boolean): SideBuffer<V>;
}

/**
 * What a join engine does for its operator. The harness hands it only records that are not late
 * (`ts > W - allowedLateness`) and whose timestamp is an integer.
 */
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
  /** Instead of flush, when the checkpoint takes deferred entries: see StatefulEngine.capture. */
  capture?(): Iterator<Entry> | undefined;
  /** For a table join: its key query (a key's current row, see tableQuery.ts). */
  readonly query?: OperatorQuery;
}

/**
 * Builds a join operator from an engine factory. With `watermarkFrom: 'left'` (a lookup join) the
 * right input is a table without event time: its watermarks are ignored and the lateness rule
 * judges left records only.
 */
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
  const keys = new JoinKeys(o.name, o.keyGroups);
  const config = { name: o.name, keys, where, store: o.store, checkpoint: o.checkpoint, allowedLateness: o.allowedLateness, counters, typed: (err: unknown) => err };

  const op = (left$: Observable<StreamElement<L>>): Observable<StreamElement<O>> =>
    statefulOperator<TaggedValue<L, R>, O>(config, (harness) => {
      // Each input's watermark, after alignment: checkpointed so that the merged watermark resumes
      // after a restore exactly where it was, whatever the inputs re-send.
      const seen: [number, number] = [Number.NEGATIVE_INFINITY, Number.NEGATIVE_INFINITY];
      let initialWatermarks: [number, number] | undefined;
      // The record being handled, without its side tag: made once by `admit`, used by `late` or
      // `onRecord`, which the harness calls right after it for the same record.
      let rec: StreamRecord<L> | StreamRecord<R> = { kind: 'record', value: undefined as L, timestamp: 0 };

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
        watermark: harness.watermark,
        nextSeq: harness.nextSeq,
        emit(value, timestamp, matched) {
          if (matched) counters.matchesEmitted++;
          else counters.unmatchedEmitted++;
          harness.emit(value, timestamp);
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
        refused(side, el, err) {
          if (!(err instanceof StateError) || err.code !== 'SERIALIZATION') throw err;
          invalid(side, el, new JoinError('INVALID_RECORD', `${where}: the ${side} record at ${el.timestamp} cannot be stored: ${err.message}`, el.value, side, { cause: err }));
        },
        buffer: <V>(section: number, expiring: boolean, indexed = true) => new SideBuffer<V>(o.store, keys, section, o.cacheSize, where, expiring, indexed),
      };
      const engine = makeEngine(ctx);

      return {
        load(meta) {
          checkStoredKeyGroups(o, meta);
          const inputs = meta?.['inputs'];
          if (Array.isArray(inputs) && typeof inputs[0] === 'number' && typeof inputs[1] === 'number') {
            seen[0] = inputs[0];
            seen[1] = inputs[1];
            initialWatermarks = [inputs[0], inputs[1]];
          }
          engine.load();
        },
        input: () =>
          mergeEventStreams(left$, right$, {
            name: where,
            watermarkFrom,
            onInputWatermark: (i, w) => (seen[i] = w),
            ...(initialWatermarks === undefined ? {} : { initialWatermarks }),
          }),
        admit(el) {
          const side = el.value.side;
          if (side === 'left') counters.leftRecordsIn++;
          else counters.rightRecordsIn++;
          rec = { kind: 'record', value: el.value.value, timestamp: el.timestamp } as StreamRecord<L> | StreamRecord<R>;
          if (Number.isSafeInteger(el.timestamp)) return true;
          invalid(side, rec, new JoinError('INVALID_RECORD', `${where}: the ${side} record's timestamp must be an integer number of epoch milliseconds, got ${describeValue(el.timestamp)}`, rec.value, side));
          return false;
        },
        ...(watermarkFrom === 'left' ? { judged: (el: StreamRecord<TaggedValue<L, R>>) => el.value.side === 'left' } : {}),
        late(el) {
          const side = el.value.side;
          try {
            if (side === 'left') {
              counters.lateLeft++;
              o.onLateLeft?.(rec as StreamRecord<L>);
            } else {
              counters.lateRight++;
              o.onLateRight?.(rec as StreamRecord<R>);
            }
          } catch (err) {
            throw callbackFailed(where, side === 'left' ? 'onLateLeft' : 'onLateRight', side, rec, err);
          }
        },
        onRecord(el) {
          if (el.value.side === 'left') engine.onLeft(rec as StreamRecord<L>);
          else engine.onRight(rec as StreamRecord<R>);
        },
        advance: (wm, previous) => engine.advance(wm, previous),
        outputWatermark: (wm) => engine.outputWatermark(wm),
        flush: () => engine.flush(),
        ...(engine.capture === undefined ? {} : { capture: () => engine.capture!() }),
        save: () => ({ inputs: [seen[0], seen[1]], keyGroups: o.keyGroups }),
        ...(engine.query === undefined ? {} : { query: engine.query }),
      };
    });

  return Object.assign(op, { metrics: counters as JoinMetrics });
}
