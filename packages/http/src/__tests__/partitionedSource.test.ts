// A partitioned source (its reader names each value's partition, as jetStreamSource does): /metrics
// gives weir_watermark_lag_seconds per partition (label `partition`) beside the source's own, and
// /status lists the partitions with their watermark, largest timestamp and lag, read mid-run while
// the source stands still; and the records each partition delivered (weir_partition_records_total,
// recordsRead per partition in /status), which add up to the source's.
import { CheckpointCoordinator, MemoryCheckpointStorage, collectingSink, type Source } from '@weir/checkpoint';
import { serveJob, type JobStatus } from '../index';

interface Value {
  readonly p: 'fast' | 'slow';
  readonly ts: number;
}

/**
 * Rounds of one value per partition ('fast' at 1 s steps, 'slow' at 0.1 s steps, and a second
 * 'fast' value at the same time every third round), stopping after `stopAfter` rounds until `go()`.
 */
function twoPartitions(rounds: number, stopAfter: number) {
  let reach!: () => void;
  let go!: () => void;
  const reached = new Promise<void>((r) => (reach = r));
  const gone = new Promise<number>((r) => (go = () => r(0)));
  const source: Source<Value> = {
    describe: () => 'two partitions',
    open: () => {
      let i = 0;
      let stopped = false;
      return {
        read: async () => [],
        readEach: (_max, emit) => {
          if (i === stopAfter && !stopped) {
            stopped = true;
            reach();
            return gone;
          }
          if (i >= rounds) return 0;
          i++;
          emit({ p: 'fast', ts: i * 1_000 }, 'fast');
          emit({ p: 'slow', ts: i * 100 }, 'slow');
          if (i % 3 !== 0) return 2;
          emit({ p: 'fast', ts: i * 1_000 }, 'fast');
          return 3;
        },
        offset: () => i,
        ended: () => i >= rounds,
      };
    },
  };
  return { source, reached, go };
}

function sample(text: string, series: string): number {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  if (line === undefined) throw new Error(`no sample ${series} in\n${text}`);
  return Number(line.slice(series.length + 1));
}

describe('serveJob: a partitioned source', () => {
  it('gives the watermark lag and the records read per partition in /metrics and /status', async () => {
    const job = await CheckpointCoordinator.open({ storage: new MemoryCheckpointStorage() });
    const { source, reached, go } = twoPartitions(40, 20);
    const out$ = job.source('ab', source, { timestamp: (v) => v.ts, maxOutOfOrderness: 50 }).pipe(job.sink('out', collectingSink()));
    const server = await serveJob(job, { port: 0 });
    try {
      const done = job.run(out$);
      await reached;
      const metrics = await (await fetch(`${server.url}/metrics`)).text();
      const status = (await (await fetch(`${server.url}/status`)).json()) as JobStatus;
      go();
      await done;

      // each partition's own watermark trails its own largest timestamp by the bound (ms - 1)
      const view = status.sources[0]!;
      expect(view.partitions).toEqual([
        { partition: 'fast', watermark: 20_000 - 51, maxTimestamp: 20_000, watermarkLagMs: 51, idle: false, recordsRead: 26 },
        { partition: 'slow', watermark: 2_000 - 51, maxTimestamp: 2_000, watermarkLagMs: 51, idle: false, recordsRead: 20 },
      ]);
      // the source's watermark is the slowest partition's, far behind the largest timestamp it saw
      expect(view).toMatchObject({ recordsRead: 46, watermark: 2_000 - 51, maxTimestamp: 20_000, watermarkLagMs: 20_000 - 2_000 + 51 });
      expect(sample(metrics, 'weir_watermark_lag_seconds{source="ab"}')).toBeCloseTo((20_000 - 2_000 + 51) / 1_000, 9);
      expect(sample(metrics, 'weir_watermark_lag_seconds{source="ab",partition="fast"}')).toBeCloseTo(0.051, 9);
      expect(sample(metrics, 'weir_watermark_lag_seconds{source="ab",partition="slow"}')).toBeCloseTo(0.051, 9);
      expect(sample(metrics, 'weir_source_records_total{source="ab"}')).toBe(46);
      // 20 rounds: 20 'slow' values, 20 + 6 (rounds 3, 6, ..., 18) 'fast' ones
      expect(sample(metrics, 'weir_partition_records_total{source="ab",partition="fast"}')).toBe(26);
      expect(sample(metrics, 'weir_partition_records_total{source="ab",partition="slow"}')).toBe(20);
      // after the end of input every value is counted: 40 rounds, 13 of them with a second 'fast'
      const end = job.view().sources()[0]!;
      expect(end.recordsRead).toBe(93);
      expect(end.partitions?.map((p) => [p.partition, p.recordsRead])).toEqual([
        ['fast', 53],
        ['slow', 40],
      ]);
    } finally {
      await server.close();
    }
  });
});
