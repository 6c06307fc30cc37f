import { nextUint32 } from './eventRandom';
import { nextBase0AuctionId } from './lastBase0AuctionId';
import { nextBase0PersonId } from './lastBase0PersonId';
import type { Bid } from './model';
import { AVG_BID_BYTE_SIZE, CHANNELS_NUMBER, FIRST_AUCTION_ID, FIRST_PERSON_ID, HOT_BATCH } from './modelConstants';
import { CHANNEL_NAMES, CHANNEL_URLS, HOT_CHANNELS, HOT_URLS } from './modelStrings';
import { nextPrice } from './nextPrice';
import { nextExtra } from './nextString';

/** The model counts a bid's auction, bidder, price and time as 8 bytes each (not channel or url). */
const BID_SIZE = 8 + 8 + 8 + 8;

/**
 * The bid of bid event `n`, as the model's `BidGenerator.nextBid`; the event's random generator
 * must already be seeded. O(1), allocates the object and one slice.
 *
 * The model's small choices (hot auction 1 in 2, hot bidder 3 in 4, hot channel 1 in 2, which of
 * the 4 hot channels or of the 10,000 others) take disjoint bits of one 32-bit draw instead of
 * one draw each: the same distributions, three draws per bid instead of eight.
 *
 * @param lastAuction - `lastBase0AuctionId(n)`
 * @param lastPerson - `lastBase0PersonId(n)`
 * @param time - the event time
 */
export function nextBid(lastAuction: number, lastPerson: number, time: number): Bid {
  const choices = nextUint32();
  // bit 31: P(hot auction) = 1 - 1/hotAuctionRatio = 1/2: the first auction of the current batch of 100
  const auction =
    (choices >>> 31 !== 0 ? Math.floor(lastAuction / HOT_BATCH) * HOT_BATCH : nextBase0AuctionId(lastAuction)) + FIRST_AUCTION_ID;
  // bits 29-30: P(hot bidder) = 1 - 1/hotBiddersRatio = 3/4: the second person of the batch (hot sellers are the first)
  const bidder =
    ((choices >>> 29) & 3) !== 0 ? Math.floor(lastPerson / HOT_BATCH) * HOT_BATCH + 1 + FIRST_PERSON_ID : nextBase0PersonId(lastPerson) + FIRST_PERSON_ID;
  const price = nextPrice();
  let channel: string;
  let url: string;
  if ((choices >>> 28) & 1) {
    // bit 28: P(hot channel) = 1/2; bits 26-27: which of the 4
    const i = (choices >>> 26) & 3;
    channel = HOT_CHANNELS[i]!;
    url = HOT_URLS[i]!;
  } else {
    // bits 0-25: which of the 10,000 others
    const c = ((choices & 0x3ffffff) * CHANNELS_NUMBER * TWO_POW_MINUS_26) | 0;
    channel = CHANNEL_NAMES[c]!;
    url = CHANNEL_URLS[c]!;
  }
  return {
    type: 'bid',
    auction,
    bidder,
    price,
    channel,
    url,
    dateTime: time,
    extra: nextExtra(BID_SIZE, AVG_BID_BYTE_SIZE),
  };
}

const TWO_POW_MINUS_26 = 1 / 2 ** 26;
