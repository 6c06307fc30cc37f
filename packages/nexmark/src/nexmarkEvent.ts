import { describeValue } from '@weir/state';
import { seedEventRandom } from './eventRandom';
import { eventTimestamp } from './eventTimestamp';
import { lastBase0AuctionId } from './lastBase0AuctionId';
import { lastBase0PersonId } from './lastBase0PersonId';
import type { NexmarkEvent } from './model';
import { NexmarkError } from './NexmarkError';
import { PERSON_PROPORTION, AUCTION_PROPORTION, TOTAL_PROPORTION } from './modelConstants';
import { DEFAULT_NEXMARK_CONFIG, type NexmarkConfig } from './NexmarkConfig';
import { nextAuction } from './nextAuction';
import { nextBid } from './nextBid';
import { nextPerson } from './nextPerson';

/**
 * Event number `n` of the Nexmark stream: a pure function of `n` and the configuration, so
 * events can be generated in any order, in parallel, or resumed from any number.
 *
 * Follows the published Nexmark generator (Apache Beam's / nexmark-flink's `NexmarkGenerator`):
 * in every 50 events, number `n % 50` is 0 a {@link Person}, 1..3 an {@link Auction}, 4..49 a
 * {@link Bid}. Persons and auctions are numbered consecutively from 1000; sellers and bidders
 * are mostly the current "hot" person (3 in 4), bids mostly go to the current hot auction (1 in
 * 2), the others are uniform over the 1,000 most recent people / 100 most recent auctions plus
 * 10 ids not yet created. Event time is `baseTime + floor(n * 1e6 / firstEventRate / 1000)`
 * (see {@link NexmarkConfig}). The random choices come from a generator seeded by a hash of
 * (`config.seed`, `n`), like the model's `new Random(eventId)`.
 *
 * **Cost.** O(1): about a dozen 32-bit random draws, one object and one to three string slices
 * of precomputed pools; no validation of `config` (build it with {@link nexmarkConfig}).
 *
 * @param n - the event number, a non-negative safe integer
 * @param config - a validated configuration; {@link DEFAULT_NEXMARK_CONFIG} by default
 * @returns a new event object (persons, auctions and bids each always have the same shape)
 * @throws NexmarkError `INVALID_ARGUMENT` if `n` is not a non-negative safe integer
 *
 * @example
 * ```ts
 * nexmarkEvent(0);  // { type: 'person', id: 1000, name: ..., dateTime: Date.UTC(2026, 0, 1), ... }
 * nexmarkEvent(1);  // { type: 'auction', id: 1000, seller: ..., category: ..., ... }
 * nexmarkEvent(4, nexmarkConfig({ seed: 7 })); // { type: 'bid', auction: ..., bidder: ..., price: ..., ... }
 * ```
 */
export function nexmarkEvent(n: number, config: NexmarkConfig = DEFAULT_NEXMARK_CONFIG): NexmarkEvent {
  if (!(n >= 0 && n <= Number.MAX_SAFE_INTEGER && Math.floor(n) === n)) {
    throw new NexmarkError('INVALID_ARGUMENT', `nexmarkEvent: the event number must be a non-negative safe integer, got ${describeValue(n)}`);
  }
  seedEventRandom(config.seed, n);
  const time = eventTimestamp(n, config);
  const offset = n % TOTAL_PROPORTION;
  if (offset < PERSON_PROPORTION) return nextPerson(lastBase0PersonId(n), time);
  if (offset < PERSON_PROPORTION + AUCTION_PROPORTION) return nextAuction(n, lastBase0AuctionId(n), lastBase0PersonId(n), time, config);
  return nextBid(lastBase0AuctionId(n), lastBase0PersonId(n), time);
}
