// Per-record cost of the window assigners: `npm run bench -w @weir/window`.
// Plain timing loops (each run once after a warm-up), printed as a table.
import { calendarWindows, cumulativeWindows, hoppingWindows, tumblingWindows } from '../src';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const t0 = Date.UTC(2024, 2, 31, 0, 0); // 2024-03-31 01:00 in Berlin, the 23-hour DST day

function time(name: string, calls: number, body: (i: number) => number): { name: string; calls: number; totalMs: number; nsPerCall: number } {
  let sink = 0;
  for (let i = 0; i < Math.min(calls, 10_000); i++) sink += body(i); // warm-up
  const start = performance.now();
  for (let i = 0; i < calls; i++) sink += body(i);
  const totalMs = performance.now() - start;
  if (Number.isNaN(sink)) throw new Error('unreachable');
  return { name, calls, totalMs: Number(totalMs.toFixed(1)), nsPerCall: Number(((totalMs * 1e6) / calls).toFixed(1)) };
}

const M = 1_000_000;
const tumbling = tumblingWindows(60_000);
const hopping = hoppingWindows(10_000, 5_000);
const cumulative = cumulativeWindows(HOUR, DAY);
const berlinDays = calendarWindows('day', 'Europe/Berlin');
const berlinMonths = calendarWindows('month', 'Europe/Berlin');
const nyDays = calendarWindows('day', 'America/New_York');
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { DateTime } = require('luxon') as {
  DateTime: { fromMillis(ms: number, o: { zone: string }): { startOf(u: string): { toMillis(): number } } };
};

const results = [
  time('tumbling windowStart (1 min)', M, (i) => tumbling.windowStart(t0 + i * 7)),
  time('tumbling assignOne, in order', M, (i) => tumbling.assignOne(t0 + i * 7).start),
  time('hopping assign (10 s / 5 s)', M, (i) => hopping.assign(t0 + i * 7).length),
  time('hopping first/lastWindowStart', M, (i) => hopping.lastWindowStart(t0 + i * 7) - hopping.firstWindowStart(t0 + i * 7)),
  time('cumulative assign (1 h / 1 day)', M, (i) => cumulative.assign(t0 + i * 7).length),
  time('calendar day assignOne, same day', M, (i) => berlinDays.assignOne(t0 + (i % 80_000_000)).start),
  time('calendar month assignOne, same month', M, (i) => berlinMonths.assignOne(t0 + i * 2_000).start),
  time('calendar day assignOne, new day each call', 20_000, (i) => nyDays.assignOne(t0 + (i % 2 === 0 ? i : -i) * DAY).start),
  time('luxon fromMillis().startOf(day), per call', 100_000, (i) => DateTime.fromMillis(t0 + i, { zone: 'Europe/Berlin' }).startOf('day').toMillis()),
];
console.table(results);
