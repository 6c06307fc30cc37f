import { checkOptionKeys, describeValue, optionKeys } from '@weir/state';
import { WindowError } from '../WindowError';
import type { AccumulatorCodec } from './AccumulatorCodec';
import { msgpackCodec } from './msgpackCodec';

/**
 * An incremental aggregation over the records of one window (Flink `AggregateFunction`, Kafka
 * Streams `Initializer` + `Aggregator` + `Merger`): records of type `T` fold into an accumulator
 * `A`, accumulators merge, and the window's output `R` is read from the accumulator.
 *
 * The contract every implementation keeps:
 * - Accumulators are plain data (numbers, strings, arrays, plain objects; no closures, no class
 *   instances), so `codec` can store them and a restored operator continues where it stopped.
 * - `add` and `merge` may mutate their first argument and return it, or return a new value: the
 *   caller always continues with the returned accumulator and treats the arguments as consumed
 *   (`merge` may also return `b`).
 * - `merge(a, b)` treats `a` as holding the records that arrived first, so order-sensitive
 *   aggregates (`first`, `last`, `collect`) give `result(merge(fold(xs), fold(ys)))` equal to
 *   `result(fold(xs ++ ys))`.
 * - `result` does not mutate the accumulator: early firings read it and folding continues.
 * - `add` throws {@link AggregationError} for a value it cannot fold, leaving `acc` unchanged.
 *
 * @example
 * ```ts
 * const agg = avg((o: Order) => o.amount);
 * let acc = agg.create();
 * acc = agg.add(acc, { amount: 10 }, 1_000);
 * acc = agg.add(acc, { amount: 20 }, 1_500);
 * agg.result(acc); // 15
 * const restored = agg.codec.decode(agg.codec.encode(acc)); // survives a checkpoint
 * ```
 */
export interface Aggregate<T, A, R> {
  /** A short name, e.g. `'count'` or `'sum'`, used in errors and metrics. */
  readonly name: string;
  /** A fresh, empty accumulator. */
  create(): A;
  /** Folds one record with its event timestamp (epoch ms); may mutate and return `acc`. */
  add(acc: A, value: T, timestamp: number): A;
  /** Combines two accumulators (session merging, hopping panes), `a` arrived first; may mutate `a`. */
  merge(a: A, b: A): A;
  /** The window's output value; does not mutate `acc`. */
  result(acc: A): R;
  /** How accumulators are stored. */
  readonly codec: AccumulatorCodec<A>;
}

/** The parts of a user-defined aggregate handed to {@link aggregate}. */
export interface AggregateSpec<T, A, R> {
  /** Name used in errors and metrics (default `'aggregate'`). */
  readonly name?: string;
  /** See {@link Aggregate.create}. */
  create(): A;
  /** See {@link Aggregate.add}. */
  add(acc: A, value: T, timestamp: number): A;
  /** See {@link Aggregate.merge}. */
  merge(a: A, b: A): A;
  /** See {@link Aggregate.result}. */
  result(acc: A): R;
  /** How accumulators are stored (default {@link msgpackCodec}, named after the aggregate). */
  readonly codec?: AccumulatorCodec<A>;
}

const SPEC_KEYS = optionKeys<AggregateSpec<unknown, unknown, unknown>>({ name: true, create: true, add: true, merge: true, result: true, codec: true });

/**
 * Builds a user-defined {@link Aggregate} from its parts, checking each is present, and storing
 * accumulators with {@link msgpackCodec} unless a codec is given. The functions are captured
 * once and called as plain functions (not bound to `spec`). The accumulator must be plain data
 * that msgpack can hold, and not `undefined`. Cost: O(1); the returned object is frozen.
 *
 * @param spec - `create`, `add`, `merge`, `result`, and optionally `name` and `codec`
 * @throws `WindowError` `INVALID_ARGUMENT` naming the missing or mistyped member, e.g.
 *   `aggregate(name="range"): spec.merge must be a function, got undefined`, or an unknown key
 *
 * @example
 * ```ts
 * // max - min of the values in each window
 * const range = aggregate({
 *   name: 'range',
 *   create: () => ({ lo: Infinity, hi: -Infinity }),
 *   add: (acc, v: number) => { acc.lo = Math.min(acc.lo, v); acc.hi = Math.max(acc.hi, v); return acc; },
 *   merge: (a, b) => ({ lo: Math.min(a.lo, b.lo), hi: Math.max(a.hi, b.hi) }),
 *   result: (acc) => acc.hi - acc.lo,
 * });
 * ```
 */
export function aggregate<T, A, R>(spec: AggregateSpec<T, A, R>): Aggregate<T, A, R> {
  if (typeof spec !== 'object' || spec === null) {
    throw new WindowError('INVALID_ARGUMENT', `aggregate: spec must be an object with create, add, merge and result, got ${describeValue(spec)}`, spec);
  }
  // checkOptionKeys itself, not checkWindowOptionKeys: that module's key list is typed against
  // WindowOptions, which imports this file
  checkOptionKeys('aggregate', spec, SPEC_KEYS, (message, key) => new WindowError('INVALID_ARGUMENT', message, key));
  const name = spec.name ?? 'aggregate';
  if (typeof name !== 'string' || name.length === 0) {
    throw new WindowError('INVALID_ARGUMENT', `aggregate: spec.name must be a non-empty string, got ${describeValue(name)}`, name);
  }
  const where = spec.name === undefined ? 'aggregate' : `aggregate(name=${JSON.stringify(name)})`;
  for (const member of ['create', 'add', 'merge', 'result'] as const) {
    if (typeof spec[member] !== 'function') {
      throw new WindowError('INVALID_ARGUMENT', `${where}: spec.${member} must be a function, got ${describeValue(spec[member])}`, spec[member]);
    }
  }
  const codec = spec.codec ?? msgpackCodec<A>(name);
  if (typeof codec !== 'object' || codec === null) {
    throw new WindowError('INVALID_ARGUMENT', `${where}: spec.codec must be an object with encode and decode, got ${describeValue(codec)}`, codec);
  }
  for (const member of ['encode', 'decode'] as const) {
    if (typeof codec[member] !== 'function') {
      throw new WindowError('INVALID_ARGUMENT', `${where}: spec.codec.${member} must be a function, got ${describeValue(codec[member])}`, codec[member]);
    }
  }
  if (codec.encodeInto !== undefined && typeof codec.encodeInto !== 'function') {
    throw new WindowError('INVALID_ARGUMENT', `${where}: spec.codec.encodeInto must be a function when given, got ${describeValue(codec.encodeInto)}`, codec.encodeInto);
  }
  const { create, add, merge, result } = spec;
  const { encode, decode, encodeInto } = codec;
  const captured: AccumulatorCodec<A> = {
    encode: (acc: A): Uint8Array => encode(acc),
    decode: (bytes: Uint8Array): A => decode(bytes),
  };
  // kept when the codec has it: a barrier then logs the accumulator without an array of its own
  if (encodeInto !== undefined) captured.encodeInto = (acc: A, out: Uint8Array, at: number): number => encodeInto(acc, out, at);
  return Object.freeze({
    name,
    create: (): A => create(),
    add: (acc: A, value: T, timestamp: number): A => add(acc, value, timestamp),
    merge: (a: A, b: A): A => merge(a, b),
    result: (acc: A): R => result(acc),
    codec: Object.freeze(captured),
  });
}
