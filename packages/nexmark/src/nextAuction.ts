import { nextInt, nextLong } from './eventRandom';
import { eventTimestamp } from './eventTimestamp';
import { nextBase0PersonId } from './lastBase0PersonId';
import type { Auction } from './model';
import {
  AUCTION_PROPORTION,
  AVG_AUCTION_BYTE_SIZE,
  FIRST_AUCTION_ID,
  FIRST_CATEGORY_ID,
  FIRST_PERSON_ID,
  HOT_BATCH,
  HOT_SELLERS_RATIO,
  NUM_CATEGORIES,
  NUM_IN_FLIGHT_AUCTIONS,
  TOTAL_PROPORTION,
} from './modelConstants';
import type { NexmarkConfig } from './NexmarkConfig';
import { nextPrice } from './nextPrice';
import { nextExtra, nextString } from './nextString';

/** Events until `NUM_IN_FLIGHT_AUCTIONS` more auctions have been created (the model's integer arithmetic). */
const EVENTS_FOR_IN_FLIGHT_AUCTIONS = Math.floor((NUM_IN_FLIGHT_AUCTIONS * TOTAL_PROPORTION) / AUCTION_PROPORTION);

/**
 * The auction that auction event `n` creates, as the model's `AuctionGenerator.nextAuction`
 * (random draws in the model's order); the event's random generator must already be seeded.
 * O(1), allocates the object and up to three slices.
 *
 * @param n - the event number
 * @param lastAuction - `lastBase0AuctionId(n)`: the new auction's id before `FIRST_AUCTION_ID`
 * @param lastPerson - `lastBase0PersonId(n)`
 * @param time - the event time
 * @param config - the configuration (for the event rate)
 */
export function nextAuction(n: number, lastAuction: number, lastPerson: number, time: number, config: NexmarkConfig): Auction {
  // P(hot seller) = 1 - 1/hotSellersRatio: the first person of the current batch of 100
  const seller =
    (nextInt(HOT_SELLERS_RATIO) > 0 ? Math.floor(lastPerson / HOT_BATCH) * HOT_BATCH : nextBase0PersonId(lastPerson)) + FIRST_PERSON_ID;
  const category = FIRST_CATEGORY_ID + nextInt(NUM_CATEGORIES);
  const initialBid = nextPrice();
  // nextAuctionLengthMs: uniform in 1 .. 2 * (time until NUM_IN_FLIGHT_AUCTIONS more auctions)
  const horizonMs = eventTimestamp(n + EVENTS_FOR_IN_FLIGHT_AUCTIONS, config) - time;
  const expires = time + 1 + nextLong(Math.max(horizonMs * 2, 1));
  const itemName = nextString(20);
  const description = nextString(100);
  const reserve = initialBid + nextPrice();
  const size = 8 + itemName.length + description.length + 8 + 8 + 8 + 8 + 8;
  return {
    type: 'auction',
    id: lastAuction + FIRST_AUCTION_ID,
    itemName,
    description,
    initialBid,
    reserve,
    dateTime: time,
    expires,
    seller,
    category,
    extra: nextExtra(size, AVG_AUCTION_BYTE_SIZE),
  };
}
