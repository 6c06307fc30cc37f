import { from, lastValueFrom, toArray } from 'rxjs';
import { InMemoryStore } from '@weir/state';
import { withEventTime } from '@weir/stream';
import { NEXMARK_QUERIES, eventTime, nexmarkEvents, type NexmarkEvent, type NexmarkQuery, type QueryContext } from '../index';
import { SLOW, crashAndResume } from './crashAndResume';
import * as batch from './nexmarkOracles';
import { runInMemory } from './runInMemory';

// Compute-bound checks over thousands of events: seconds on an idle machine, more when the 2 cores
// are shared (q3/q4 passed 5 s, jest's default, under load). Correctness, not speed, is tested here.
jest.setTimeout(60_000);

/** Multisets compare equal when their sorted JSON forms do. */
const canon = (rows: readonly unknown[]): string[] => rows.map((r) => JSON.stringify(r)).sort();

const byName = (name: string): NexmarkQuery<unknown> => {
  const q = NEXMARK_QUERIES.find((x) => x.name === name);
  if (q === undefined) throw new Error(`no query ${name}`);
  return q;
};

async function run(query: NexmarkQuery<unknown>, events: readonly NexmarkEvent[], ctx: Partial<QueryContext> = {}): Promise<unknown[]> {
  const { rows, stores } = await runInMemory(query, events, ctx);
  // at the end of the input every window has fired and every join row expired
  for (const [, s] of stores) expect(s.len()).toBeLessThanOrEqual(2);
  return rows;
}

/** Applies q4's changelog and checks each retraction withdraws the category's current value. */
function applyChangelog(rows: readonly unknown[]): Map<number, number> {
  const current = new Map<number, number>();
  for (const row of rows as { category: number; average: number; kind: 'insert' | 'retract' }[]) {
    if (row.kind === 'retract') {
      expect(current.get(row.category)).toBe(row.average);
      current.delete(row.category);
    } else {
      expect(current.has(row.category)).toBe(false);
      current.set(row.category, row.average);
    }
  }
  return current;
}

// 1,000 events per second of event time, so 40k events span 40 s: several 10 s windows, twenty
// hopping windows, sessions that end and sessions that continue.
const slowEvents = [...nexmarkEvents(40_000, SLOW)];
// Nexmark's default rate (10,000 events/s): the join bounds derived from it are exercised too.
const fastEvents = [...nexmarkEvents(60_000)];

const oracles: Record<string, (events: readonly NexmarkEvent[]) => unknown[]> = {
  q0: batch.q0Batch,
  q1: batch.q1Batch,
  q2: batch.q2Batch,
  q3: batch.q3Batch,
  q5: batch.q5Batch,
  q7: batch.q7Batch,
  q8: batch.q8Batch,
  q11: batch.q11Batch,
  q12: batch.q12Batch,
};

describe('Nexmark queries equal a batch computation of the published SQL', () => {
  for (const [name, oracle] of Object.entries(oracles)) {
    it(`${name} at 1,000 events/s`, async () => {
      const expected = oracle(slowEvents);
      expect(expected.length).toBeGreaterThan(0);
      const rows = await run(byName(name), slowEvents, { config: SLOW });
      expect(canon(rows)).toEqual(canon(expected));
    });
  }

  it('q3 at 10,000 events/s (the default rate its join bounds are derived from)', async () => {
    const expected = batch.q3Batch(fastEvents);
    expect(expected.length).toBeGreaterThan(10);
    expect(canon(await run(byName('q3'), fastEvents))).toEqual(canon(expected));
  });

  for (const [events, ctx, label] of [
    [slowEvents, { config: SLOW }, '1,000'],
    [fastEvents, {}, '10,000'],
  ] as const) {
    it(`q4 at ${label} events/s: its changelog ends at the batch averages`, async () => {
      const expected = batch.q4Batch(events);
      expect(expected.size).toBe(5);
      const final = applyChangelog(await run(byName('q4'), events, ctx));
      expect([...final.keys()].sort()).toEqual([...expected.keys()].sort());
      for (const [c, avg] of expected) expect(final.get(c)).toBeCloseTo(avg, 6);
    });
  }

  it('gives the same rows with a write-back cache', async () => {
    for (const name of ['q3', 'q5', 'q7', 'q11']) {
      const plain = await run(byName(name), slowEvents, { config: SLOW });
      const cached = await run(byName(name), slowEvents, { config: SLOW, cacheSize: 100 });
      expect(canon(cached)).toEqual(canon(plain));
    }
  });
});

describe('Nexmark queries under the checkpoint coordinator', () => {
  for (const name of ['q3', 'q4', 'q5', 'q7', 'q8', 'q11', 'q12']) {
    it(`${name}: crashes and resumes with exactly the uninterrupted committed output`, async () => {
      const query = byName(name);
      const { whole, resumed } = await crashAndResume(query);
      expect(resumed).toEqual(whole);
      expect(whole.length).toBeGreaterThan(0);
    });
  }
});

it('no query emits a record behind the watermark it forwarded', async () => {
  for (const query of NEXMARK_QUERIES) {
    const els = await lastValueFrom(
      from(slowEvents.slice(0, 15_000)).pipe(withEventTime(eventTime, { maxOutOfOrderness: 0 }), query.build({ store: () => new InMemoryStore(), config: SLOW }), toArray()),
    );
    let watermark = -Infinity;
    let records = 0;
    for (const el of els) {
      if (el.kind === 'watermark') watermark = el.timestamp;
      else if (el.kind === 'record') {
        records++;
        expect(el.timestamp).toBeGreaterThan(watermark);
      }
    }
    expect(records).toBeGreaterThan(0);
  }
});
