// The fixed parameters of the published Nexmark generator model (Apache Beam's
// `org.apache.beam.sdk.nexmark.sources.generator` and nexmark-flink's `generator/model`), with the
// defaults of their `NexmarkConfiguration`. Internal: not exported from the package.

/** Persons per epoch of `TOTAL_PROPORTION` events (offset 0 of the epoch). */
export const PERSON_PROPORTION = 1;
/** Auctions per epoch (offsets 1..3). */
export const AUCTION_PROPORTION = 3;
/** Bids per epoch (offsets 4..49). */
export const BID_PROPORTION = 46;
/** Events per epoch: event `n` is number `n % 50` of epoch `floor(n / 50)`. */
export const TOTAL_PROPORTION = PERSON_PROPORTION + AUCTION_PROPORTION + BID_PROPORTION;

/** The first person's id: ids start high so that queries find matches even on small streams. */
export const FIRST_PERSON_ID = 1000;
/** The first auction's id. */
export const FIRST_AUCTION_ID = 1000;
/** Categories are `FIRST_CATEGORY_ID .. FIRST_CATEGORY_ID + NUM_CATEGORIES - 1` (10..14). */
export const FIRST_CATEGORY_ID = 10;
/** Number of categories: kept few so that queries (q4) find matches on small streams. */
export const NUM_CATEGORIES = 5;

/** How many yet-to-be-created person ids a random seller or bidder may run ahead. */
export const PERSON_ID_LEAD = 10;
/** How many yet-to-be-created auction ids a random bid may run ahead. */
export const AUCTION_ID_LEAD = 10;

/** Maximum number of people considered active for placing auctions or bids. */
export const NUM_ACTIVE_PEOPLE = 1000;
/** Average number of auctions in flight at any time. */
export const NUM_IN_FLIGHT_AUCTIONS = 100;

/** P(bid is for the hot auction) = 1 - 1/HOT_AUCTION_RATIO (`hotAuctionRatio`; one bit of `nextBid`'s choices). */
export const HOT_AUCTION_RATIO = 2;
/** P(auction is by the hot seller) = 1 - 1/HOT_SELLERS_RATIO (`hotSellersRatio`). */
export const HOT_SELLERS_RATIO = 4;
/** P(bid is by the hot bidder) = 1 - 1/HOT_BIDDERS_RATIO (`hotBiddersRatio`; two bits of `nextBid`'s choices). */
export const HOT_BIDDERS_RATIO = 4;
/** The hot auction / seller / bidder is the first (bidder: second) of the current batch of this many ids. */
export const HOT_BATCH = 100;

/** P(bid comes through a hot channel) = 1 - 1/HOT_CHANNELS_RATIO (one bit of `nextBid`'s choices). */
export const HOT_CHANNELS_RATIO = 2;
/** Number of other (cold) channels. */
export const CHANNELS_NUMBER = 10_000;

/** Average person size in bytes, as the model counts it (8 per number, 1 per character; `extra` pads to it). */
export const AVG_PERSON_BYTE_SIZE = 200;
/** Average auction size in bytes, counted the same way. */
export const AVG_AUCTION_BYTE_SIZE = 500;
/** Average bid size in bytes, counted the same way (the model does not count `channel` and `url`). */
export const AVG_BID_BYTE_SIZE = 100;

/** Smallest length of the model's random strings (before trimming). */
export const MIN_STRING_LENGTH = 3;
