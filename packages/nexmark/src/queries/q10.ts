import { filterRecords, mapRecords } from '@weir/stream';
import { isBid } from '../model';
import type { NexmarkQuery } from '../NexmarkQuery';

/** A bid with the file partition q10 writes it to (the date and the hour-minute of its time, UTC). */
export interface PartitionedBid {
  readonly auction: number;
  readonly bidder: number;
  readonly price: number;
  readonly dateTime: number;
  readonly extra: string;
  /** `DATE_FORMAT(dateTime, 'yyyy-MM-dd')`, UTC: the first partition column. */
  readonly dt: string;
  /** `DATE_FORMAT(dateTime, 'HH:mm')`, UTC: the second partition column. */
  readonly hm: string;
  /** The partition's directory, relative to the output path: `dt=<dt>/hm=<hm>` (Flink's layout). */
  readonly partition: string;
}

const MINUTE_MS = 60_000;

/**
 * Nexmark q10, log to a file system: every bid with the partition it is written to, by date and
 * hour-minute of its event time.
 *
 * ```sql
 * INSERT INTO nexmark_q10  -- PARTITIONED BY (dt, hm), filesystem connector, csv
 * SELECT auction, bidder, price, dateTime, extra,
 *   DATE_FORMAT(dateTime, 'yyyy-MM-dd'), DATE_FORMAT(dateTime, 'HH:mm') FROM bid
 * ```
 *
 * The query emits the rows, each with its partition columns and its directory (`partition`,
 * `dt=2015-07-15/hm=00:01`, Flink's layout); the file system table is
 * `partitionedJsonLinesSink(dir, { partitionOf: (r) => r.partition })` of `@weir/checkpoint`,
 * which writes each row into `dir/<partition>` with two-phase commit, so a job that crashes and
 * resumes under the `CheckpointCoordinator` shows every bid exactly once, in the directory of its
 * minute. Times are formatted in UTC. Stateless; O(1) per event (the date is formatted once per
 * minute of event time, kept per subscription).
 *
 * @example
 * ```ts
 * const sink = partitionedJsonLinesSink<PartitionedBid>('out/q10', { partitionOf: (r) => r.partition });
 * await job.run(events$.pipe(q10.build(ctx), job.sink('q10', sink)));
 * // out/q10/dt=2015-07-15/hm=00:01/part-000000000003.jsonl: {"auction":1000,...,"partition":"dt=2015-07-15/hm=00:01"}
 * ```
 */
export const q10: NexmarkQuery<PartitionedBid> = {
  name: 'q10',
  description: 'log to a file system: every bid with its partition by date and hour-minute',
  deviation:
    'the files are JSON Lines, not CSV: one object per bid with `dateTime` in epoch milliseconds, keeping the partition columns (`dt`, `hm`, `partition`) that Flink leaves to the directory names. Written by `partitionedJsonLinesSink(dir, { partitionOf: (r) => r.partition })`.',
  build: () => (events$) => {
    // the last minute formatted: bids come in time order, so nearly every bid reuses it
    let minute = Number.NaN;
    let dt = '';
    let hm = '';
    let partition = '';
    return events$.pipe(
      filterRecords(isBid),
      mapRecords((b): PartitionedBid => {
        const m = Math.floor(b.dateTime / MINUTE_MS);
        if (m !== minute) {
          const iso = new Date(m * MINUTE_MS).toISOString(); // 2015-07-15T00:01:00.000Z
          minute = m;
          dt = iso.slice(0, 10);
          hm = iso.slice(11, 16);
          partition = `dt=${dt}/hm=${hm}`;
        }
        return { auction: b.auction, bidder: b.bidder, price: b.price, dateTime: b.dateTime, extra: b.extra, dt, hm, partition };
      }),
    );
  },
};
