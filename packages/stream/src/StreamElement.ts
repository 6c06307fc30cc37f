import { StreamError } from './StreamError';
import { describeValue } from '@weir/state';

/**
 * A data element: a value stamped with its event time.
 *
 * @typeParam T - the value type
 */
export interface StreamRecord<T> {
  /** Discriminant: a data element. */
  readonly kind: 'record';
  /** The payload. */
  readonly value: T;
  /** Event time in epoch milliseconds; always a finite number. */
  readonly timestamp: number;
}

/**
 * Event-time progress: no later record on this stream has `timestamp <= this.timestamp` (records
 * that do are late, and operators decide what to do with them). Watermarks of one stream never go
 * backwards. `-Infinity` is the initial watermark, `+Infinity` means end of stream.
 *
 * A watermark with `idle: true` is an **idle marker**: the stream has gone quiet (no element for
 * its idle timeout of processing time) and should not hold back the watermark of an operator
 * that merges it with other streams. Its timestamp is the stream's current watermark, so it never
 * advances event time and a single-input operator may treat it as an ordinary watermark (a no-op).
 * The stream becomes active again with its next record or its next watermark without the flag.
 */
export interface Watermark {
  /** Discriminant: event-time progress. */
  readonly kind: 'watermark';
  /** Event time in epoch milliseconds: finite, `-Infinity` or `+Infinity`; never NaN. */
  readonly timestamp: number;
  /** Present (and `true`) only on idle markers; see {@link idleWatermark}. */
  readonly idle?: true;
}

/**
 * Checkpoint marker n, flowing in-band between records (docs/architecture.md §2.1, §5).
 * Everything before it on a stream belongs to checkpoint n's state; everything after it, to later
 * checkpoints.
 */
export interface CheckpointBarrier {
  /** Discriminant: a checkpoint marker. */
  readonly kind: 'barrier';
  /** The checkpoint this barrier delimits: a non-negative safe integer, increasing per stream. */
  readonly checkpointId: number;
}

/**
 * What flows through an event-time pipeline: records, watermarks and checkpoint barriers,
 * discriminated by `kind`.
 *
 * @example
 * ```ts
 * function describe(el: StreamElement<Click>): string {
 *   switch (el.kind) {
 *     case 'record': return `click by ${el.value.user} at ${el.timestamp}`;
 *     case 'watermark': return `event time reached ${el.timestamp}`;
 *     case 'barrier': return `checkpoint ${el.checkpointId}`;
 *   }
 * }
 * ```
 */
export type StreamElement<T> = StreamRecord<T> | Watermark | CheckpointBarrier;

/**
 * A record of `value` at event time `timestamp` (epoch ms). Throws {@link StreamError}
 * `INVALID_TIMESTAMP` unless `timestamp` is a finite number.
 *
 * @example
 * ```ts
 * record({ user: 'ada' }, 1_700_000_000_000); // { kind: 'record', value: { user: 'ada' }, timestamp: 1700000000000 }
 * ```
 */
export function record<T>(value: T, timestamp: number): StreamRecord<T> {
  if (typeof timestamp !== 'number' || !Number.isFinite(timestamp)) {
    throw new StreamError(
      'INVALID_TIMESTAMP',
      `record: timestamp must be a finite number, got ${describeValue(timestamp)} (value ${describeValue(value)})`,
    );
  }
  return { kind: 'record', value, timestamp };
}

/**
 * A watermark at `timestamp`. Throws {@link StreamError} `INVALID_TIMESTAMP` unless `timestamp`
 * is a finite number, `-Infinity` or `+Infinity`.
 *
 * @example
 * ```ts
 * watermark(1_700_000_000_000);
 * watermark(Infinity); // end of stream: flush every window
 * ```
 */
export function watermark(timestamp: number): Watermark {
  assertWatermarkTimestamp(timestamp, 'watermark');
  return { kind: 'watermark', timestamp };
}

/**
 * An idle marker: a {@link Watermark} with `idle: true` whose timestamp is the stream's current
 * watermark. Multi-input operators exclude the stream from their minimum watermark until it sends
 * a record or a plain watermark. Throws like {@link watermark}.
 *
 * @example
 * ```ts
 * idleWatermark(1_000); // { kind: 'watermark', timestamp: 1000, idle: true }
 * ```
 */
export function idleWatermark(timestamp: number): Watermark {
  assertWatermarkTimestamp(timestamp, 'idleWatermark');
  return { kind: 'watermark', timestamp, idle: true };
}

/**
 * Checkpoint barrier `checkpointId`. Throws {@link StreamError} `INVALID_ELEMENT` unless the id
 * is a non-negative safe integer.
 *
 * @example
 * ```ts
 * barrier(7); // { kind: 'barrier', checkpointId: 7 }
 * ```
 */
export function barrier(checkpointId: number): CheckpointBarrier {
  if (!Number.isSafeInteger(checkpointId) || checkpointId < 0) {
    throw new StreamError(
      'INVALID_ELEMENT',
      `barrier: checkpointId must be a non-negative safe integer, got ${describeValue(checkpointId)}`,
    );
  }
  return { kind: 'barrier', checkpointId };
}

/**
 * Whether `el` is a record.
 *
 * @example
 * ```ts
 * elements.filter(isRecord).map((r) => r.value);
 * ```
 */
export function isRecord<T>(el: StreamElement<T>): el is StreamRecord<T> {
  return el.kind === 'record';
}

/**
 * Whether `el` is a watermark (idle markers included; see {@link isIdle}).
 *
 * @example
 * ```ts
 * if (isWatermark(el)) fireTimersUpTo(el.timestamp);
 * ```
 */
export function isWatermark<T>(el: StreamElement<T>): el is Watermark {
  return el.kind === 'watermark';
}

/**
 * Whether `el` is an idle marker (a watermark with `idle: true`).
 *
 * @example
 * ```ts
 * if (isIdle(el)) inputIdle[side] = true;
 * ```
 */
export function isIdle<T>(el: StreamElement<T>): el is Watermark & { readonly idle: true } {
  return el.kind === 'watermark' && el.idle === true;
}

/**
 * Whether `el` is a checkpoint barrier.
 *
 * @example
 * ```ts
 * if (isBarrier(el)) handleBarrier(el, subscriber, ctx);
 * ```
 */
export function isBarrier<T>(el: StreamElement<T>): el is CheckpointBarrier {
  return el.kind === 'barrier';
}

/** The error an element operator reports for something that is not a {@link StreamElement}. */
export function invalidElement(operator: string, el: unknown): StreamError {
  return new StreamError('INVALID_ELEMENT', `${operator}: expected a stream element (record, watermark or barrier), got ${describeValue(el)}`);
}

function assertWatermarkTimestamp(timestamp: number, where: string): void {
  if (typeof timestamp !== 'number' || Number.isNaN(timestamp)) {
    throw new StreamError(
      'INVALID_TIMESTAMP',
      `${where}: timestamp must be a number (finite, -Infinity or +Infinity), got ${describeValue(timestamp)}`,
    );
  }
}
