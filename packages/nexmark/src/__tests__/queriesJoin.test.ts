// q3 (local item suggestion) and q20 (expand bid with auction), both regular joins with a state
// TTL: each against a batch computation of its SQL (the unbounded join) at two event rates, and
// crashed and resumed under the checkpoint coordinator with exactly the committed output of an
// uninterrupted run.
import { nexmarkEvents, type Auction, type Bid, type NexmarkEvent, type NexmarkQuery, type Person, type QueryContext } from '../index';
import { SLOW, crashAndResume } from './crashAndResume';
import { NEXMARK_QUERIES } from '../nexmarkQueries';
import { q3 } from '../queries/q3';
import { q20 } from '../queries/q20';
import { runInMemory } from './runInMemory';

jest.setTimeout(60_000);

const canon = (rows: readonly unknown[]): string[] => rows.map((r) => JSON.stringify(r)).sort();
const persons = (events: readonly NexmarkEvent[]): Person[] => events.filter((e): e is Person => e.type === 'person');
const auctions = (events: readonly NexmarkEvent[]): Auction[] => events.filter((e): e is Auction => e.type === 'auction');
const bids = (events: readonly NexmarkEvent[]): Bid[] => events.filter((e): e is Bid => e.type === 'bid');

/** q3's SQL in batch: every (person in OR/ID/CA, category-10 auction it sells), both sides kept for ever. */
function q3Batch(events: readonly NexmarkEvent[]): unknown[] {
  const byId = new Map<number, Person[]>();
  for (const p of persons(events)) if (['OR', 'ID', 'CA'].includes(p.state)) byId.set(p.id, [...(byId.get(p.id) ?? []), p]);
  return auctions(events)
    .filter((a) => a.category === 10)
    .flatMap((a) => (byId.get(a.seller) ?? []).map((p) => ({ name: p.name, city: p.city, state: p.state, id: a.id })));
}

/** q20's SQL in batch: every (bid, its category-10 auction). */
function q20Batch(events: readonly NexmarkEvent[]): unknown[] {
  const byId = new Map<number, Auction>();
  for (const a of auctions(events)) if (a.category === 10) byId.set(a.id, a);
  return bids(events).flatMap((b) => {
    const a = byId.get(b.auction);
    if (a === undefined) return [];
    return [
      {
        auction: b.auction,
        bidder: b.bidder,
        price: b.price,
        channel: b.channel,
        url: b.url,
        dateTime: b.dateTime,
        extra: b.extra,
        itemName: a.itemName,
        description: a.description,
        initialBid: a.initialBid,
        reserve: a.reserve,
        auctionDateTime: a.dateTime,
        expires: a.expires,
        seller: a.seller,
        category: a.category,
        auctionExtra: a.extra,
      },
    ];
  });
}

const slowEvents = [...nexmarkEvents(40_000, SLOW)];
const fastEvents = [...nexmarkEvents(60_000)];
const cases: Array<[NexmarkQuery<unknown>, (events: readonly NexmarkEvent[]) => unknown[]]> = [
  [q3 as NexmarkQuery<unknown>, q3Batch],
  [q20 as NexmarkQuery<unknown>, q20Batch],
];

async function run(query: NexmarkQuery<unknown>, events: readonly NexmarkEvent[], ctx: Partial<QueryContext> = {}): Promise<{ rows: unknown[]; entries: number }> {
  const { rows, stores } = await runInMemory(query, events, ctx);
  return { rows, entries: stores.reduce((n, [, s]) => n + s.len(), 0) };
}

describe('q3 and q20 (regular joins) equal a batch computation of the published SQL', () => {
  it('both are registered, in query order', () => {
    const names = NEXMARK_QUERIES.map((q) => q.name);
    expect(names).toContain('q3');
    expect(names).toContain('q20');
    const order = names.map((n) => Number(n.slice(1)));
    expect(order).toEqual([...order].sort((a, b) => a - b));
  });

  for (const [events, ctx, label] of [
    [slowEvents, { config: SLOW }, '1,000'],
    [fastEvents, {}, '10,000'],
  ] as const) {
    for (const [query, batch] of cases) {
      it(`${query.name} at ${label} events/s: its rows are the unbounded join's, and at the end every row has expired`, async () => {
        const expected = batch(events);
        expect(expected.length).toBeGreaterThan(10);
        const { rows, entries } = await run(query, events, ctx);
        expect(canon(rows)).toEqual(canon(expected));
        // the end of input is the end of event time: every row's TTL has passed (the store keeps
        // at most the expiry counts)
        expect(entries).toBeLessThanOrEqual(2);
      });
    }
  }

  it('a TTL narrower than the generator\'s span would lose rows (the check can fail)', async () => {
    // the slow rate's spans are 10x the fast rate's: a wider TTL changes nothing, a narrower one
    // drops persons before their auctions come
    const wide = await run(q3 as NexmarkQuery<unknown>, fastEvents, { config: SLOW });
    expect(canon(wide.rows)).toEqual(canon(q3Batch(fastEvents)));
    const narrow = await run(q3 as NexmarkQuery<unknown>, slowEvents, {});
    expect(narrow.rows.length).toBeLessThan(q3Batch(slowEvents).length);
  });
});

describe('q3 and q20 under the checkpoint coordinator', () => {
  for (const [query, batch] of cases) {
    it(`${query.name}: crashes and resumes with exactly the uninterrupted committed output`, async () => {
      const { whole, resumed } = await crashAndResume(query);
      expect(resumed).toEqual(whole);
      expect(canon(resumed)).toEqual(canon(batch([...nexmarkEvents(30_000, SLOW)])));
    });
  }
});
