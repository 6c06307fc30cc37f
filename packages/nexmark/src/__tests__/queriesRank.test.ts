// q18 (dedup keeping the last bid per bidder and auction) and q19 (top 10 bids per auction), each
// against a batch computation of its SQL at two event rates, and crashed and resumed under the
// checkpoint coordinator with exactly the committed output of an uninterrupted run.
import { applyChanges, type Change } from '@weir/stream';
import { nexmarkEvents, type Bid, type NexmarkEvent, type NexmarkQuery, type QueryContext } from '../index';
import { SLOW, crashAndResume } from './crashAndResume';
import { q18 } from '../queries/q18';
import { q19 } from '../queries/q19';
import { runInMemory } from './runInMemory';

jest.setTimeout(60_000);

const bids = (events: readonly NexmarkEvent[]): Bid[] => events.filter((e): e is Bid => e.type === 'bid');
const canon = (rows: readonly unknown[]): string[] => rows.map((r) => JSON.stringify(r)).sort();

/** q18's SQL in batch: per (bidder, auction), the bid with the greatest dateTime (of equals, the later in the stream). */
function q18Batch(events: readonly NexmarkEvent[]): Bid[] {
  const last = new Map<string, Bid>();
  for (const b of bids(events)) {
    const k = `${b.bidder}:${b.auction}`;
    const prev = last.get(k);
    if (prev === undefined || b.dateTime >= prev.dateTime) last.set(k, b);
  }
  return [...last.values()];
}

/** q19's SQL in batch: per auction, the bids by price descending (of equals, the earlier in the stream first), the first ten. */
function q19Batch(events: readonly NexmarkEvent[]): Bid[] {
  const byAuction = new Map<number, Bid[]>();
  for (const b of bids(events)) {
    const list = byAuction.get(b.auction) ?? [];
    list.push(b);
    byAuction.set(b.auction, list);
  }
  return [...byAuction.values()].flatMap((list) => [...list].sort((a, b) => b.price - a.price).slice(0, 10));
}

async function run(query: NexmarkQuery<unknown>, events: readonly NexmarkEvent[], ctx: Partial<QueryContext> = {}): Promise<Change<Bid>[]> {
  return (await runInMemory(query, events, ctx)).rows as Change<Bid>[];
}

/** The result a changelog describes; every row in it once. */
function materialize(changes: readonly Change<Bid>[]): string[] {
  const result = applyChanges(changes, (row) => JSON.stringify(row));
  for (const { count } of result.values()) expect(count).toBe(1);
  return [...result.keys()].sort();
}

const slowEvents = [...nexmarkEvents(40_000, SLOW)];
const fastEvents = [...nexmarkEvents(60_000)];

describe('q18 and q19 equal a batch computation of the published SQL', () => {
  for (const [events, ctx, label] of [
    [slowEvents, { config: SLOW }, '1,000'],
    [fastEvents, {}, '10,000'],
  ] as const) {
    for (const [query, batch] of [
      [q18, q18Batch],
      [q19, q19Batch],
    ] as const) {
      it(`${query.name} at ${label} events/s: its changelog, applied, is the batch result (halfway too at 1,000/s)`, async () => {
        for (const input of label === '1,000' ? [events.slice(0, events.length / 2), events] : [events]) {
          const expected = batch(input);
          const changes = await run(query as NexmarkQuery<unknown>, input, ctx);
          expect(changes.some((c) => c.kind === 'retract')).toBe(true);
          expect(materialize(changes)).toEqual(canon(expected));
        }
      });
    }
  }
});

describe('q18 and q19 under the checkpoint coordinator', () => {
  for (const query of [q18, q19]) {
    it(`${query.name}: crashes and resumes with exactly the uninterrupted committed output`, async () => {
      const { whole, resumed } = await crashAndResume(query as NexmarkQuery<unknown>);
      expect(resumed).toEqual(whole);
      expect(whole.length).toBeGreaterThan(0);
      // and the committed changelog is the batch answer over the source's events
      expect(materialize(resumed as Change<Bid>[])).toEqual(canon((query === q18 ? q18Batch : q19Batch)([...nexmarkEvents(30_000, SLOW)])));
    });
  }
});
