import { filterRecords, mapRecords } from '@weir/stream';
import { tumblingWindow } from '@weir/window';
import { isBid, type Bid } from '../model';
import type { NexmarkQuery } from '../NexmarkQuery';
import { DAY_MS, bidStatistics, dayOf, minuteOf, type BidStatistics } from './q15';

/** One row of q16: a channel's bidding statistics for one day. */
export interface ChannelStatistics extends BidStatistics {
  readonly channel: string;
  /** `HH:mm` (UTC) of the channel's latest bid that day: `max(DATE_FORMAT(dateTime, 'HH:mm'))`. */
  readonly minute: string;
}

/**
 * Nexmark q16, channel statistics per day: q15's counts grouped by channel too, with the minute
 * of the latest bid.
 *
 * ```sql
 * SELECT channel, DATE_FORMAT(dateTime, 'yyyy-MM-dd') AS `day`,
 *   max(DATE_FORMAT(dateTime, 'HH:mm')) AS `minute`,
 *   count(*) AS total_bids, ... (as q15)
 * FROM bid GROUP BY channel, DATE_FORMAT(dateTime, 'yyyy-MM-dd')
 * ```
 *
 * A one-day {@link tumblingWindow} (UTC days) keyed by the bid's channel, with q15's
 * {@link bidStatistics}; `minute` is formatted from the latest bid time it keeps. O(1) expected
 * per bid; each channel's distinct bidders and auctions are held until the day closes.
 *
 * @example
 * ```ts
 * events$.pipe(q16.build(ctx)); // { channel: 'Google', day: '2026-01-01', minute: '00:00', totalBids: 9203, ... }
 * ```
 */
export const q16: NexmarkQuery<ChannelStatistics> = {
  name: 'q16',
  description: 'channel statistics per day: q15 grouped by channel, with the minute of the latest bid',
  deviation:
    "Flink's unbounded GROUP BY updates each row with every bid; weir emits each channel's row once per day, when the watermark passes the day's end (a one-day tumbling window, UTC). The final rows are the same.",
  build: (ctx) => (events$) =>
    events$.pipe(
      filterRecords(isBid),
      tumblingWindow({
        name: 'q16.days',
        store: ctx.store('q16.days'),
        checkpoint: ctx.checkpoint,
        cacheSize: ctx.cacheSize,
        size: DAY_MS,
        key: (b: Bid) => b.channel,
        aggregate: bidStatistics(),
      }),
      mapRecords(({ key, start, value }): ChannelStatistics => {
        const { latest, ...counts } = value;
        return { channel: key, day: dayOf(start), minute: minuteOf(latest), ...counts };
      }),
    ),
};
