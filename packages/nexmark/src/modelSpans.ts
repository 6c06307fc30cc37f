import { AUCTION_PROPORTION, NUM_ACTIVE_PEOPLE, NUM_IN_FLIGHT_AUCTIONS, PERSON_ID_LEAD, TOTAL_PROPORTION } from './modelConstants';
import { DEFAULT_NEXMARK_CONFIG } from './NexmarkConfig';

/**
 * Event-time spans the Nexmark model implies at a given event rate, which the join queries use as
 * bounds. Internal.
 */
export interface ModelSpans {
  /** How far (ms) a seller or bidder may be ahead of the event naming it (PERSON_ID_LEAD persons). */
  readonly personLeadMs: number;
  /** How far (ms) back the generator picks active persons (numActivePeople persons). */
  readonly activePeopleMs: number;
  /** The longest auction the generator makes (ms from `dateTime` to `expires`). */
  readonly maxAuctionMs: number;
}


/** The spans for `eventsPerSecond` events per second of event time (Nexmark's default 10,000). */
export function modelSpans(config?: { readonly firstEventRate?: number }): ModelSpans {
  const msPerEvent = 1000 / (config?.firstEventRate ?? DEFAULT_NEXMARK_CONFIG.firstEventRate);
  const eventsForAuctions = Math.floor((NUM_IN_FLIGHT_AUCTIONS * TOTAL_PROPORTION) / AUCTION_PROPORTION);
  return {
    personLeadMs: Math.ceil((PERSON_ID_LEAD + 1) * TOTAL_PROPORTION * msPerEvent) + 1,
    activePeopleMs: Math.ceil((NUM_ACTIVE_PEOPLE + 1) * TOTAL_PROPORTION * msPerEvent) + 1,
    // nextAuctionLengthMs: 1 + random below 2 * (time of eventsForAuctions events)
    maxAuctionMs: Math.ceil(2 * (eventsForAuctions + 1) * msPerEvent) + 2,
  };
}
