// Runs the join job end to end on a small order stream and checks its output against a plain
// computation over the generated files: Maps and loops, no weir code.
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readCommittedLines } from '@weir/checkpoint';
import { generateOrders, type Customer, type Order, type OrderData, type Payment, type Rate } from '../join-job/generate';
import { PAYMENT_WINDOW, runJoinJob, type JoinJobSummary, type PaidOrder, type PricedOrder, type UnpaidOrder } from '../join-job/job';

const ORDERS = 8_000;

async function read<T>(file: string): Promise<T[]> {
  return (await readFile(file, 'utf8')).trim().split('\n').map((line) => JSON.parse(line) as T);
}

async function lines<T>(dir: string): Promise<T[]> {
  return (await readCommittedLines(dir)).map((line) => JSON.parse(line) as T);
}

interface Expected {
  /** order id -> the priced order */
  priced: Map<string, PricedOrder>;
  /** order id -> payment time, for orders paid within the window */
  paidAt: Map<string, number>;
  /** ids of the orders not paid within the window */
  unpaid: Set<string>;
}

/** What the job must produce, from the input files. */
async function expected(data: OrderData): Promise<Expected> {
  const customers = new Map((await read<Customer>(data.files.customers)).map((c) => [c.id, c]));
  const rates = await read<Rate>(data.files.rates);
  const payments = new Map((await read<Payment>(data.files.payments)).map((p) => [p.order, p]));
  const priced = new Map<string, PricedOrder>();
  const paidAt = new Map<string, number>();
  const unpaid = new Set<string>();
  for (const o of await read<Order>(data.files.orders)) {
    const c = customers.get(o.customer)!;
    // the rate valid at the order's time: the latest quote of its currency at or before it
    let rate: Rate | undefined;
    for (const r of rates) if (r.currency === o.currency && r.ts <= o.ts && (rate === undefined || r.ts >= rate.ts)) rate = r;
    const usd = rate === undefined ? null : Math.round(o.amount * rate.usd * 100) / 100;
    priced.set(o.id, { ...o, name: c.name, country: c.country, tier: c.tier, rate: rate?.usd ?? null, usd });
    const p = payments.get(o.id);
    if (p !== undefined && p.ts >= o.ts && p.ts <= o.ts + PAYMENT_WINDOW) paidAt.set(o.id, p.ts);
    else unpaid.add(o.id);
  }
  return { priced, paidAt, unpaid };
}

describe('examples/join-job', () => {
  let dir: string;
  let data: OrderData;
  let want: Expected;
  let first: JoinJobSummary;
  const run = (): Promise<JoinJobSummary> => runJoinJob({ inputs: data.files, checkpoints: join(dir, 'checkpoints'), results: join(dir, 'results'), checkpointEvery: 2_000 });
  const outputs = async (s: JoinJobSummary): Promise<string[][]> => Promise.all([readCommittedLines(s.results.paid), readCommittedLines(s.results.unpaid)]);

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'weir-join-job-'));
    data = await generateOrders(join(dir, 'data'), { orders: ORDERS, hours: 6, seed: 11 });
    want = await expected(data);
    first = await run();
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('reads every input record once, fresh; none is late', () => {
    expect(first.resumedFrom).toBeUndefined();
    expect(first.recordsRead).toBe(data.orders + data.payments + data.customers + data.rates);
    expect(first.late).toBe(0);
  });

  it('reports each order exactly once: paid within 15 minutes, or not', async () => {
    const paid = await lines<PaidOrder>(first.results.paid);
    const unpaid = await lines<UnpaidOrder>(first.results.unpaid);
    const ids = [...paid, ...unpaid].map((r) => r.order.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids.length).toBe(ORDERS);
    expect(new Map(paid.map((r) => [r.order.id, r.paidAt]))).toEqual(want.paidAt);
    expect(new Set(unpaid.map((r) => r.order.id))).toEqual(want.unpaid);
    // the data has all three kinds: paid in time, paid too late, never paid
    expect(want.paidAt.size).toBeGreaterThan(0);
    expect(want.unpaid.size).toBeGreaterThan(ORDERS - data.payments);
  });

  it('enriches each order with its customer and converts it at the rate of its time', async () => {
    const rows = [...(await lines<PaidOrder>(first.results.paid)), ...(await lines<UnpaidOrder>(first.results.unpaid))];
    for (const r of rows) expect(r.order).toEqual(want.priced.get(r.order.id));
    expect(rows.every((r) => r.order.rate !== null && r.order.name !== '(unknown customer)')).toBe(true);
  });

  it('reports an order unpaid only once it can no longer be paid', async () => {
    // Reported too early, an order paid late in its 15 minutes would show up in both files (or in
    // the wrong one). The data has orders paid just before the deadline, and some just after it.
    const paid = await lines<PaidOrder>(first.results.paid);
    const unpaid = await lines<UnpaidOrder>(first.results.unpaid);
    const paidIds = new Set(paid.map((r) => r.order.id));
    expect(unpaid.filter((r) => paidIds.has(r.order.id))).toEqual([]);
    expect(paid.filter((r) => r.secondsToPay >= 14 * 60).length).toBeGreaterThan(0);
    expect(unpaid.filter((r) => want.paidAt.has(r.order.id))).toEqual([]);
    for (const u of unpaid) expect(u.deadline).toBe(u.order.ts + PAYMENT_WINDOW);
  });

  it('resumes from its last checkpoint when run again: nothing to do, nothing written twice', async () => {
    const before = await outputs(first);
    const second = await run();
    expect(second.resumedFrom).toBe(first.lastCheckpoint);
    expect(second.recordsRead).toBe(0);
    expect(await outputs(second)).toEqual(before);
  });

  it('resumes a run stopped after an earlier checkpoint, and its output is the same as an uninterrupted run', async () => {
    const before = await outputs(first);
    const checkpoints = (await readdir(join(dir, 'checkpoints'))).filter((name) => name.startsWith('chk-')).sort();
    for (const name of checkpoints.slice(-2)) await rm(join(dir, 'checkpoints', name), { recursive: true });
    const resumed = await run();
    expect(resumed.resumedFrom).toBe(Number(checkpoints.at(-3)!.slice(4)));
    expect(resumed.recordsRead).toBeGreaterThan(0);
    expect(await outputs(resumed)).toEqual(before);
  });
});
