import type { Observable } from 'rxjs';
import type { StreamElement } from './StreamElement';
import { alignedMerge } from './alignedMerge';
import { optionKeys } from '@weir/state';
import { checkStreamOptionKeys } from './checkStreamOptionKeys';

/**
 * A value from one side of a two-input operator, discriminated by `side` so a join can narrow it.
 *
 * @example
 * ```ts
 * function onRecord(v: TaggedValue<Order, Payment>) {
 *   if (v.side === 'left') bufferOrder(v.value); // v.value: Order
 *   else bufferPayment(v.value);                 // v.value: Payment
 * }
 * ```
 */
export type TaggedValue<L, R> =
  | { readonly side: 'left'; readonly value: L }
  | { readonly side: 'right'; readonly value: R };

/** Options of {@link mergeEventStreams} and {@link mergeIndexedEventStreams}. */
export interface MergeEventStreamsOptions {
  /** The operator name used in error messages; default `'mergeEventStreams'`. */
  readonly name?: string;
  /**
   * Which inputs' watermarks make the merged watermark: `'both'` (the default) or `'left'`, for
   * operators whose right input is a changelog table that carries no event-time promise (a lookup
   * join): then the right input's watermarks are ignored, and when the left input completes the
   * merged watermark becomes `+Infinity` even while the right input stays open.
   * {@link mergeIndexedEventStreams} always uses every input.
   */
  readonly watermarkFrom?: 'both' | 'left';
  /**
   * Each input's watermark when the operator's checkpoint was taken, for an operator resuming
   * from it: the merge starts from them instead of `-Infinity`, so the merged watermark moves
   * after recovery exactly as it would have without the interruption. Persist them with
   * `onInputWatermark`.
   */
  readonly initialWatermarks?: readonly number[];
  /**
   * Observes each input's watermark whenever it advances, in processing order (after barrier
   * alignment, so the values seen before barrier n are those of checkpoint n). Called
   * synchronously; keep it O(1).
   */
  readonly onInputWatermark?: (input: number, watermark: number) => void;
}

/** The keys of {@link MergeEventStreamsOptions}, for the unknown-key check. */
export const MERGE_OPTION_KEYS = optionKeys<MergeEventStreamsOptions>({ name: true, watermarkFrom: true, initialWatermarks: true, onInputWatermark: true });

/**
 * Combines two element streams into the single input a two-input operator (a join) consumes:
 *
 * - **Records** come out as `{ kind: 'record', value: { side, value }, timestamp }`, in arrival
 *   order, each exactly once; the order of each input is preserved.
 * - **Watermark**: the minimum of the inputs' watermarks, emitted only when it advances. An input
 *   whose last watermark is an idle marker (`idle: true`, see {@link withEventTime}) is excluded
 *   until it sends a record or a plain watermark; a completed input counts as `+Infinity`; a
 *   watermark below an input's previous one is ignored. When
 *   every open input is idle the watermark holds and one idle marker is emitted; when an input
 *   becomes active again without advancing the minimum, a plain watermark at the current value is
 *   emitted so the next operator knows this stream is active.
 * - **Barriers are aligned** (docs/architecture.md §2.3, §5.2): when barrier n arrives on one
 *   input, every later element of that input is held until barrier n has arrived on every other
 *   open input; then one barrier n is emitted and the held elements are released in order. An
 *   input that completes stops being waited for. Barrier ids must increase: a barrier m arriving
 *   while n is aligned, or a repeated id, errors with {@link StreamError} `BARRIER_MISALIGNED`.
 * - **Completion**: when both inputs have completed, a final `watermark(+Infinity)` (unless
 *   already emitted), then completion. Either input's error errors the result at once.
 *
 * @param left - the left input
 * @param right - the right input
 * @param options - see {@link MergeEventStreamsOptions}
 *
 * @example
 * ```ts
 * // a join operator is an OperatorFunction<StreamElement<TaggedValue<Order, Payment>>, StreamElement<Out>>
 * const input$ = mergeEventStreams(orders$, payments$);
 * input$.pipe(mapRecords((v) => (v.side === 'left' ? v.value.orderId : v.value.paymentFor)));
 * ```
 */
export function mergeEventStreams<L, R>(
  left: Observable<StreamElement<L>>,
  right: Observable<StreamElement<R>>,
  options: MergeEventStreamsOptions = {},
): Observable<StreamElement<TaggedValue<L, R>>> {
  checkStreamOptionKeys('mergeEventStreams', options, MERGE_OPTION_KEYS);
  return alignedMerge<L | R, TaggedValue<L, R>>(
    [left, right],
    (input, value) => (input === 0 ? { side: 'left', value: value as L } : { side: 'right', value: value as R }),
    options.name ?? 'mergeEventStreams',
    {
      timed: [true, (options.watermarkFrom ?? 'both') === 'both'],
      ...(options.initialWatermarks === undefined ? {} : { initialWatermarks: options.initialWatermarks }),
      ...(options.onInputWatermark === undefined ? {} : { onInputWatermark: options.onInputWatermark }),
    },
  );
}
