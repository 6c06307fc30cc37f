// Seeded input for the window job: a click stream, written as JSON Lines in *arrival* order.
//
// Users live in four time zones and browse in sessions (a few to a few dozen clicks, under ten
// minutes apart; a user's sessions are at least 45 minutes apart, mostly during local daytime).
// Each click reaches us after a delay: most within 3 s, some within 25 s (slow clients), and
// 0.5% from 1 to 10 minutes late (phones coming back online), so the file is out of order in
// event time the way a real collector's log is. The three days start on Friday 27 March 2026:
// Berlin moves its clocks forward on Sunday the 29th, whose local day has 23 hours.
import { mkdir, readFile, rm, writeFile, open } from 'node:fs/promises';
import { join } from 'node:path';
import { exponential, seededRandom, skewedIndex } from '../common/random';

/** One click, as a line of the input file. */
export interface Click {
  /** The user id, e.g. "u00042". */
  readonly user: string;
  /** The page viewed, e.g. "/product/3". */
  readonly page: string;
  /** The user's IANA time zone. */
  readonly tz: string;
  /** Event time: when the click happened, epoch ms. */
  readonly ts: number;
}

export const ZONES = ['America/Los_Angeles', 'America/New_York', 'Europe/Berlin', 'Asia/Tokyo'] as const;
/** Rough UTC offsets (hours) of ZONES in late March, only to make users sleep at night. */
const ROUGH_OFFSETS = [-7, -4, 1.5, 9];
export const PAGES = ['/', '/search', ...Array.from({ length: 12 }, (_, i) => `/product/${i + 1}`), '/cart', '/checkout', '/account', '/help'];
export const START = Date.UTC(2026, 2, 27);
const HOUR = 3_600_000;
const MINUTE = 60_000;

export interface ClickOptions {
  /** Clicks to generate. */
  readonly events: number;
  /** Days of event time they span; default 3. */
  readonly days?: number;
  /** Default 2026. */
  readonly seed?: number;
}

/** What a data directory holds, as recorded in its `clicks.meta.json`. */
export interface ClickData extends Required<ClickOptions> {
  /** The JSON Lines file. */
  readonly file: string;
  /** Earliest and latest event time. */
  readonly from: number;
  readonly to: number;
}

/** Writes `events` clicks to `dir/clicks.jsonl` (and `dir/clicks.meta.json`). */
export async function generateClicks(dir: string, options: ClickOptions): Promise<ClickData> {
  const { events: n, days = 3, seed = 2026 } = options;
  const random = seededRandom(seed);
  const end = START + days * 24 * HOUR;
  const ts = new Float64Array(n);
  const arrival = new Float64Array(n);
  const user = new Int32Array(n);
  const page = new Uint8Array(n);

  // Users one after the other, each a timeline of sessions, until there are n clicks.
  let i = 0;
  for (let u = 0; i < n; u++) {
    const offset = ROUGH_OFFSETS[u % ZONES.length]! * HOUR;
    let t = START + Math.floor(random() * 16 * HOUR);
    while (i < n) {
      const localHour = (((t + offset) % (24 * HOUR)) + 24 * HOUR) % (24 * HOUR) / HOUR;
      if (localHour < 7) t += (7 - localHour) * HOUR + random() * 2 * HOUR; // asleep: wait for the morning
      t = Math.floor(t);
      if (t >= end) break;
      const clicks = 1 + Math.floor(exponential(random, 7));
      let p = random() < 0.5 ? 0 : skewedIndex(random, PAGES.length);
      for (let c = 0; c < clicks && i < n && t < end; c++) {
        ts[i] = t;
        user[i] = u;
        page[i] = p;
        const r = random();
        const delay = r < 0.96 ? random() * 3_000 : r < 0.995 ? 3_000 + random() * 22_000 : MINUTE + random() * 9 * MINUTE;
        arrival[i] = t + Math.floor(delay);
        i++;
        p = skewedIndex(random, PAGES.length);
        t += Math.floor(Math.min(10 * MINUTE, 2_000 + exponential(random, 50_000)));
      }
      t += 45 * MINUTE + exponential(random, 4 * HOUR);
    }
  }

  // The file is in arrival order (ties: generation order).
  const order = new Uint32Array(n).map((_, k) => k);
  order.sort((a, b) => arrival[a]! - arrival[b]! || a - b);

  await mkdir(dir, { recursive: true });
  const file = join(dir, 'clicks.jsonl');
  const fh = await open(file, 'w');
  try {
    const lines: string[] = [];
    for (let k = 0; k < n; k++) {
      const e = order[k]!;
      const u = user[e]!;
      lines.push(`{"user":"u${String(u).padStart(5, '0')}","page":"${PAGES[page[e]!]}","tz":"${ZONES[u % ZONES.length]}","ts":${ts[e]}}`);
      if (lines.length === 50_000 || k === n - 1) {
        await fh.write(`${lines.join('\n')}\n`);
        lines.length = 0;
      }
    }
  } finally {
    await fh.close();
  }
  let from = Infinity;
  let to = -Infinity;
  for (let k = 0; k < n; k++) {
    from = Math.min(from, ts[k]!);
    to = Math.max(to, ts[k]!);
  }
  const data: ClickData = { file, events: n, days, seed, from, to };
  await writeFile(join(dir, 'clicks.meta.json'), `${JSON.stringify(data, null, 2)}\n`);
  return data;
}

/**
 * The data in `dir`, generated first when there is none or when `events` asks for a different
 * amount than is there (`undefined`: whatever is there, else `defaultEvents`).
 */
export async function prepareClicks(dir: string, events: number | undefined, defaultEvents: number): Promise<ClickData & { generated: boolean }> {
  const existing = await readFile(join(dir, 'clicks.meta.json'), 'utf8')
    .then((text) => JSON.parse(text) as ClickData)
    .catch(() => undefined);
  if (existing !== undefined && (events === undefined || events === existing.events)) return { ...existing, file: join(dir, 'clicks.jsonl'), generated: false };
  await rm(dir, { recursive: true, force: true });
  return { ...(await generateClicks(dir, { events: events ?? defaultEvents })), generated: true };
}
