// Nexmark q12 as published: bids per bidder in 10 s tumbling windows of processing time. Checked
// deterministically on clocks a test controls: the default clock paced by the source (each
// event's dateTime, the instant the generator schedules it for) equals the batch computation of
// the SQL over those instants; a virtual clock the test advances per event by another schedule
// gives the windows of that schedule, not of the event times.
import { VirtualTimeScheduler } from 'rxjs';
import type { StreamElement } from '@weir/stream';
import { isBid, nexmarkEvents, type NexmarkEvent, type NexmarkQuery } from '../index';
import { q12, q12EventTime, q12ProcessingTime } from '../queries/q12';
import { q12Batch } from './nexmarkOracles';
import { runInMemory } from './runInMemory';

jest.setTimeout(60_000);

const canon = (rows: readonly unknown[]): string[] => rows.map((r) => JSON.stringify(r)).sort();
const SLOW = { firstEventRate: 1_000 };
const events = [...nexmarkEvents(40_000, SLOW)];

async function run(query: NexmarkQuery<unknown>, input: readonly NexmarkEvent[], before?: (el: StreamElement<NexmarkEvent>) => void) {
  const { rows, stores } = await runInMemory(query, input, { config: SLOW }, before);
  return { rows, stores: stores.map(([, s]) => s) };
}

describe('Nexmark q12 in processing time', () => {
  it('on the source-paced clock (the default) equals the batch computation of the SQL, as the event-time variant does', async () => {
    const expected = q12Batch(events);
    expect(expected.length).toBeGreaterThan(10);
    const { rows, stores } = await run(q12, events);
    expect(canon(rows)).toEqual(canon(expected));
    for (const s of stores) expect(s.len()).toBeLessThanOrEqual(1); // every window fired: only the meta entry
    expect(canon((await run(q12EventTime, events)).rows)).toEqual(canon(expected));
    expect(q12.name).toBe('q12');
  });

  it('on a clock the test advances per event, windows follow arrival, not event time', async () => {
    // the clock moves 3 ms per event (persons and auctions too): 40,000 events span 120 s
    const clock = new VirtualTimeScheduler();
    let arrival = 0;
    const advance = (el: StreamElement<NexmarkEvent>): void => {
      if (el.kind !== 'record') return;
      clock.maxFrames = arrival;
      clock.flush();
      clock.frame = arrival;
      arrival += 3;
    };
    // the model: each bid counted in the window of its arrival time
    const counts = new Map<string, number>();
    events.forEach((e, i) => {
      if (!isBid(e)) return;
      const start = Math.floor((i * 3) / 10_000) * 10_000;
      const id = `${e.bidder}|${start}`;
      counts.set(id, (counts.get(id) ?? 0) + 1);
    });
    const expected = [...counts].map(([id, bidCount]) => {
      const [bidder, start] = id.split('|').map(Number) as [number, number];
      return { bidder, bidCount, starttime: start, endtime: start + 10_000 };
    });
    const { rows } = await run(q12ProcessingTime({ scheduler: clock }), events, advance);
    expect(canon(rows)).toEqual(canon(expected));
    expect(canon(rows)).not.toEqual(canon(q12Batch(events)));
    expect(clock.actions).toHaveLength(0); // completion fired the last window and cancelled its timer
  });
});
