// Internal: a rank operator is a stateful operator of @weir/stream (statefulOperator: the
// watermark, the lateness rule, barriers, the checkpointed meta entry, completion) over one keyed
// input. What stays here is what rank operators share: key and timestamp checks, invalid routing,
// the late side output and the key-group check on restore.
import type { Observable, OperatorFunction } from 'rxjs';
import { StateError, asKeyPart, describeValue, messageOf, type KeyPart } from '@weir/state';
import { statefulOperator, type StreamElement, type StreamRecord } from '@weir/stream';
import { RankError } from './RankError';
import { RankCounters, type RankMetrics } from './RankMetrics';
import { RankKeys, checkStoredKeyGroups } from './rankState';
import type { ResolvedRankOptions } from './resolveRankOptions';

/**
 * A rank operator: an RxJS operator over stream elements, with its live counters.
 *
 * @typeParam T - the input record values
 * @typeParam O - the output record values
 */
export type RankOperator<T, O> = OperatorFunction<StreamElement<T>, StreamElement<O>> & {
  /** The operator's live counters (shared by its subscriptions). */
  readonly metrics: RankMetrics;
};

/** The per-subscription context an engine works in. */
export interface RankContext<T, O> {
  readonly o: ResolvedRankOptions<T>;
  readonly counters: RankCounters;
  readonly keys: RankKeys;
  /** The operator's input watermark (-Infinity before the first). */
  watermark(): number;
  /** Emits an output row stamped `timestamp`. */
  emit(value: O, timestamp: number): void;
  /** Routes a record as invalid (counted; to `onInvalid`, or thrown without it). */
  invalid(el: StreamRecord<T>, error: RankError): void;
  /** `CALLBACK_FAILED`: `callback` threw `err` for record `el`. */
  failed(callback: string, el: StreamRecord<T>, err: unknown): RankError;
  /**
   * Handles `err`, thrown while storing record `el`: a value that cannot be stored (a StateError
   * SERIALIZATION) routes the record as invalid; any other error is rethrown.
   */
  refused(el: StreamRecord<T>, err: unknown): void;
}

/** What a rank engine does; the harness hands it records that are not late, with their key. */
export interface RankEngine<T> {
  /** Rebuilds in-memory indexes from the store (after the meta entry was read). */
  load(): void;
  /** A record that is not late, its key already checked. */
  onRecord(el: StreamRecord<T>, key: KeyPart): void;
  /** The input watermark advanced to `wm`: expire what is due. */
  advance(wm: number): void;
}

/** Builds a rank operator from an engine factory. */
export function rankOperator<T, O>(o: ResolvedRankOptions<T>, makeEngine: (ctx: RankContext<T, O>) => RankEngine<T>): RankOperator<T, O> {
  const counters = new RankCounters(o.store);
  const where = o.where;
  const keys = new RankKeys(o.name, o.keyGroups);
  const config = { name: o.name, keys, where, store: o.store, checkpoint: o.checkpoint, allowedLateness: o.allowedLateness, counters, typed: (err: unknown) => err };
  const failed = (callback: string, el: StreamRecord<T>, err: unknown): RankError =>
    new RankError('CALLBACK_FAILED', `${where}: \`${callback}\` threw for the record at ${el.timestamp} (${describeValue(el.value)}): ${messageOf(err)}`, el.value, { cause: err });

  const op = (source$: Observable<StreamElement<T>>): Observable<StreamElement<O>> =>
    statefulOperator<T, O>(config, (harness) => {
      const invalid = (el: StreamRecord<T>, error: RankError): void => {
        counters.invalidRecords++;
        if (o.onInvalid === undefined) throw error;
        try {
          o.onInvalid(el, error);
        } catch (err) {
          throw failed('onInvalid', el, err);
        }
      };
      const ctx: RankContext<T, O> = {
        o,
        counters,
        keys,
        watermark: harness.watermark,
        emit: harness.emit,
        invalid,
        failed,
        refused(el, err) {
          if (!(err instanceof StateError) || err.code !== 'SERIALIZATION') throw err;
          invalid(el, new RankError('INVALID_RECORD', `${where}: the record at ${el.timestamp} cannot be stored: ${err.message}`, el.value, { cause: err }));
        },
      };
      const engine = makeEngine(ctx);
      return {
        load(meta) {
          checkStoredKeyGroups(where, o.keyGroups, meta);
          engine.load();
        },
        input: () => source$,
        admit(el) {
          if (Number.isSafeInteger(el.timestamp)) return true;
          invalid(el, new RankError('INVALID_RECORD', `${where}: the record's timestamp must be an integer number of epoch milliseconds, got ${describeValue(el.timestamp)}`, el.value));
          return false;
        },
        late(el) {
          try {
            o.onLate?.(el);
          } catch (err) {
            throw failed('onLate', el, err);
          }
        },
        onRecord(el) {
          let raw: unknown;
          try {
            raw = o.key(el.value);
          } catch (err) {
            invalid(el, failed('key', el, err));
            return;
          }
          const key = asKeyPart(raw);
          if (key === undefined) {
            invalid(el, new RankError('INVALID_KEY', `${where}: \`key\` must return a string, a safe integer, a 64-bit bigint or a Uint8Array, got ${describeValue(raw)} for the record at ${el.timestamp}`, raw));
            return;
          }
          engine.onRecord(el, key);
        },
        advance: (wm) => engine.advance(wm),
        outputWatermark: (wm) => wm - o.allowedLateness,
        flush() {},
        save: () => ({ keyGroups: o.keyGroups }),
      };
    });

  return Object.assign(op, { metrics: counters as RankMetrics });
}
