import { decodeValue, encodeValue, type KeyPart } from '@weir/state';
import { insertRow, retractRow, type Change, type StreamRecord } from '@weir/stream';
import { RANK_OPTION_KEYS, checkRankOptionKeys } from './checkRankOptionKeys';
import { ExpiryHeap } from './ExpiryHeap';
import type { RankOptions } from './RankOptions';
import { rankOperator, type RankOperator } from './rankOperator';
import { KEPT, TIME_BYTES, storedTimeOf } from './rankState';
import { badOption, nonNegativeMs, resolveRankOptions } from './resolveRankOptions';

/** Which row of a key {@link deduplicate} keeps. */
export type DedupKeep = 'first' | 'last';

/**
 * The options of {@link deduplicate}.
 *
 * @typeParam T - the record values
 * @typeParam K - which row is kept
 */
export interface DeduplicateOptions<T, K extends DedupKeep = DedupKeep> extends RankOptions<T> {
  /**
   * `'first'`: the first row to arrive per key is emitted, every later one dropped (insert-only
   * output). `'last'`: the row with the latest timestamp per key (on a tie, the later to arrive)
   * replaces the one kept, as a changelog: a retraction of the old row, then an insert of the new.
   */
  readonly keep: K;
  /**
   * Event-time state retention (ms): a key's state expires once the watermark reaches the kept
   * row's timestamp + `ttl` (counted in `expiredKeys`); a later row of the key is then treated as
   * its first. Nothing is emitted on expiry (as in Flink's state TTL): with `keep: 'last'` the
   * expired row stays in a result materialized downstream. Default: state kept forever.
   */
  readonly ttl?: number;
}

const OPTION_KEYS = Object.keys({ ...RANK_OPTION_KEYS, keep: true, ttl: true });

/**
 * Deduplication (Flink SQL's `ROW_NUMBER() OVER (PARTITION BY key ORDER BY time) = 1`): keeps
 * the first or the last row per key.
 *
 * - `keep: 'first'` emits a key's first row when it arrives and drops the rest: plain records.
 * - `keep: 'last'` emits a changelog ({@link Change}): a key's first row as an insert, and each
 *   later row at or after the kept one's timestamp as a retraction of the kept row followed by an
 *   insert of the new one, both stamped with the new row's timestamp. A row older than the kept
 *   one changes nothing (counted in `unchanged`).
 *
 * Late records (`ts <= watermark - allowedLateness`) go to `onLate` and are counted, never kept.
 * State: one entry per key (docs/architecture.md §4.5), in `store`; with `ttl`, an in-memory
 * expiry heap rebuilt from it on restore. Cost per record: one store `get` and at most one `put`,
 * O(log n); keep 'last' encodes the row (msgpack) and decodes the previous one.
 *
 * @param options - `store`, `key`, `keep`, and optionally `ttl`, `name`, `keyGroups`,
 *   `allowedLateness`, `onLate`, `onInvalid`, `checkpoint`
 * @returns the operator, with its `metrics`
 * @throws RankError `INVALID_ARGUMENT` for a bad or unknown option
 *
 * @example
 * ```ts
 * // the latest bid of each bidder on each auction, as a changelog
 * bids$.pipe(deduplicate({ store, key: (b) => `${b.bidder}:${b.auction}`, keep: 'last' }));
 * // each user's first click, once
 * clicks$.pipe(deduplicate({ store, key: (c) => c.user, keep: 'first', ttl: 86_400_000 }));
 * ```
 */
export function deduplicate<T>(options: DeduplicateOptions<T, 'first'>): RankOperator<T, T>;
export function deduplicate<T>(options: DeduplicateOptions<T, 'last'>): RankOperator<T, Change<T>>;
export function deduplicate<T>(options: DeduplicateOptions<T>): RankOperator<T, T | Change<T>> {
  const kind = 'deduplicate';
  checkRankOptionKeys(kind, options, OPTION_KEYS);
  const o = resolveRankOptions(kind, options);
  const keep = options.keep;
  if (keep !== 'first' && keep !== 'last') throw badOption(kind, "option `keep` must be 'first' or 'last'", keep);
  const ttl = options.ttl === undefined ? undefined : nonNegativeMs(kind, 'ttl', options.ttl);
  const store = o.store;

  return rankOperator<T, T | Change<T>>(o, (ctx) => {
    const { counters, keys } = ctx;
    const expiry = ttl === undefined ? undefined : new ExpiryHeap();

    const keepFirst = (el: StreamRecord<T>, at: Uint8Array): void => {
      if (store.get(at) !== undefined) {
        counters.unchanged++;
        return;
      }
      const value = new Uint8Array(TIME_BYTES);
      new DataView(value.buffer).setFloat64(0, el.timestamp);
      store.put(at, value);
      expiry?.push(el.timestamp + ttl!, at);
      counters.inserts++;
      ctx.emit(el.value, el.timestamp);
    };

    const keepLast = (el: StreamRecord<T>, at: Uint8Array): void => {
      const stored = store.get(at);
      if (stored !== undefined && el.timestamp < storedTimeOf(stored)) {
        counters.unchanged++;
        return;
      }
      let row: Uint8Array;
      try {
        row = encodeValue(el.value, o.where);
      } catch (err) {
        ctx.refused(el, err);
        return;
      }
      const value = new Uint8Array(TIME_BYTES + row.length);
      new DataView(value.buffer).setFloat64(0, el.timestamp);
      value.set(row, TIME_BYTES);
      store.put(at, value);
      expiry?.push(el.timestamp + ttl!, at);
      if (stored !== undefined) {
        counters.retractions++;
        ctx.emit(retractRow(decodeValue<T>(stored.subarray(TIME_BYTES), o.where)), el.timestamp);
      }
      counters.inserts++;
      ctx.emit(insertRow(el.value), el.timestamp);
    };

    return {
      load() {
        if (expiry === undefined) return;
        for (const [key, value] of keys.scan(store, KEPT)) expiry.push(storedTimeOf(value) + ttl!, key);
      },
      onRecord(el: StreamRecord<T>, key: KeyPart) {
        const at = keys.entry(KEPT, key);
        if (keep === 'first') keepFirst(el, at);
        else keepLast(el, at);
      },
      advance(wm: number) {
        if (expiry !== undefined) counters.expiredKeys += expiry.expireDue(wm, store, ttl!);
      },
    };
  });
}
