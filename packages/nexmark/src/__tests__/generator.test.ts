import { createHash } from 'crypto';
import fc from 'fast-check';
import type { Json, Source } from '@weir/checkpoint';
import {
  DEFAULT_NEXMARK_CONFIG,
  NexmarkError,
  eventTime,
  nexmarkConfig,
  nexmarkEvent,
  nexmarkEvents,
  nexmarkSource,
  type Auction,
  type Bid,
  type NexmarkEvent,
  type Person,
} from '../index';
import { nextUint32, seedEventRandom } from '../eventRandom';
import { lastBase0AuctionId } from '../lastBase0AuctionId';
import { lastBase0PersonId } from '../lastBase0PersonId';
import { nextPrice } from '../nextPrice';

const COUNT = 100_000;
/** The default stream, generated once for the statistical tests. */
const events: readonly NexmarkEvent[] = [...nexmarkEvents(COUNT)];
const persons = events.filter((e): e is Person => e.type === 'person');
const auctions = events.filter((e): e is Auction => e.type === 'auction');
const bids = events.filter((e): e is Bid => e.type === 'bid');

/** The model's idealised size: 8 bytes per number (id / price / time ...), 1 per character. */
function modelSize(e: NexmarkEvent): number {
  switch (e.type) {
    case 'person':
      return 8 + e.name.length + e.emailAddress.length + e.creditCard.length + e.city.length + e.state.length + e.extra.length;
    case 'auction':
      return 8 + e.itemName.length + e.description.length + 5 * 8 + e.extra.length;
    case 'bid':
      return 4 * 8 + e.extra.length;
  }
}

const mean = (xs: readonly number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;

function thrown(fn: () => unknown): Error {
  try {
    fn();
  } catch (err) {
    return err as Error;
  }
  throw new Error('expected an error');
}

async function readAll(source: Source<NexmarkEvent>, offset: Json | undefined, batch: number): Promise<NexmarkEvent[]> {
  const reader = await source.open(offset);
  const out: NexmarkEvent[] = [];
  for (;;) {
    const values = await reader.read(batch);
    if (values.length === 0) return out;
    out.push(...values);
  }
}

describe('nexmarkEvent / nexmarkEvents', () => {
  it('is pinned: the default stream never changes silently (benchmarks and resumed checkpoints rely on it)', () => {
    const hash = createHash('sha256');
    for (const e of events.slice(0, 1000)) hash.update(`${JSON.stringify(e)}\n`);
    expect(hash.digest('hex')).toBe('16d65e0455f058daf21e091a860d6f0ab068ecd4842314e34cff93f173b177bd');
    expect(events[0]).toMatchObject({ type: 'person', id: 1000, dateTime: Date.UTC(2026, 0, 1) });
  });

  it('is deterministic: the same seed gives the same events, another seed other choices on the same skeleton', () => {
    const a = [...nexmarkEvents(2_000, { seed: 7 })];
    expect([...nexmarkEvents(2_000, { seed: 7 })]).toEqual(a);
    for (const seed of [8, -7, 2 ** 40, 2 ** 40 + 2 ** 32]) {
      const b = [...nexmarkEvents(2_000, { seed })];
      // ids, types and times do not depend on the seed
      expect(b.map((e) => [e.type, e.dateTime, e.type === 'bid' ? 0 : e.id])).toEqual(a.map((e) => [e.type, e.dateTime, e.type === 'bid' ? 0 : e.id]));
      const differing = b.filter((e, i) => JSON.stringify(e) !== JSON.stringify(a[i])).length;
      expect(differing).toBeGreaterThan(1_990);
    }
  });

  it('random access equals sequential generation, whatever the order or the starting point', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: COUNT - 1 }), (n) => {
        expect(nexmarkEvent(n)).toEqual(events[n]);
        expect(nexmarkEvent(n, DEFAULT_NEXMARK_CONFIG)).toEqual(events[n]);
      }),
      { numRuns: 300 },
    );
    expect([...nexmarkEvents(500, undefined, 12_345)]).toEqual(events.slice(12_345, 12_845));
    const far = 2 ** 40 + 17;
    expect([...nexmarkEvents(3, { seed: 3 }, far)]).toEqual([far, far + 1, far + 2].map((n) => nexmarkEvent(n, nexmarkConfig({ seed: 3 }))));
  });

  it('has exactly 1 person, 3 auctions and 46 bids in every 50 events, in that order', () => {
    const expected = ['person', 'auction', 'auction', 'auction', ...Array<string>(46).fill('bid')];
    for (let epoch = 0; epoch < COUNT / 50; epoch++) {
      const types = events.slice(epoch * 50, epoch * 50 + 50).map((e) => e.type);
      if (types.join() !== expected.join()) throw new Error(`epoch ${epoch}: ${types.join()}`);
    }
    expect([persons.length, auctions.length, bids.length]).toEqual([COUNT / 50, (3 * COUNT) / 50, (46 * COUNT) / 50]);
  });

  it('numbers persons and auctions consecutively from 1000, as lastBase0PersonId / lastBase0AuctionId', () => {
    expect(persons.map((p) => p.id)).toEqual(persons.map((_, i) => 1000 + i));
    expect(auctions.map((a) => a.id)).toEqual(auctions.map((_, i) => 1000 + i));
    events.forEach((e, n) => {
      if (e.type === 'person' && e.id !== 1000 + lastBase0PersonId(n)) throw new Error(`person event ${n}`);
      if (e.type === 'auction' && e.id !== 1000 + lastBase0AuctionId(n)) throw new Error(`auction event ${n}`);
    });
    expect([0, 1, 49, 50, 51, 99, 100].map(lastBase0PersonId)).toEqual([0, 0, 0, 1, 1, 1, 2]);
    expect([0, 1, 2, 3, 4, 49, 50, 51, 54].map(lastBase0AuctionId)).toEqual([-1, 0, 1, 2, 2, 2, 2, 3, 5]);
  });

  it('gives times that never decrease and follow the rate: baseTime + floor(n * 1e6 / rate / 1000)', () => {
    events.forEach((e, n) => {
      if (e.dateTime !== Date.UTC(2026, 0, 1) + Math.floor(n / 10)) throw new Error(`event ${n} at ${e.dateTime}`);
      if (eventTime(e) !== e.dateTime) throw new Error('eventTime');
    });
    for (const [firstEventRate, baseTime] of [[3, 0], [1_000, 5], [1_000_000, Date.UTC(2020, 1, 2)], [12_345.5, 1]] as const) {
      const config = nexmarkConfig({ firstEventRate, baseTime });
      let last = -Infinity;
      for (let n = 0; n < 3_000; n += 7) {
        const t = nexmarkEvent(n, config).dateTime;
        expect(t).toBe(baseTime + Math.floor(Math.floor(n * (1e6 / firstEventRate)) / 1000));
        expect(t).toBeGreaterThanOrEqual(last);
        last = t;
      }
    }
    // 10,000 events per second of event time by default
    expect(events[COUNT - 1]!.dateTime - events[0]!.dateTime).toBe(9_999);
  });

  it('references only persons and auctions that exist or lie within the model lead of 10 ids', () => {
    let existing = 0;
    events.forEach((e, n) => {
      const lastPerson = 1000 + lastBase0PersonId(n);
      const lastAuction = 1000 + lastBase0AuctionId(n);
      const refs: [number, number][] =
        e.type === 'auction' ? [[e.seller, lastPerson]] : e.type === 'bid' ? [[e.bidder, lastPerson], [e.auction, lastAuction]] : [];
      for (const [id, last] of refs) {
        if (!(Number.isInteger(id) && id >= 1000 && id <= last + 10)) throw new Error(`event ${n} refers to ${id}, last created ${last}`);
        if (id <= last) existing++;
      }
      // a random pick ranges over the 1,000 most recent people / 100 most recent auctions
      if (e.type === 'bid' && (e.bidder < lastPerson - 1000 || e.auction < lastAuction - 100)) throw new Error(`event ${n} refers to an old id`);
    });
    expect(existing / (auctions.length + 2 * bids.length)).toBeGreaterThan(0.95);
  });

  it('skews toward hot auctions, bidders and sellers as the model does (1/2, 3/4, 3/4)', () => {
    const sample = bids.slice(0, 20_000);
    const indexOf = new Map(events.map((e, n) => [e, n]));
    const hotAuction = sample.filter((b) => b.auction === 1000 + Math.floor(lastBase0AuctionId(indexOf.get(b)!) / 100) * 100).length / sample.length;
    const hotBidder = sample.filter((b) => b.bidder === 1001 + Math.floor(lastBase0PersonId(indexOf.get(b)!) / 100) * 100).length / sample.length;
    // auction id 1000 + 3 * epoch + i is created in epoch `epoch`, where the last person is `epoch`
    const hotSeller = auctions.filter((a) => a.seller === 1000 + Math.floor(Math.floor((a.id - 1000) / 3) / 100) * 100).length / auctions.length;
    expect(hotAuction).toBeGreaterThan(0.48);
    expect(hotAuction).toBeLessThan(0.56);
    expect(hotBidder).toBeGreaterThan(0.73);
    expect(hotBidder).toBeLessThan(0.79);
    expect(hotSeller).toBeGreaterThan(0.72);
    expect(hotSeller).toBeLessThan(0.8);
    // within one batch of 100 auctions, about half of all bids go to a single auction
    const counts = new Map<number, number>();
    const early = bids.filter((b) => b.dateTime < Date.UTC(2026, 0, 1) + 160);
    for (const b of early) counts.set(b.auction, (counts.get(b.auction) ?? 0) + 1);
    expect(Math.max(...counts.values()) / early.length).toBeGreaterThan(0.45);
  });

  it('draws categories 10..14, prices log-uniform over $1 .. $1M and expiries after the auction opens', () => {
    const categories = new Set(auctions.map((a) => a.category));
    expect([...categories].sort()).toEqual([10, 11, 12, 13, 14]);
    const prices = [...bids.map((b) => b.price), ...auctions.map((a) => a.initialBid)];
    expect(prices.every((p) => Number.isInteger(p) && p >= 100 && p <= 100_000_000)).toBe(true);
    // log-uniform: half the prices below 10^3 dollars, a sixth per decade
    expect(prices.filter((p) => p < 100_000).length / prices.length).toBeCloseTo(0.5, 1);
    expect(prices.filter((p) => p < 1_000).length / prices.length).toBeCloseTo(1 / 6, 1);
    for (const a of auctions) {
      if (!(a.reserve > a.initialBid)) throw new Error(`auction ${a.id}: reserve ${a.reserve} <= initial bid ${a.initialBid}`);
      // 1 .. 2 x the time until 100 more auctions (1,666 events: 166 ms at 10,000 events/s)
      if (!(a.expires > a.dateTime && a.expires <= a.dateTime + 1 + 2 * 167)) throw new Error(`auction ${a.id}: expires ${a.expires}`);
    }
  });

  it('computes prices as round(10^(6u) * 100), to the cent', () => {
    let exact = 0;
    for (let n = 0; n < 20_000; n++) {
      seedEventRandom(1, n);
      const u = nextUint32() / 2 ** 32;
      seedEventRandom(1, n);
      const price = nextPrice();
      const expected = Math.round(Math.pow(10, u * 6) * 100);
      if (Math.abs(price - expected) > 1) throw new Error(`u = ${u}: price ${price}, expected ${expected}`);
      if (price === expected) exact++;
    }
    expect(exact).toBeGreaterThan(19_990);
  });

  it('draws strings from the model: states, cities, names, cards, emails, channels and URLs', () => {
    const states = new Set(persons.map((p) => p.state));
    expect([...states].sort()).toEqual(['AZ', 'CA', 'ID', 'OR', 'WA', 'WY']);
    expect(new Set(persons.map((p) => p.city)).size).toBe(10);
    expect(new Set(persons.map((p) => p.name)).size).toBe(99);
    const trimmed = /^([a-z]([a-z ]*[a-z])?)?$/; // the model's nextString: letters and spaces, trimmed
    expect(persons.filter((p) => !/^[A-Z][a-z]+ [A-Z][a-z]+$/.test(p.name))).toEqual([]);
    expect(persons.filter((p) => !/^\d{4} \d{4} \d{4} \d{4}$/.test(p.creditCard))).toEqual([]);
    expect(persons.filter((p) => !/^([a-z]([a-z ]*[a-z])?)?@([a-z]([a-z ]*[a-z])?)?\.com$/.test(p.emailAddress))).toEqual([]);
    expect(persons.filter((p) => p.emailAddress.split('@')[0]!.length > 6 || p.emailAddress.length > 6 + 1 + 4 + 4)).toEqual([]);
    expect(auctions.filter((a) => !trimmed.test(a.itemName) || a.itemName.length >= 20)).toEqual([]);
    expect(auctions.filter((a) => !trimmed.test(a.description) || a.description.length >= 100)).toEqual([]);
    expect(new Set(persons.map((p) => p.emailAddress)).size).toBeGreaterThan(1_900);
    const channels = new Map<string, number>();
    for (const b of bids) channels.set(b.channel, (channels.get(b.channel) ?? 0) + 1);
    const hot = ['Google', 'Facebook', 'Baidu', 'Apple'].reduce((sum, c) => sum + (channels.get(c) ?? 0), 0);
    expect(hot / bids.length).toBeCloseTo(0.5, 1);
    expect([...channels.keys()].every((c) => /^(Google|Facebook|Baidu|Apple|channel-\d{1,4})$/.test(c))).toBe(true);
    expect(channels.size).toBeGreaterThan(9_000);
    expect(bids.every((b) => /^https:\/\/www\.nexmark\.com\/[a-z_]+\/[a-z_]+\/[a-z_]+\/item\.htm\?query=1(&channel_id=\d+)?$/.test(b.url))).toBe(true);
    // a channel always has the same URL
    const urlOf = new Map<string, string>();
    for (const b of bids) {
      if ((urlOf.get(b.channel) ?? b.url) !== b.url) throw new Error(`channel ${b.channel} has two URLs`);
      urlOf.set(b.channel, b.url);
    }
  });

  it('pads extra so that average sizes, as the model counts them, are 200 / 500 / 100 bytes', () => {
    expect(mean(persons.map(modelSize)) / 200).toBeCloseTo(1, 1);
    expect(mean(auctions.map(modelSize)) / 500).toBeCloseTo(1, 1);
    expect(mean(bids.map(modelSize)) / 100).toBeCloseTo(1, 1);
    for (const [xs, avg] of [[persons, 200], [auctions, 500], [bids, 100]] as const) {
      expect(Math.abs(mean(xs.map(modelSize)) - avg) / avg).toBeLessThan(0.2);
      expect(xs.every((e) => /^[a-z]*$/.test(e.extra))).toBe(true);
    }
    // the JSON encoding adds field names, quotes, `type`, `channel` and `url`, which the model does not count
    const json = (xs: readonly NexmarkEvent[]): number => mean(xs.slice(0, 5_000).map((e) => JSON.stringify(e).length));
    expect(json(persons)).toBeGreaterThan(200);
    expect(json(auctions)).toBeGreaterThan(500);
    expect(json(bids)).toBeGreaterThan(100);
  });

  it('builds every event of a type with the same properties in the same order', () => {
    const keys = (e: NexmarkEvent): string => Object.keys(e).join();
    expect(keys(persons[0]!)).toBe('type,id,name,emailAddress,creditCard,city,state,dateTime,extra');
    expect(keys(auctions[0]!)).toBe('type,id,itemName,description,initialBid,reserve,dateTime,expires,seller,category,extra');
    expect(keys(bids[0]!)).toBe('type,auction,bidder,price,channel,url,dateTime,extra');
    for (const xs of [persons, auctions, bids]) expect(new Set(xs.map(keys)).size).toBe(1);
  });

  it('streams lazily, even endlessly', () => {
    const endless = nexmarkEvents(Infinity, { seed: 5 }, 1_000);
    expect(endless[Symbol.iterator]()).toBe(endless);
    expect(endless.next().value).toEqual(nexmarkEvent(1_000, nexmarkConfig({ seed: 5 })));
    expect(endless.next().value).toEqual(nexmarkEvent(1_001, nexmarkConfig({ seed: 5 })));
    expect([...nexmarkEvents(0)]).toEqual([]);
    const two = nexmarkEvents(2);
    two.next();
    two.next();
    expect(two.next()).toEqual({ done: true, value: undefined });
  });

  it('rejects bad event numbers and arguments with errors naming them', () => {
    for (const n of [-1, 1.5, NaN, Infinity, 2 ** 53]) {
      const err = thrown(() => nexmarkEvent(n));
      expect(err).toBeInstanceOf(NexmarkError);
      expect((err as NexmarkError).code).toBe('INVALID_ARGUMENT');
      expect(err.message).toBe(`nexmarkEvent: the event number must be a non-negative safe integer, got number ${n}`);
    }
    expect(thrown(() => nexmarkEvents(-1)).message).toBe('nexmarkEvents: `count` must be a non-negative integer or Infinity, got number -1');
    expect(thrown(() => nexmarkEvents(10, {}, 0.5)).message).toBe('nexmarkEvents: `from` must be a non-negative safe integer, got number 0.5');
    expect(thrown(() => nexmarkEvents(10, { seed: 0.5 }))).toMatchObject({ name: 'NexmarkError', code: 'INVALID_ARGUMENT' });
    expect(thrown(() => nexmarkEvents('10' as never))).toMatchObject({
      code: 'INVALID_ARGUMENT',
      message: 'nexmarkEvents: `count` and `from` must be numbers, got string "10" and number 0',
    });
  });
});

describe('nexmarkConfig', () => {
  it('fills in the documented defaults and freezes the result', () => {
    expect(DEFAULT_NEXMARK_CONFIG).toEqual({ seed: 0, baseTime: Date.UTC(2026, 0, 1), firstEventRate: 10_000 });
    expect(nexmarkConfig()).toEqual(DEFAULT_NEXMARK_CONFIG);
    const config = nexmarkConfig({ seed: -3, firstEventRate: 0.5, baseTime: undefined });
    expect(config).toEqual({ seed: -3, baseTime: Date.UTC(2026, 0, 1), firstEventRate: 0.5 });
    expect(Object.isFrozen(config)).toBe(true);
    expect(Object.isFrozen(DEFAULT_NEXMARK_CONFIG)).toBe(true);
  });

  it('names the option and the value of an invalid configuration', () => {
    const cases: [Record<string, unknown>, string][] = [
      [{ seed: 1.5 }, 'nexmarkConfig: option `seed` must be a safe integer, got number 1.5'],
      [{ seed: '1' }, 'nexmarkConfig: option `seed` must be a safe integer, got string "1"'],
      [{ seed: 2 ** 53 }, 'option `seed` must be a safe integer, got number 9007199254740992'],
      [{ baseTime: NaN }, 'nexmarkConfig: option `baseTime` must be a safe integer (epoch ms), got number NaN'],
      [{ firstEventRate: -5 }, 'nexmarkConfig: option `firstEventRate` must be a positive finite number of events per second, got number -5'],
      [{ firstEventRate: 0 }, 'got number 0'],
      [{ firstEventRate: Infinity }, 'got number Infinity'],
      [{ firstEventRate: NaN }, 'got number NaN'],
      [{ firstEventRate: '10' }, 'option `firstEventRate` must be a number of events per second, got string "10"'],
    ];
    for (const [options, message] of cases) {
      const err = thrown(() => nexmarkConfig(options as never));
      expect(err).toBeInstanceOf(NexmarkError);
      expect((err as NexmarkError).code).toBe('INVALID_ARGUMENT');
      expect(err.message).toContain(message);
    }
    expect(thrown(() => nexmarkConfig(null as never)).message).toBe('nexmarkConfig: expected options { seed?, baseTime?, firstEventRate? }, got null');
  });
});

describe('nexmarkSource', () => {
  it('reads the stream in batches of at most max events, then ends', async () => {
    const source = nexmarkSource({ events: 120, seed: 0 });
    expect(source.describe()).toBe('nexmark events (120 events, seed 0, 10000 events/s)');
    const reader = await source.open(undefined);
    expect(await reader.read(50)).toEqual(events.slice(0, 50));
    expect(reader.offset()).toBe(50);
    expect(await reader.read(100)).toEqual(events.slice(50, 120));
    expect(reader.offset()).toBe(120);
    expect(await reader.read(10)).toEqual([]);
    expect(await readAll(nexmarkSource({ events: 1_000, seed: 9, firstEventRate: 7 }), undefined, 64)).toEqual([
      ...nexmarkEvents(1_000, { seed: 9, firstEventRate: 7 }),
    ]);
  });

  it('readEach hands over the events read() returns, one at a time, and keeps the same offsets', async () => {
    const reader = await nexmarkSource({ events: 120, seed: 0 }).open(undefined);
    const got: NexmarkEvent[] = [];
    expect(await reader.readEach!(50, (e) => got.push(e))).toBe(50);
    expect(reader.offset()).toBe(50);
    expect(await reader.readEach!(100, (e) => got.push(e))).toBe(70);
    expect(await reader.readEach!(10, (e) => got.push(e))).toBe(0);
    expect(got).toEqual(events.slice(0, 120));
    // an emit that throws leaves the offset after the event it was given
    const failing = await nexmarkSource({ events: 120, seed: 0 }).open(undefined);
    let n = 0;
    expect(() => failing.readEach!(20, () => {
      if (++n === 5) throw new Error('downstream');
    })).toThrow('downstream');
    expect(failing.offset()).toBe(5);
  });

  it('resumes exactly: reading k events, reopening at the offset and continuing equals an uninterrupted read', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 0, max: 400 }),
        fc.integer({ min: 0, max: 400 }),
        fc.integer({ min: 1, max: 64 }),
        fc.integer({ min: 1, max: 64 }),
        fc.integer({ min: -(2 ** 40), max: 2 ** 40 }),
        async (count, k0, batch1, batch2, seed) => {
          const k = Math.min(k0, count);
          const source = nexmarkSource({ events: count, seed });
          const whole = await readAll(source, undefined, 97);
          const first = await source.open(undefined);
          const head: NexmarkEvent[] = [];
          while (head.length < k) head.push(...(await first.read(Math.min(batch1, k - head.length))));
          const offset = JSON.parse(JSON.stringify(first.offset())) as Json; // as a manifest stores it
          const tail = await readAll(nexmarkSource({ events: count, seed }), offset, batch2);
          expect([...head, ...tail]).toEqual(whole);
          expect(whole).toHaveLength(count);
        },
      ),
      { numRuns: 60 },
    );
  });

  it('rejects a foreign or invalid offset with NexmarkError INVALID_OFFSET naming it', async () => {
    const source = nexmarkSource({ events: 100 });
    for (const offset of [-1, 101, 1.5, '3', null, { index: 3 }, [3]] as Json[]) {
      const err = thrown(() => source.open(offset));
      expect(err).toBeInstanceOf(NexmarkError);
      expect((err as NexmarkError).code).toBe('INVALID_OFFSET');
      expect(err.message).toMatch(/^nexmarkSource \(nexmark events \(100 events, seed 0, 10000 events\/s\)\): offset must be the next event number, an integer from 0 to 100, got /);
    }
    expect(await (await nexmarkSource({ events: Infinity }).open(2 ** 40)).read(1)).toEqual([nexmarkEvent(2 ** 40)]);
  });

  it('rejects bad options and reads with NexmarkError INVALID_ARGUMENT naming them, the cause kept', async () => {
    const cases: [unknown, string][] = [
      [undefined, 'nexmarkSource: expected options { events, seed?, baseTime?, firstEventRate? }, got undefined'],
      [{ events: -1 }, 'nexmarkSource: option `events` must be a non-negative integer or Infinity, got number -1'],
      [{ events: 10, seed: 0.5 }, 'nexmarkSource: option `seed` must be a safe integer, got number 0.5'],
      [{ events: 10, firstEventRate: -5 }, 'nexmarkSource: option `firstEventRate` must be a positive finite number of events per second, got number -5'],
    ];
    for (const [options, message] of cases) {
      const err = thrown(() => nexmarkSource(options as never));
      expect(err).toBeInstanceOf(NexmarkError);
      expect((err as NexmarkError).code).toBe('INVALID_ARGUMENT');
      expect(err.message).toBe(message);
    }
    expect(thrown(() => nexmarkSource({ events: 10, seed: 0.5 })).cause).toMatchObject({
      name: 'NexmarkError',
      message: 'nexmarkConfig: option `seed` must be a safe integer, got number 0.5',
    });
    const reader = await nexmarkSource({ events: 10 }).open(undefined);
    const err = thrown(() => reader.read(0));
    expect((err as NexmarkError).code).toBe('INVALID_ARGUMENT');
    expect(err.message).toContain('read(max) needs a positive integer, got number 0');
  });
});
