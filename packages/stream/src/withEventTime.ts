import { Observable, asyncScheduler } from 'rxjs';
import type { OperatorFunction, SchedulerAction, SchedulerLike, Subscription } from 'rxjs';
import type { StreamElement, Watermark } from './StreamElement';
import { StreamError } from './StreamError';
import { describeValue, optionKeys } from '@weir/state';
import { checkStreamOptionKeys } from './checkStreamOptionKeys';
import { BoundedOutOfOrdernessWatermarks } from './BoundedOutOfOrdernessWatermarks';
import { callbackFailed } from './callbackFailed';

/** Options of {@link withEventTime}. */
export interface WithEventTimeOptions {
  /**
   * How late (in event-time ms) a record may arrive relative to the largest timestamp seen so far
   * and still be on time: a finite number >= 0.
   */
  readonly maxOutOfOrderness: number;
  /**
   * Processing-time ms without any source emission after which the stream is marked idle with an
   * idle marker (`{ kind: 'watermark', timestamp: <current watermark>, idle: true }`). Omit to
   * never go idle. A finite number > 0.
   */
  readonly idleTimeout?: number;
  /**
   * Processing-time ms between watermark emissions. Omit to emit a watermark right after each
   * record that advances it; set it to trade watermark latency for fewer elements. A finite number > 0.
   */
  readonly watermarkInterval?: number;
  /** Processing-time source for `idleTimeout` and `watermarkInterval`; default `asyncScheduler`. */
  readonly scheduler?: SchedulerLike;
}

const KEYS = optionKeys<WithEventTimeOptions>({ maxOutOfOrderness: true, idleTimeout: true, watermarkInterval: true, scheduler: true });

/**
 * Enters the element world: stamps each value with its event time and emits bounded-out-of-
 * orderness watermarks.
 *
 * For each source value `v`, emits `record(v, timestampOf(v))`. With `maxTs` the largest
 * timestamp seen so far and `bound` = `maxOutOfOrderness`, the candidate watermark is
 *
 *     maxTs - bound - 1
 *
 * ({@link BoundedOutOfOrdernessWatermarks}, as in Flink): a record at most `bound` ms behind `maxTs` has
 * `ts >= maxTs - bound > watermark`, so it is not late. Right after a record that raises the
 * candidate above the last emitted watermark, that watermark is emitted (or, with
 * `watermarkInterval`, on the next tick). Watermarks strictly increase; equal ones are never
 * re-emitted. Records behind the watermark are still emitted as records: nothing is dropped,
 * lateness is the downstream operator's decision. When the source completes, a final
 * `watermark(+Infinity)` is emitted, then completion.
 *
 * Idleness: with `idleTimeout`, after that many processing-time ms with no source emission an
 * idle marker (a watermark with `idle: true` at the current watermark) is emitted once; the next
 * record ends the idle period (the record itself tells a merging operator the stream is active).
 * Multi-input operators such as {@link mergeEventStreams} exclude idle inputs from their minimum.
 *
 * Errors: a `timestampOf` that throws errors the stream with {@link StreamError} `CALLBACK_FAILED`
 * (the thrown value as `cause`); one that returns anything but a finite number (NaN, Infinity, a
 * string...) with `INVALID_TIMESTAMP`; both name withEventTime and the value. Invalid options
 * throw `INVALID_OPTION` when the operator is created.
 *
 * @param timestampOf - the event time (epoch ms) of a value
 * @param options - see {@link WithEventTimeOptions}
 *
 * @example
 * ```ts
 * const elements$ = clicks$.pipe(
 *   withEventTime((click) => click.at, { maxOutOfOrderness: 5_000, idleTimeout: 60_000 }),
 * );
 * // clicks at 10_000, 8_000, 16_000 -> record 10000, watermark 4999, record 8000,
 * //                                    record 16000, watermark 10999, ..., watermark Infinity
 * ```
 */
export function withEventTime<T>(
  timestampOf: (value: T) => number,
  options: WithEventTimeOptions,
): OperatorFunction<T, StreamElement<T>> {
  checkStreamOptionKeys('withEventTime', options, KEYS);
  const bound = options.maxOutOfOrderness;
  checkOption(bound, 'maxOutOfOrderness', true);
  const idleTimeout = options.idleTimeout;
  if (idleTimeout !== undefined) checkOption(idleTimeout, 'idleTimeout', false);
  const interval = options.watermarkInterval;
  if (interval !== undefined) checkOption(interval, 'watermarkInterval', false);
  const scheduler = options.scheduler ?? asyncScheduler;

  return (source) =>
    new Observable<StreamElement<T>>((subscriber) => {
      const watermarks = new BoundedOutOfOrdernessWatermarks(bound);
      let lastActivity = 0;
      let idleTimer: Subscription | undefined;

      const emitIfAdvanced = (): void => {
        const advanced = watermarks.advance();
        if (advanced !== undefined) subscriber.next({ kind: 'watermark', timestamp: advanced });
      };

      // One pending idle check at a time: each check re-arms itself for the remaining time
      // instead of rescheduling a timer per record.
      const checkIdle = function (this: SchedulerAction<undefined>): void {
        const remaining = lastActivity + (idleTimeout ?? 0) - scheduler.now();
        if (remaining > 0) {
          this.schedule(undefined, remaining);
          return;
        }
        idleTimer = undefined;
        emitIfAdvanced();
        const marker: Watermark = { kind: 'watermark', timestamp: watermarks.watermark, idle: true };
        subscriber.next(marker);
      };
      const touch = (): void => {
        if (idleTimeout === undefined) return;
        lastActivity = scheduler.now();
        if (idleTimer === undefined) idleTimer = scheduler.schedule(checkIdle, idleTimeout);
      };

      let ticker: Subscription | undefined;
      if (interval !== undefined) {
        ticker = scheduler.schedule(function (this: SchedulerAction<undefined>) {
          emitIfAdvanced();
          this.schedule(undefined, interval);
        }, interval);
      }
      subscriber.add(() => {
        idleTimer?.unsubscribe();
        idleTimer = undefined;
        ticker?.unsubscribe();
      });
      touch();

      const inner = source.subscribe({
        next: (value) => {
          let ts: number;
          try {
            ts = timestampOf(value);
          } catch (err) {
            subscriber.error(callbackFailed('withEventTime', 'timestampOf', value, undefined, err));
            return;
          }
          if (typeof ts !== 'number' || !Number.isFinite(ts)) {
            subscriber.error(
              new StreamError(
                'INVALID_TIMESTAMP',
                `withEventTime: timestampOf returned ${describeValue(ts)} for value ${describeValue(value)}; ` +
                  'an event time must be a finite number (epoch ms)',
              ),
            );
            return;
          }
          touch();
          subscriber.next({ kind: 'record', value, timestamp: ts });
          watermarks.observe(ts);
          if (interval === undefined) emitIfAdvanced();
        },
        error: (err: unknown) => subscriber.error(err),
        complete: () => {
          idleTimer?.unsubscribe();
          ticker?.unsubscribe();
          subscriber.next({ kind: 'watermark', timestamp: Infinity });
          subscriber.complete();
        },
      });
      subscriber.add(inner);
    });
}

function checkOption(value: unknown, name: string, zeroAllowed: boolean): void {
  const ok = typeof value === 'number' && Number.isFinite(value) && (zeroAllowed ? value >= 0 : value > 0);
  if (!ok) {
    throw new StreamError(
      'INVALID_OPTION',
      `withEventTime: ${name} must be a finite number ${zeroAllowed ? '>= 0' : '> 0'}, got ${describeValue(value)}`,
    );
  }
}
