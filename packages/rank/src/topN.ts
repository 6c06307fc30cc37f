import { decodeValue, encodeValue, type KeyPart } from '@weir/state';
import { insertRow, retractRow, type Change, type StreamRecord } from '@weir/stream';
import { RANK_OPTION_KEYS, checkRankOptionKeys } from './checkRankOptionKeys';
import type { RankOptions } from './RankOptions';
import { rankOperator, type RankOperator } from './rankOperator';
import { TIME_BYTES, TOP, storedTimeOf } from './rankState';
import { badOption, nonNegativeMs, resolveRankOptions } from './resolveRankOptions';
import { ExpiryHeap } from './ExpiryHeap';

/**
 * The options of {@link topN}. Give either `compare` or `orderBy` (with `descending`).
 *
 * @typeParam T - the record values
 */
export interface TopNOptions<T> extends RankOptions<T> {
  /** How many rows per key the result holds: an integer in [1, 10,000]. */
  readonly n: number;
  /**
   * The ranking: negative when `a` ranks before (better than) `b`, positive when after, 0 for a
   * tie. Must be a consistent total preorder.
   */
  readonly compare?: (a: T, b: T) => number;
  /** The ranking as a sort key (a number, string or bigint), ascending unless `descending`. */
  readonly orderBy?: (value: T) => number | string | bigint;
  /** With `orderBy`: the largest sort key ranks first. Default false. */
  readonly descending?: boolean;
  /**
   * Event-time state retention (ms): a key's top expires once the watermark reaches the time of
   * its last change + `ttl` (counted in `expiredKeys`); later records of the key start a new top.
   * Nothing is emitted on expiry: the expired rows stay in a result materialized downstream. With
   * `ttl: 0` over a window's results keyed by window, this is a per-window top-N whose state
   * leaves once the watermark passes the window. Default: kept forever.
   */
  readonly ttl?: number;
}

const OPTION_KEYS = Object.keys({ ...RANK_OPTION_KEYS, n: true, compare: true, orderBy: true, descending: true, ttl: true });
const MAX_N = 10_000;

/**
 * Continuous top-N per key with retractions (Flink SQL's `ROW_NUMBER() OVER (PARTITION BY key
 * ORDER BY ...) <= n` over an append-only input): the result holds, for every key, the `n` best
 * rows seen so far; when a record enters it, the operator emits a retraction of the row it pushes
 * out (once the key holds `n`) and an insert of the record, both stamped with the record's
 * timestamp, as a changelog ({@link Change}). A record that does not rank among the `n` changes
 * nothing (counted in `unchanged`). The rank number itself is not emitted (Flink's
 * "no ranking number" form), so a row's move within the top does not cost an update.
 *
 * **Ties** are broken by arrival: of two rows that compare equal, the one that arrived first ranks
 * first, so a record enters a full top only if it ranks strictly before the last row. Restores and
 * rescales keep this order (it is the stored order).
 *
 * Late records (`ts <= watermark - allowedLateness`) go to `onLate` and are counted, never ranked.
 * State: one entry per key holding its top rows (docs/architecture.md §4.5), in `store`, kept
 * forever unless `ttl` is given (then with an in-memory expiry heap rebuilt from it on restore). Cost per record: a store `get`, the decode of the key's top (O(n) msgpack) and
 * O(log n) comparisons; when the top changes, an encode and a `put`.
 *
 * @param options - `store`, `key`, `n`, `compare` or `orderBy` (+ `descending`), and optionally
 *   `ttl`, `name`, `keyGroups`, `allowedLateness`, `onLate`, `onInvalid`, `checkpoint`
 * @returns the operator, with its `metrics`
 * @throws RankError `INVALID_ARGUMENT` for a bad or unknown option
 *
 * @example
 * ```ts
 * // the ten highest bids of every auction, kept up to date
 * bids$.pipe(topN({ store, key: (b) => b.auction, n: 10, orderBy: (b) => b.price, descending: true }));
 * ```
 */
export function topN<T>(options: TopNOptions<T>): RankOperator<T, Change<T>> {
  const kind = 'topN';
  checkRankOptionKeys(kind, options, OPTION_KEYS);
  const o = resolveRankOptions(kind, options);
  const n = options.n;
  if (typeof n !== 'number' || !Number.isInteger(n) || n < 1 || n > MAX_N) throw badOption(kind, `option \`n\` must be an integer in [1, ${MAX_N}]`, n);
  const { compare, orderBy, descending } = options;
  if ((compare === undefined) === (orderBy === undefined)) {
    throw badOption(kind, 'give exactly one of the options `compare` and `orderBy` (the ranking)', { compare, orderBy });
  }
  if (compare !== undefined && typeof compare !== 'function') throw badOption(kind, 'option `compare` must be a function', compare);
  if (orderBy !== undefined && typeof orderBy !== 'function') throw badOption(kind, 'option `orderBy` must be a function', orderBy);
  if (descending !== undefined && typeof descending !== 'boolean') throw badOption(kind, 'option `descending` must be a boolean', descending);
  if (descending !== undefined && orderBy === undefined) throw badOption(kind, 'option `descending` goes with `orderBy` (with `compare`, reverse the comparison)', descending);
  const ttl = options.ttl === undefined ? undefined : nonNegativeMs(kind, 'ttl', options.ttl);
  const sign = descending === true ? -1 : 1;
  const callback = compare !== undefined ? 'compare' : 'orderBy';
  const rank: (a: T, b: T) => number =
    compare ??
    ((a, b) => {
      const x = orderBy!(a);
      const y = orderBy!(b);
      return x < y ? -sign : x > y ? sign : 0;
    });
  const store = o.store;

  return rankOperator<T, Change<T>>(o, (ctx) => {
    const { counters, keys } = ctx;
    const expiry = ttl === undefined ? undefined : new ExpiryHeap();
    return {
      load() {
        if (expiry === undefined) return;
        for (const [key, value] of keys.scan(store, TOP)) expiry.push(storedTimeOf(value) + ttl!, key);
      },
      advance(wm: number) {
        if (expiry !== undefined) counters.expiredKeys += expiry.expireDue(wm, store, ttl!);
      },
      onRecord(el: StreamRecord<T>, key: KeyPart) {
        const at = keys.entry(TOP, key);
        const stored = store.get(at);
        const top = stored === undefined ? [] : decodeValue<T[]>(stored.subarray(TIME_BYTES), o.where);
        // the first position whose row ranks strictly after the record: ties stay in arrival order
        let lo = 0;
        let hi = top.length;
        try {
          while (lo < hi) {
            const mid = (lo + hi) >>> 1;
            const c = rank(el.value, top[mid]!);
            if (typeof c !== 'number' || Number.isNaN(c)) throw new TypeError(`returned ${String(c)}, not a number`);
            if (c < 0) hi = mid;
            else lo = mid + 1;
          }
        } catch (err) {
          ctx.invalid(el, ctx.failed(callback, el, err));
          return;
        }
        if (lo >= n) {
          counters.unchanged++;
          return;
        }
        top.splice(lo, 0, el.value);
        const out = top.length > n ? top.pop() : undefined;
        let rows: Uint8Array;
        try {
          rows = encodeValue(top, o.where);
        } catch (err) {
          ctx.refused(el, err);
          return;
        }
        // the time of the key's last change: its expiry with `ttl` (kept forward: records may be out of order)
        const changed = stored === undefined ? el.timestamp : Math.max(storedTimeOf(stored), el.timestamp);
        const value = new Uint8Array(TIME_BYTES + rows.length);
        new DataView(value.buffer).setFloat64(0, changed);
        value.set(rows, TIME_BYTES);
        store.put(at, value);
        expiry?.push(changed + ttl!, at);
        if (out !== undefined) {
          counters.retractions++;
          ctx.emit(retractRow(out), el.timestamp);
        }
        counters.inserts++;
        ctx.emit(insertRow(el.value), el.timestamp);
      },
    };
  });
}
