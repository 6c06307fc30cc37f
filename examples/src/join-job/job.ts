// The join job. Four inputs: a customer table, an exchange-rate feed, orders and payments. Each
// order is
//   1. enriched with its customer             (lookup join: the customer table as it is now),
//   2. converted to USD at the rate valid when it was placed  (temporal join on event time),
//   3. matched with its payment if it was paid within 15 minutes  (interval join, type 'left').
// Paid orders come out when their payment arrives; unpaid ones only once they can no longer be
// paid, when the watermark passes order time + 15 minutes. State is checkpointed to a local
// directory; a job that stops resumes from its last checkpoint, writing every result once.
import { join } from 'node:path';
import { share } from 'rxjs';
import { CheckpointCoordinator, FileCheckpointStorage, jsonLinesSink, jsonLinesSource } from '@weir/checkpoint';
import { filterRecords, mapRecords } from '@weir/stream';
import { intervalJoin, lookupJoin, temporalJoin, type JoinedRecord } from '@weir/join';
import { servingWhileRunning, type HttpEndpoint } from '../common/httpEndpoint';
import { InputMeter, type Progress } from '../common/status';
import type { Customer, Order, Payment, Rate } from './generate';

/** How long an order may wait for its payment. */
export const PAYMENT_WINDOW = 15 * 60_000;
/** How far out of order orders, payments and rates may arrive. */
export const MAX_OUT_OF_ORDERNESS = 10_000;

/** An order with its customer's name, country and tier. */
export interface CustomerOrder extends Order {
  readonly name: string;
  readonly country: string;
  readonly tier: string;
}

/** ... and its amount in USD. */
export interface PricedOrder extends CustomerOrder {
  /** USD per unit of the order's currency when the order was placed. */
  readonly rate: number | null;
  readonly usd: number | null;
}

/** A line of `paid-orders/`. */
export interface PaidOrder {
  readonly order: PricedOrder;
  readonly paidAt: number;
  readonly secondsToPay: number;
}

/** A line of `unpaid-orders/`: an order not paid within 15 minutes. */
export interface UnpaidOrder {
  readonly order: PricedOrder;
  /** When the 15 minutes ran out. */
  readonly deadline: number;
}

export interface JoinJobOptions {
  readonly inputs: { readonly customers: string; readonly rates: string; readonly orders: string; readonly payments: string };
  /** Where checkpoints go; a job resumes from the newest one in it. */
  readonly checkpoints: string;
  /** Where the result directories go. */
  readonly results: string;
  /** Checkpoint every this many records read; default 100,000 (and always at the end). */
  readonly checkpointEvery?: number;
  /** Called when the job starts, with a function that reads its progress (for a status line). */
  readonly onStart?: (progress: () => Progress) => void;
  /** Receives what the coordinator reports (the checkpoint it restores, corrupt ones it skips). */
  readonly log?: (message: string) => void;
  /** Serve /metrics, /status, the live page and the stores here while the job runs (`--http`). */
  readonly http?: HttpEndpoint;
}

export interface JoinJobSummary {
  /** The checkpoint this run resumed from (`undefined`: it started fresh). */
  readonly resumedFrom: number | undefined;
  /** Records (of all four inputs) read by this run. */
  readonly recordsRead: number;
  readonly lastCheckpoint: number | undefined;
  /** Encoded bytes of the last checkpoint's state. */
  readonly checkpointBytes: number;
  /** Records of this run that arrived too late to be joined (orders or payments). */
  readonly late: number;
  readonly results: { readonly paid: string; readonly unpaid: string };
}

export async function runJoinJob(options: JoinJobOptions): Promise<JoinJobSummary> {
  const results = { paid: join(options.results, 'paid-orders'), unpaid: join(options.results, 'unpaid-orders') };
  const job = await CheckpointCoordinator.open({
    storage: new FileCheckpointStorage(options.checkpoints),
    interval: { events: options.checkpointEvery ?? 100_000 },
    ...(options.log === undefined ? {} : { log: options.log }),
  });

  // The sources. The coordinator reads them in turns, 1,000 records at a time, in the order they
  // are created here: the 500 customers are all in the table before the first order arrives (a
  // lookup join sees the table as it is when an order comes in, not as of the order's time).
  const { inputs } = options;
  const meter = new InputMeter(); // for the status line: records read, and the newest order's time
  const bounded = { maxOutOfOrderness: MAX_OUT_OF_ORDERNESS };
  const customers$ = job.source('customers', jsonLinesSource<Customer>(inputs.customers), { timestamp: (c) => c.since, ...bounded }).pipe(meter.count({ clock: false }));
  const rates$ = job.source('rates', jsonLinesSource<Rate>(inputs.rates), { timestamp: (r) => r.ts, ...bounded }).pipe(meter.count({ clock: false }));
  const orders$ = job.source('orders', jsonLinesSource<Order>(inputs.orders), { timestamp: (o) => o.ts, ...bounded }).pipe(meter.count());
  const payments$ = job.source('payments', jsonLinesSource<Payment>(inputs.payments), { timestamp: (p) => p.ts, ...bounded }).pipe(meter.count({ clock: false }));

  // 1. Lookup join: each order with its customer's current row.
  const withCustomer = lookupJoin(customers$, {
    key: (o: Order) => o.customer,
    tableKey: (c: Customer) => c.id,
    type: 'left', // keep an order even if its customer is unknown
    store: job.store('customers'),
    name: 'customers',
    checkpoint: job,
  });
  // 2. Temporal join: each order with the rate of its currency valid at the order's time. The
  //    join holds an order until the watermark passes its time: no earlier rate can come after.
  const withRate = temporalJoin(rates$, {
    key: (o: CustomerOrder) => o.currency,
    tableKey: (r: Rate) => r.currency,
    type: 'left',
    store: job.store('rates'),
    name: 'rates',
    checkpoint: job,
  });
  // 3. Interval join: each order with a payment at most 15 minutes after it. A 'left' join also
  //    emits each order that found none, once the watermark shows that none can come any more.
  const withPayment = intervalJoin(payments$, {
    leftKey: (o: PricedOrder) => o.id,
    rightKey: (p: Payment) => p.order,
    lowerBound: 0,
    upperBound: PAYMENT_WINDOW,
    type: 'left',
    cacheSize: 10_000,
    store: job.store('payments'),
    name: 'payments',
    checkpoint: job,
  });

  // (Rows are built field by field: clearer about what each output holds, and much faster in V8
  // than copying with `{ ...order }`.)
  const checked$ = orders$.pipe(
    withCustomer,
    mapRecords(({ left: o, right: customer }): CustomerOrder => ({
      id: o.id,
      customer: o.customer,
      amount: o.amount,
      currency: o.currency,
      ts: o.ts,
      name: customer?.name ?? '(unknown customer)',
      country: customer?.country ?? '??',
      tier: customer?.tier ?? '??',
    })),
    withRate,
    mapRecords(({ left: o, right: rate }): PricedOrder => ({
      id: o.id,
      customer: o.customer,
      amount: o.amount,
      currency: o.currency,
      ts: o.ts,
      name: o.name,
      country: o.country,
      tier: o.tier,
      rate: rate?.usd ?? null,
      usd: rate === undefined ? null : Math.round(o.amount * rate.usd * 100) / 100,
    })),
    withPayment,
    share(), // two branches read the outcome: paid and unpaid
  );

  const paid$ = checked$.pipe(
    filterRecords((r): r is JoinedRecord<PricedOrder, Payment> => r.right !== undefined),
    mapRecords(({ left: order, right: payment }) => ({ order, paidAt: payment.ts, secondsToPay: (payment.ts - order.ts) / 1000 })),
  );
  const unpaid$ = checked$.pipe(
    filterRecords((r) => r.right === undefined),
    mapRecords(({ left: order }) => ({ order, deadline: order.ts + PAYMENT_WINDOW })),
  );

  const operators = [withCustomer, withRate, withPayment];
  options.onStart?.(() => ({
    records: meter.records,
    eventTime: meter.eventTime,
    watermark: withPayment.metrics.watermark,
    storeBytes: operators.reduce((sum, op) => sum + op.metrics.storeBytes, 0),
    checkpoint: job.metrics.lastCompletedId ?? job.restoredFrom,
    checkpointBytes: job.metrics.lastSizeBytes,
    resumedFrom: job.restoredFrom,
  }));

  const summary = await servingWhileRunning(job, 'join-job', options.http, () =>
    job.run(paid$.pipe(job.sink('paid-orders', jsonLinesSink(results.paid))), unpaid$.pipe(job.sink('unpaid-orders', jsonLinesSink(results.unpaid)))),
  );
  return {
    resumedFrom: summary.restoredFrom,
    recordsRead: summary.recordsRead,
    lastCheckpoint: summary.lastCheckpoint,
    checkpointBytes: summary.metrics.lastSizeBytes,
    late: operators.reduce((sum, op) => sum + op.metrics.lateLeft + op.metrics.lateRight, 0),
    results,
  };
}
