// Batch computations of every Nexmark query over a whole input: the reference the streaming
// queries are checked against. Plain loops over arrays, written from the published SQL.
import type { Auction, Bid, NexmarkEvent, Person } from '../index';

const bids = (events: readonly NexmarkEvent[]): Bid[] => events.filter((e): e is Bid => e.type === 'bid');
const persons = (events: readonly NexmarkEvent[]): Person[] => events.filter((e): e is Person => e.type === 'person');
const auctions = (events: readonly NexmarkEvent[]): Auction[] => events.filter((e): e is Auction => e.type === 'auction');
const floorTo = (t: number, size: number): number => t - (((t % size) + size) % size);

export function q0Batch(events: readonly NexmarkEvent[]): unknown[] {
  return bids(events).map((b) => ({ auction: b.auction, bidder: b.bidder, price: b.price, dateTime: b.dateTime, extra: b.extra }));
}

export function q1Batch(events: readonly NexmarkEvent[]): unknown[] {
  return bids(events).map((b) => ({ auction: b.auction, bidder: b.bidder, price: 0.908 * b.price, dateTime: b.dateTime, extra: b.extra }));
}

export function q2Batch(events: readonly NexmarkEvent[]): unknown[] {
  return bids(events)
    .filter((b) => b.auction % 123 === 0)
    .map((b) => ({ auction: b.auction, price: b.price }));
}

/** The unbounded regular join of the published query. */
export function q3Batch(events: readonly NexmarkEvent[]): unknown[] {
  const out: unknown[] = [];
  const ps = persons(events).filter((p) => ['OR', 'ID', 'CA'].includes(p.state));
  for (const a of auctions(events)) {
    if (a.category !== 10) continue;
    for (const p of ps) if (p.id === a.seller) out.push({ name: p.name, city: p.city, state: p.state, id: a.id });
  }
  return out;
}

/** Final average closing price per category. */
export function q4Batch(events: readonly NexmarkEvent[]): Map<number, number> {
  const bs = bids(events);
  const byCategory = new Map<number, number[]>();
  for (const a of auctions(events)) {
    let max = -Infinity;
    for (const b of bs) if (b.auction === a.id && b.dateTime >= a.dateTime && b.dateTime <= a.expires && b.price > max) max = b.price;
    if (max === -Infinity) continue;
    const list = byCategory.get(a.category) ?? [];
    list.push(max);
    byCategory.set(a.category, list);
  }
  return new Map([...byCategory].map(([c, prices]) => [c, prices.reduce((s, p) => s + p, 0) / prices.length]));
}

export function q5Batch(events: readonly NexmarkEvent[]): unknown[] {
  const counts = new Map<number, Map<number, number>>(); // window start -> auction -> bids
  for (const b of bids(events)) {
    // every 10 s window sliding by 2 s that holds b
    for (let start = floorTo(b.dateTime, 2_000); start > b.dateTime - 10_000; start -= 2_000) {
      const w = counts.get(start) ?? new Map<number, number>();
      w.set(b.auction, (w.get(b.auction) ?? 0) + 1);
      counts.set(start, w);
    }
  }
  const out: unknown[] = [];
  for (const [start, w] of counts) {
    const max = Math.max(...w.values());
    for (const [auction, num] of w) if (num >= max) out.push({ auction, num, windowStart: start, windowEnd: start + 10_000 });
  }
  return out;
}

export function q7Batch(events: readonly NexmarkEvent[]): unknown[] {
  const windows = new Map<number, Bid[]>();
  for (const b of bids(events)) {
    const start = floorTo(b.dateTime, 10_000);
    const list = windows.get(start) ?? [];
    list.push(b);
    windows.set(start, list);
  }
  const out: unknown[] = [];
  for (const ws of windows.values()) {
    const max = Math.max(...ws.map((b) => b.price));
    for (const b of ws) if (b.price === max) out.push({ auction: b.auction, bidder: b.bidder, price: b.price, dateTime: b.dateTime, extra: b.extra });
  }
  return out;
}

export function q8Batch(events: readonly NexmarkEvent[]): unknown[] {
  const sellers = new Set(auctions(events).map((a) => `${a.seller}@${floorTo(a.dateTime, 10_000)}`));
  return persons(events)
    .filter((p) => sellers.has(`${p.id}@${floorTo(p.dateTime, 10_000)}`))
    .map((p) => ({ id: p.id, name: p.name, starttime: floorTo(p.dateTime, 10_000) }));
}

export function q11Batch(events: readonly NexmarkEvent[]): unknown[] {
  const times = new Map<number, number[]>();
  for (const b of bids(events)) {
    const list = times.get(b.bidder) ?? [];
    list.push(b.dateTime);
    times.set(b.bidder, list);
  }
  const out: unknown[] = [];
  for (const [bidder, ts] of times) {
    ts.sort((x, y) => x - y);
    let start = ts[0]!;
    let n = 0;
    for (let i = 0; i < ts.length; i++) {
      n++;
      const next = ts[i + 1];
      // bids less than the gap apart share a session
      if (next === undefined || next - ts[i]! >= 10_000) {
        out.push({ bidder, bidCount: n, starttime: start, endtime: ts[i]! + 10_000 });
        if (next !== undefined) start = next;
        n = 0;
      }
    }
  }
  return out;
}

export function q12Batch(events: readonly NexmarkEvent[]): unknown[] {
  const counts = new Map<string, number>();
  for (const b of bids(events)) {
    const key = `${b.bidder}@${floorTo(b.dateTime, 10_000)}`;
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return [...counts].map(([key, bidCount]) => {
    const [bidder, start] = key.split('@').map(Number) as [number, number];
    return { bidder, bidCount, starttime: start, endtime: start + 10_000 };
  });
}
