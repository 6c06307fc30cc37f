import { intervalJoin } from '@weir/join';
import { filterRecords, mapRecords } from '@weir/stream';
import { fork } from '../fork';
import { isAuction, isPerson, type Auction, type NexmarkEvent, type Person } from '../model';
import type { NexmarkQuery } from '../NexmarkQuery';
import { modelSpans } from '../modelSpans';

/** What q3 selects. */
export interface LocalItem {
  readonly name: string;
  readonly city: string;
  readonly state: string;
  /** The auction's id. */
  readonly id: number;
}

const STATES = new Set(['OR', 'ID', 'CA']);

/**
 * Nexmark q3, local item suggestion: who is selling in category 10 in Oregon, Idaho or
 * California.
 *
 * ```sql
 * SELECT P.name, P.city, P.state, A.id FROM auction AS A INNER JOIN person AS P ON A.seller = P.id
 * WHERE A.category = 10 AND (P.state = 'OR' OR P.state = 'ID' OR P.state = 'CA')
 * ```
 *
 * The published query is an unbounded regular join: both sides kept forever. weir joins streams
 * within event-time bounds only, so q3 is an {@link intervalJoin} whose bounds cover every seller
 * the Nexmark generator can pick (one of the last `numActivePeople` persons, or up to
 * `PERSON_ID_LEAD` ahead): on Nexmark data it emits exactly the regular join's rows (a test
 * checks this against the unbounded batch join), with state bounded to those persons.
 * O(log m + k) per event, m the rows of one key.
 *
 * @example
 * ```ts
 * events$.pipe(q3.build({ store: () => new InMemoryStore() })); // { name, city, state, id }
 * ```
 */
export const q3: NexmarkQuery<LocalItem> = {
  name: 'q3',
  description: 'local item suggestion: persons in OR/ID/CA joined with their category-10 auctions',
  deviation:
    'Flink runs an unbounded regular join; weir uses an interval join whose bounds cover every seller the generator can pick (the last 1,000 persons or up to 10 ahead), which gives the same rows on Nexmark data with bounded state.',
  build: (ctx) => {
    const spans = modelSpans(ctx.config);
    return (events$) =>
      fork(events$, (shared) =>
        shared.pipe(
          filterRecords((e: NexmarkEvent): e is Person => isPerson(e) && STATES.has(e.state)),
          intervalJoin(shared.pipe(filterRecords((e: NexmarkEvent): e is Auction => isAuction(e) && e.category === 10)), {
            name: 'q3.join',
            store: ctx.store('q3.join'),
            checkpoint: ctx.checkpoint,
            cacheSize: ctx.cacheSize,
            leftKey: (p: Person) => p.id,
            rightKey: (a: Auction) => a.seller,
            // an auction's time minus its seller's: from (seller up to PERSON_ID_LEAD ahead) to
            // (seller numActivePeople behind)
            lowerBound: -spans.personLeadMs,
            upperBound: spans.activePeopleMs,
          }),
          mapRecords(({ left, right }): LocalItem => ({ name: left.name, city: left.city, state: left.state, id: right.id })),
        ),
      );
  },
};
