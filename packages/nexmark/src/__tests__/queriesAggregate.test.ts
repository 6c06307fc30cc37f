// Nexmark q6, q15, q16 and q17 (issue 19: row-based and distinct aggregation) against a batch
// computation of their SQL at two event rates, across a UTC day boundary, and crashed and resumed
// under the checkpoint coordinator (docs/architecture.md §4).
import { NEXMARK_QUERIES, nexmarkEvents, type Auction, type Bid, type NexmarkEvent, type NexmarkQuery, type QueryContext } from '../index';
import { SLOW, crashAndResume } from './crashAndResume';
import { Q6_ROWS } from '../queries/q6';
import { runInMemory } from './runInMemory';

// Compute-bound checks over tens of thousands of events: seconds, more on a shared machine.
jest.setTimeout(60_000);

const canon = (rows: readonly unknown[]): string[] => rows.map((r) => JSON.stringify(r)).sort();

const byName = (name: string): NexmarkQuery<unknown> => {
  const q = NEXMARK_QUERIES.find((x) => x.name === name);
  if (q === undefined) throw new Error(`no query ${name}`);
  return q;
};

/** Stores that keep state past the end of input: q6's last rows per seller (an OVER window keeps them). */
const KEEPS_STATE = new Set(['q6.average']);

async function run(query: NexmarkQuery<unknown>, events: readonly NexmarkEvent[], ctx: Partial<QueryContext> = {}): Promise<unknown[]> {
  const { rows, stores } = await runInMemory(query, events, ctx);
  // at the end of the input every window has fired and every join row expired
  for (const [name, s] of stores) if (!KEEPS_STATE.has(name)) expect(s.len()).toBeLessThanOrEqual(2);
  return rows;
}

// ---- batch computations of the SQL ----

const bidsOf = (events: readonly NexmarkEvent[]): Bid[] => events.filter((e): e is Bid => e.type === 'bid');
const day = (t: number): string => new Date(t).toISOString().slice(0, 10);
const minute = (t: number): string => new Date(t).toISOString().slice(11, 16);
const rank = (price: number): number => (price < 10_000 ? 1 : price < 1_000_000 ? 2 : 3);

/** Groups `xs` by `keyOf` (a string), in first-seen order. */
function groupBy<T>(xs: readonly T[], keyOf: (x: T) => string): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const x of xs) {
    const k = keyOf(x);
    const list = out.get(k);
    if (list === undefined) out.set(k, [x]);
    else list.push(x);
  }
  return out;
}

/** q6: the winning bid of every auction, then per seller, in order of close (then id), the mean of the last 10. */
function q6Batch(events: readonly NexmarkEvent[]): unknown[] {
  const auctions = events.filter((e): e is Auction => e.type === 'auction');
  const bids = groupBy(bidsOf(events), (b) => String(b.auction));
  const sales: Array<{ auction: number; seller: number; price: number; expires: number }> = [];
  for (const a of auctions) {
    const prices = (bids.get(String(a.id)) ?? []).filter((b) => b.dateTime >= a.dateTime && b.dateTime <= a.expires).map((b) => b.price);
    if (prices.length > 0) sales.push({ auction: a.id, seller: a.seller, price: Math.max(...prices), expires: a.expires });
  }
  const rows: unknown[] = [];
  for (const mine of groupBy(sales, (s) => String(s.seller)).values()) {
    mine.sort((x, y) => x.expires - y.expires || x.auction - y.auction);
    for (let i = 0; i < mine.length; i++) {
      const last = mine.slice(Math.max(0, i - Q6_ROWS + 1), i + 1);
      let sum = 0;
      for (const s of last) sum += s.price;
      rows.push({ seller: mine[i]!.seller, auction: mine[i]!.auction, price: mine[i]!.price, average: sum / last.length, auctions: last.length });
    }
  }
  return rows;
}

/** The 12 counts of q15 over a group of bids. */
function statistics(bids: readonly Bid[]): Record<string, number> {
  const inRank = (r: number) => bids.filter((b) => rank(b.price) === r);
  const distinct = (bs: readonly Bid[], f: (b: Bid) => number): number => new Set(bs.map(f)).size;
  const out: Record<string, number> = { totalBids: bids.length };
  for (const r of [1, 2, 3]) out[`rank${r}Bids`] = inRank(r).length;
  out['totalBidders'] = distinct(bids, (b) => b.bidder);
  for (const r of [1, 2, 3]) out[`rank${r}Bidders`] = distinct(inRank(r), (b) => b.bidder);
  out['totalAuctions'] = distinct(bids, (b) => b.auction);
  for (const r of [1, 2, 3]) out[`rank${r}Auctions`] = distinct(inRank(r), (b) => b.auction);
  return out;
}

function q15Batch(events: readonly NexmarkEvent[]): unknown[] {
  return [...groupBy(bidsOf(events), (b) => day(b.dateTime))].map(([d, bids]) => ({ day: d, ...statistics(bids) }));
}

function q16Batch(events: readonly NexmarkEvent[]): unknown[] {
  return [...groupBy(bidsOf(events), (b) => `${b.channel}|${day(b.dateTime)}`).values()].map((bids) => ({
    channel: bids[0]!.channel,
    day: day(bids[0]!.dateTime),
    minute: bids.map((b) => minute(b.dateTime)).reduce((a, b) => (b > a ? b : a)),
    ...statistics(bids),
  }));
}

function q17Batch(events: readonly NexmarkEvent[]): unknown[] {
  return [...groupBy(bidsOf(events), (b) => `${b.auction}|${day(b.dateTime)}`).values()].map((bids) => {
    const prices = bids.map((b) => b.price);
    const sum = prices.reduce((a, b) => a + b, 0);
    return {
      auction: bids[0]!.auction,
      day: day(bids[0]!.dateTime),
      totalBids: bids.length,
      rank1Bids: prices.filter((p) => rank(p) === 1).length,
      rank2Bids: prices.filter((p) => rank(p) === 2).length,
      rank3Bids: prices.filter((p) => rank(p) === 3).length,
      minPrice: Math.min(...prices),
      maxPrice: Math.max(...prices),
      avgPrice: sum / bids.length,
      sumPrice: sum,
    };
  });
}

const ORACLES: Record<string, (events: readonly NexmarkEvent[]) => unknown[]> = { q6: q6Batch, q15: q15Batch, q16: q16Batch, q17: q17Batch };

// Both runs cross midnight UTC, so every per-day query closes two days.
const MIDNIGHT = Date.UTC(2026, 0, 2);
const slowEvents = [...nexmarkEvents(40_000, { ...SLOW, baseTime: MIDNIGHT - 20_000 })];
const fastEvents = [...nexmarkEvents(60_000, { baseTime: MIDNIGHT - 3_000 })];

describe('Nexmark q6, q15, q16, q17 equal a batch computation of their SQL', () => {
  for (const [name, oracle] of Object.entries(ORACLES)) {
    for (const [events, ctx, label] of [
      [slowEvents, { config: SLOW }, '1,000'],
      [fastEvents, {}, '10,000'],
    ] as const) {
      it(`${name} at ${label} events/s`, async () => {
        const expected = oracle(events);
        expect(expected.length).toBeGreaterThan(1);
        const rows = await run(byName(name), events, ctx);
        expect(canon(rows)).toEqual(canon(expected));
      });
    }
  }

  it('the per-day queries close both days of a run across midnight', async () => {
    const rows = (await run(byName('q15'), slowEvents, { config: SLOW })) as Array<{ day: string }>;
    expect(rows.map((r) => r.day).sort()).toEqual(['2026-01-01', '2026-01-02']);
  });

  it('q6 averages at most 10 auctions, and some seller reaches 10', async () => {
    const rows = (await run(byName('q6'), slowEvents, { config: SLOW })) as Array<{ auctions: number }>;
    expect(Math.max(...rows.map((r) => r.auctions))).toBe(Q6_ROWS);
  });

  it('gives the same rows with a write-back cache', async () => {
    for (const name of Object.keys(ORACLES)) {
      const plain = await run(byName(name), slowEvents, { config: SLOW });
      const cached = await run(byName(name), slowEvents, { config: SLOW, cacheSize: 100 });
      expect(canon(cached)).toEqual(canon(plain));
    }
  });
});

describe('Nexmark q6, q15, q16, q17 under the checkpoint coordinator', () => {
  for (const name of Object.keys(ORACLES)) {
    it(`${name}: crashes and resumes with exactly the uninterrupted committed output`, async () => {
      const query = byName(name);
      const { whole, resumed } = await crashAndResume(query, { baseTime: MIDNIGHT - 15_000 });
      expect(resumed).toEqual(whole);
      expect(whole.length).toBeGreaterThan(0);
    });
  }
});
