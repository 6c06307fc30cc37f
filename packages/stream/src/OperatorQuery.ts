import type { KeyPart } from '@weir/state';

/**
 * A typed, read-only query a stateful operator offers about one key of its state, answered from
 * what the operator itself holds at that moment: through its write-back cache (read-through),
 * not from the store, which lags the cache until the next flush or barrier (like Kafka Streams'
 * caching key-value store). An operator hands it to its checkpoint hook when it registers
 * ({@link CheckpointHook.register}); a coordinator exposes it (`job.view().query(name, key)`,
 * served by `@weir/http` as `/query/<operator>?key=…`).
 *
 * Called on the caller's turn of the event loop, between two record batches (the record path is
 * synchronous), so an answer never sees half a batch. It must not change the operator's state.
 *
 * @example
 * ```ts
 * const query: OperatorQuery = {
 *   kind: 'row',
 *   query: (key) => ({ found: rows.has(key), row: rows.get(key) }),
 * };
 * subscriber.add(registerOperator(options.checkpoint, name, metrics, query));
 * ```
 */
export interface OperatorQuery {
  /** What it answers, e.g. `'windows'` (a key's open windows) or `'row'` (a key's current table row). */
  readonly kind: string;
  /**
   * The answer for `key` (a string, a safe integer, a 64-bit bigint or bytes: the operator's key
   * type), a JSON-friendly object. Throws the operator's typed error for a key it cannot hold.
   */
  query(key: KeyPart): unknown;
}
