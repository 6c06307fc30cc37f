// The partitioned window job's fixed numbers and names: 8 input partitions carrying 16 key groups
// each (128 in all), the input stream, and the output streams (one per worker: a jetStreamSink
// must be its stream's only writer).
import { repartitionStreams, type RepartitionStreams } from '@weir/nats';

/** Input partitions and key groups: fixed for the life of the job's checkpoints (docs/scale-out.md). */
export const LAYOUT = { partitions: 8, keyGroups: 128 } as const;

/**
 * How far out of order clicks may arrive: longer than the generator's longest delay (10 min), so
 * no click is ever late however the partitions interleave, and the results equal a plain count.
 */
export const MAX_OUT_OF_ORDERNESS = 15 * 60_000;

/** The input stream: click `c` on subject `clicks-by-page.<partitionOfKey(c.page)>`. */
export const INPUT = { stream: 'CLICKS_BY_PAGE', subject: 'clicks-by-page' } as const;

/** The subject of input partition `p`. */
export function inputSubject(p: number): string {
  return `${INPUT.subject}.${p}`;
}

/** The output streams of a run with `workers` workers: worker `i` writes `PAGE_VIEWS_W<i>` on `page-views.w<i>.<p>`. */
export function outputStreams(workers: number): RepartitionStreams {
  return repartitionStreams({ stream: 'PAGE_VIEWS', subject: 'page-views', writers: workers, partitions: LAYOUT.partitions });
}
