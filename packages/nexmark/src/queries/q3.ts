import { regularJoin } from '@weir/join';
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
 * A {@link regularJoin} as in the SQL (Flink runs it as a regular join too): persons (a table by
 * id: each person is written once) inner-joined with the category-10 auctions (an append stream)
 * on `seller = id`. Both inputs only insert and the join is inner, so the changelog holds inserts
 * only: q3 emits its rows plainly. State is bounded by the join's TTL in event time (Flink's
 * `table.exec.state.ttl`), set to the span in which the Nexmark generator can still name a person
 * as seller (one of the last 1,000 persons, or up to 10 ahead): no row expires while a later event
 * could join it, so on Nexmark data the rows are the unbounded join's (a test checks this against
 * the batch join at two rates). O(log n + k) per event for k matches.
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
    'none in the rows: a regular join as in the SQL, with a state TTL (the span in which the generator can still name a person as seller: the last 1,000 persons or up to 10 ahead) so state stays bounded.',
  build: (ctx) => {
    const spans = modelSpans(ctx.config);
    return (events$) =>
      fork(events$, (shared) =>
        shared.pipe(
          filterRecords((e: NexmarkEvent): e is Person => isPerson(e) && STATES.has(e.state)),
          regularJoin(shared.pipe(filterRecords((e: NexmarkEvent): e is Auction => isAuction(e) && e.category === 10)), {
            name: 'q3.join',
            store: ctx.store('q3.join'),
            checkpoint: ctx.checkpoint,
            cacheSize: ctx.cacheSize,
            left: { key: (p: Person) => p.id, primaryKey: (p: Person) => p.id },
            right: { key: (a: Auction) => a.seller },
            // a person is named as seller until numActivePeople later persons; an auction may
            // name a seller up to PERSON_ID_LEAD persons ahead
            ttl: Math.max(spans.activePeopleMs, spans.personLeadMs),
          }),
          mapRecords(({ row: { left, right } }): LocalItem => ({ name: left.name, city: left.city, state: left.state, id: right.id })),
        ),
      );
  },
};
