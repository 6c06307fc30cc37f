/**
 * One stored entry as a scan yields it: `[key, value]`. Both arrays belong to the store and are
 * shared with its snapshots: the store never mutates them, and callers must not either (copy
 * first if you need to change one).
 *
 * @example
 * ```ts
 * for (const [key, value] of store.prefixScan(prefix)) total += value.length;
 * ```
 */
export type Entry = readonly [key: Uint8Array, value: Uint8Array];
