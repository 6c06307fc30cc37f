// Seeded input for the join job, four JSON Lines files:
//   customers.jsonl  the customer table (500 customers: name, country, tier)
//   rates.jsonl      an exchange-rate feed: every currency's USD rate, every 10 minutes
//   orders.jsonl     orders in the customer's currency
//   payments.jsonl   payments: most within 15 minutes of their order, some later, some never
// Orders and payments are written in arrival order: up to 5 s out of order in event time.
import { mkdir, open, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { exponential, seededRandom, skewedIndex } from '../common/random';

export interface Customer {
  readonly id: string;
  readonly name: string;
  readonly country: string;
  readonly tier: 'gold' | 'silver' | 'bronze';
  /** When the customer signed up, epoch ms. */
  readonly since: number;
}

export interface Rate {
  readonly currency: string;
  /** USD per unit of `currency`. */
  readonly usd: number;
  /** From when the rate is valid, epoch ms. */
  readonly ts: number;
}

export interface Order {
  readonly id: string;
  readonly customer: string;
  readonly amount: number;
  readonly currency: string;
  readonly ts: number;
}

export interface Payment {
  readonly order: string;
  readonly amount: number;
  readonly ts: number;
}

export const START = Date.UTC(2026, 2, 27);
export const CUSTOMERS = 500;
export const RATE_EVERY = 10 * 60_000;
const COUNTRIES: ReadonlyArray<readonly [string, string, number]> = [
  // country, currency, USD rate at START
  ['US', 'USD', 1],
  ['DE', 'EUR', 1.08],
  ['FR', 'EUR', 1.08],
  ['GB', 'GBP', 1.27],
  ['JP', 'JPY', 0.0067],
  ['CH', 'CHF', 1.12],
];
const FIRST = ['Ada', 'Alan', 'Grace', 'Edsger', 'Barbara', 'Donald', 'Frances', 'Ken', 'Margaret', 'Niklaus', 'Radia', 'Tim'];
const LAST = ['Lovelace', 'Turing', 'Hopper', 'Dijkstra', 'Liskov', 'Knuth', 'Allen', 'Thompson', 'Hamilton', 'Wirth', 'Perlman', 'Berners-Lee'];

export interface OrderOptions {
  /** Orders to generate. */
  readonly orders: number;
  /** Hours of event time they span; default 48. */
  readonly hours?: number;
  /** Default 2026. */
  readonly seed?: number;
}

export interface OrderData extends Required<OrderOptions> {
  readonly files: { readonly customers: string; readonly rates: string; readonly orders: string; readonly payments: string };
  readonly payments: number;
  readonly rates: number;
  readonly customers: number;
}

const filesIn = (dir: string): OrderData['files'] => ({
  customers: join(dir, 'customers.jsonl'),
  rates: join(dir, 'rates.jsonl'),
  orders: join(dir, 'orders.jsonl'),
  payments: join(dir, 'payments.jsonl'),
});

/** Writes the four files into `dir` (and `dir/orders.meta.json`). */
export async function generateOrders(dir: string, options: OrderOptions): Promise<OrderData> {
  const { orders: n, hours = 48, seed = 2026 } = options;
  const random = seededRandom(seed);
  const span = hours * 3_600_000;
  const files = filesIn(dir);
  await mkdir(dir, { recursive: true });

  const customers: Customer[] = [];
  for (let i = 0; i < CUSTOMERS; i++) {
    const [country] = COUNTRIES[skewedIndex(random, COUNTRIES.length)]!;
    const tier = random() < 0.1 ? 'gold' : random() < 0.35 ? 'silver' : 'bronze';
    const name = `${FIRST[Math.floor(random() * FIRST.length)]} ${LAST[Math.floor(random() * LAST.length)]}`;
    customers.push({ id: `c${String(i + 1).padStart(4, '0')}`, name, country, tier, since: START - Math.floor(random() * 900) * 86_400_000 });
  }

  // The rate feed: a random walk per currency, from 10 minutes before the first order to after the last.
  const currencies = [...new Map(COUNTRIES.map(([, currency, usd]) => [currency, usd])).entries()];
  const rates: Rate[] = [];
  const level = new Map(currencies);
  for (let t = START - RATE_EVERY; t <= START + span + RATE_EVERY; t += RATE_EVERY) {
    for (const [currency] of currencies) {
      const usd = currency === 'USD' ? 1 : level.get(currency)! * (1 + (random() - 0.5) * 0.004);
      level.set(currency, usd);
      rates.push({ currency, usd: Number(usd.toPrecision(6)), ts: t });
    }
  }

  // Orders spread over the span; a payment for most of them.
  const orders: Array<Order & { arrival: number }> = [];
  const payments: Array<Payment & { arrival: number }> = [];
  for (let i = 0; i < n; i++) {
    const customer = customers[skewedIndex(random, customers.length)]!;
    const currency = COUNTRIES.find(([c]) => c === customer.country)![1];
    const ts = START + Math.floor((i / n) * span + random() * 2_000);
    const amount = Math.round((5 + exponential(random, 60)) * (currency === 'JPY' ? 150 : 1) * 100) / 100;
    orders.push({ id: `o${String(i + 1).padStart(7, '0')}`, customer: customer.id, amount, currency, ts, arrival: ts + Math.floor(random() * 5_000) });
    const r = random();
    const delay =
      r < 0.8
        ? Math.min(exponential(random, 3 * 60_000), 14.5 * 60_000) // paid in time
        : r < 0.88
          ? 15.5 * 60_000 + random() * 25 * 60_000 // paid, but after the 15 minutes
          : undefined; // never paid
    if (delay !== undefined) {
      const paidAt = ts + Math.floor(delay);
      payments.push({ order: orders[i]!.id, amount, ts: paidAt, arrival: paidAt + Math.floor(random() * 5_000) });
    }
  }

  const byArrival = (a: { arrival: number }, b: { arrival: number }): number => a.arrival - b.arrival;
  await writeLines(files.customers, customers);
  await writeLines(files.rates, rates);
  await writeLines(files.orders, orders.sort(byArrival).map(({ arrival: _, ...o }) => o));
  await writeLines(files.payments, payments.sort(byArrival).map(({ arrival: _, ...p }) => p));
  const data: OrderData = { orders: n, hours, seed, files, payments: payments.length, rates: rates.length, customers: customers.length };
  await writeFile(join(dir, 'orders.meta.json'), `${JSON.stringify(data, null, 2)}\n`);
  return data;
}

async function writeLines(file: string, values: readonly unknown[]): Promise<void> {
  const fh = await open(file, 'w');
  try {
    for (let i = 0; i < values.length; i += 50_000) {
      await fh.write(`${values.slice(i, i + 50_000).map((v) => JSON.stringify(v)).join('\n')}\n`);
    }
  } finally {
    await fh.close();
  }
}

/**
 * The data in `dir`, generated first when there is none or when `orders` asks for a different
 * amount than is there (`undefined`: whatever is there, else `defaultOrders`).
 */
export async function prepareOrders(dir: string, orders: number | undefined, defaultOrders: number): Promise<OrderData & { generated: boolean }> {
  const existing = await readFile(join(dir, 'orders.meta.json'), 'utf8')
    .then((text) => JSON.parse(text) as OrderData)
    .catch(() => undefined);
  if (existing !== undefined && (orders === undefined || orders === existing.orders)) return { ...existing, files: filesIn(dir), generated: false };
  await rm(dir, { recursive: true, force: true });
  return { ...(await generateOrders(dir, { orders: orders ?? defaultOrders })), generated: true };
}
