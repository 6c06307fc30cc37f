import { filterRecords, flatMapRecords } from '@weir/stream';
import { isBid } from '../model';
import type { NexmarkQuery } from '../NexmarkQuery';

/** A bid with its channel's id: q21's row. */
export interface ChannelBid {
  readonly auction: number;
  readonly bidder: number;
  readonly price: number;
  readonly channel: string;
  /** `'0'`..`'3'` for Apple, Google, Facebook and Baidu; otherwise the URL's `channel_id`. */
  readonly channelId: string;
}

/** `REGEXP_EXTRACT(url, '(&|^)channel_id=([^&]*)', 2)`. */
const CHANNEL_ID = /(?:&|^)channel_id=([^&]*)/;

/** The SQL's `CASE` on `lower(channel)`: the hot channels' ids. */
function hotChannelId(channel: string): string | undefined {
  switch (channel.toLowerCase()) {
    case 'apple':
      return '0';
    case 'google':
      return '1';
    case 'facebook':
      return '2';
    case 'baidu':
      return '3';
    default:
      return undefined;
  }
}

/**
 * Nexmark q21, add a channel id: each bid on a known channel, with the channel's id taken from a
 * `CASE` on its name or, for the others, from the `channel_id` parameter of its URL; bids with
 * neither are dropped.
 *
 * ```sql
 * SELECT auction, bidder, price, channel,
 *   CASE WHEN lower(channel) = 'apple' THEN '0' WHEN lower(channel) = 'google' THEN '1'
 *        WHEN lower(channel) = 'facebook' THEN '2' WHEN lower(channel) = 'baidu' THEN '3'
 *        ELSE REGEXP_EXTRACT(url, '(&|^)channel_id=([^&]*)', 2) END AS channel_id
 * FROM bid
 * WHERE REGEXP_EXTRACT(url, '(&|^)channel_id=([^&]*)', 2) IS NOT NULL
 *    OR lower(channel) IN ('apple', 'google', 'facebook', 'baidu')
 * ```
 *
 * Stateless; O(length of url) per bid (one regular expression match, for bids off the four hot
 * channels).
 *
 * @example
 * ```ts
 * events$.pipe(q21.build(ctx)); // { auction, bidder, price, channel: 'channel-17', channelId: '1073741824' }
 * ```
 */
export const q21: NexmarkQuery<ChannelBid> = {
  name: 'q21',
  description: 'add a channel id: from a CASE on the channel, else from the url\'s channel_id',
  deviation: '',
  build: () => (events$) =>
    events$.pipe(
      filterRecords(isBid),
      flatMapRecords((b): ChannelBid[] => {
        const id = hotChannelId(b.channel) ?? CHANNEL_ID.exec(b.url)?.[1];
        return id === undefined ? [] : [{ auction: b.auction, bidder: b.bidder, price: b.price, channel: b.channel, channelId: id }];
      }),
    ),
};
