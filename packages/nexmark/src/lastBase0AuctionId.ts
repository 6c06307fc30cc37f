import { nextInt } from './eventRandom';
import { AUCTION_ID_LEAD, AUCTION_PROPORTION, NUM_IN_FLIGHT_AUCTIONS, PERSON_PROPORTION, TOTAL_PROPORTION } from './modelConstants';

/**
 * The id (counted from 0, i.e. before adding `FIRST_AUCTION_ID`) of the last auction created at
 * or before event number `n`: the auction `n` creates if `n` is an auction event. Exactly the
 * model's `AuctionGenerator.lastBase0AuctionId` (so -1 for event 0, before any auction). O(1).
 *
 * @param n - an event number (a non-negative safe integer)
 *
 * @example
 * ```ts
 * lastBase0AuctionId(1);   // 0  (event 1 creates auction 1000)
 * lastBase0AuctionId(4);   // 2  (a bid: auctions 0..2 exist)
 * lastBase0AuctionId(50);  // 2  (a person: the last auction of the previous epoch)
 * ```
 */
export function lastBase0AuctionId(n: number): number {
  let offset = n % TOTAL_PROPORTION;
  let epoch = (n - offset) / TOTAL_PROPORTION;
  if (offset < PERSON_PROPORTION) {
    // about to generate a person: go back to the last auction of the previous epoch
    epoch--;
    offset = AUCTION_PROPORTION - 1;
  } else if (offset >= PERSON_PROPORTION + AUCTION_PROPORTION) {
    // about to generate a bid: go back to the last auction of this epoch
    offset = AUCTION_PROPORTION - 1;
  } else {
    // about to generate an auction
    offset -= PERSON_PROPORTION;
  }
  return epoch * AUCTION_PROPORTION + offset;
}

/**
 * A random auction (base 0) for a bid, as the model's `nextBase0AuctionId`: uniform over the
 * `NUM_IN_FLIGHT_AUCTIONS` most recent auctions, the last one and `AUCTION_ID_LEAD` ids not yet
 * created. Draws one random number. O(1).
 *
 * @param lastAuction - `lastBase0AuctionId(n)` of the event being generated
 */
export function nextBase0AuctionId(lastAuction: number): number {
  const minAuction = Math.max(lastAuction - NUM_IN_FLIGHT_AUCTIONS, 0);
  return minAuction + nextInt(lastAuction - minAuction + 1 + AUCTION_ID_LEAD);
}
