import { filterRecords, mapRecords } from '@weir/stream';
import { isBid } from '../model';
import type { NexmarkQuery } from '../NexmarkQuery';

/** A bid with the first three directories of its URL: q22's row. */
export interface UrlDirsBid {
  readonly auction: number;
  readonly bidder: number;
  readonly price: number;
  readonly channel: string;
  /** `SPLIT_INDEX(url, '/', 3)`; `null` when the URL has fewer parts. */
  readonly dir1: string | null;
  /** `SPLIT_INDEX(url, '/', 4)`; `null` when the URL has fewer parts. */
  readonly dir2: string | null;
  /** `SPLIT_INDEX(url, '/', 5)`; `null` when the URL has fewer parts. */
  readonly dir3: string | null;
}

/**
 * Nexmark q22, split the URL: each bid with the parts 3, 4 and 5 (from 0) of its URL split at
 * `/`: in `https://www.nexmark.com/a/b/c/item.htm?query=1`, the directories `a`, `b`, `c`.
 *
 * ```sql
 * SELECT auction, bidder, price, channel,
 *   SPLIT_INDEX(url, '/', 3) AS dir1, SPLIT_INDEX(url, '/', 4) AS dir2,
 *   SPLIT_INDEX(url, '/', 5) AS dir3
 * FROM bid
 * ```
 *
 * A missing part is `null`, as `SPLIT_INDEX` returns. Stateless; O(length of url) per bid.
 *
 * @example
 * ```ts
 * events$.pipe(q22.build(ctx)); // { auction, bidder, price, channel, dir1: 'hbbcd', dir2: 'ii_ag', dir3: 'fycu_' }
 * ```
 */
export const q22: NexmarkQuery<UrlDirsBid> = {
  name: 'q22',
  description: 'split the url: the first three directories of each bid\'s url',
  deviation: '',
  build: () => (events$) =>
    events$.pipe(
      filterRecords(isBid),
      mapRecords((b): UrlDirsBid => {
        // the offsets of the 3rd to 6th '/' bound parts 3, 4 and 5
        const url = b.url;
        let at = -1;
        for (let i = 0; i < 3 && (at = url.indexOf('/', at + 1)) !== -1; i++);
        const dirs: (string | null)[] = [null, null, null];
        for (let d = 0; d < 3 && at !== -1; d++) {
          const next = url.indexOf('/', at + 1);
          dirs[d] = url.slice(at + 1, next === -1 ? url.length : next);
          at = next;
        }
        return { auction: b.auction, bidder: b.bidder, price: b.price, channel: b.channel, dir1: dirs[0] ?? null, dir2: dirs[1] ?? null, dir3: dirs[2] ?? null };
      }),
    ),
};
