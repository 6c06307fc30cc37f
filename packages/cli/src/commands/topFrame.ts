import { chartData, formatCount, formatInstant, formatMs, formatRate, lastValue, type JobStatus, type WorkerStatus } from '@weir/http';
import { displayName, formatBytes } from '../format';
import { formatTable } from '../formatTable';

/** Checkpoints `weir top` lists, newest first. */
const CHECKPOINT_ROWS = 5;

/**
 * One frame of `weir top`: the job's state in `current` (a `/status` document) as a few lines
 * (with the worker's partitions and key groups when it is one worker of a partitioned job) and
 * tables: sources, their partitions (records, rate, watermark, lag, idle), operators with their
 * late records, stores, the last checkpoints.
 * Rates are the counters' differences from `previous` (the status one interval earlier) over
 * the difference of their times, as the live page computes them; `–` without `previous`, or
 * where a counter went back (a restart). Names are printed as `weir inspect` prints store
 * names. Pure. Cost: O(sources + operators + stores).
 *
 * @example
 * ```ts
 * io.stdout(topFrame(before, now, 'http://127.0.0.1:9464'));
 * // weir top  http://127.0.0.1:9464  window-job  running  up 5 min 3 s
 * // ...
 * ```
 */
export function topFrame(previous: JobStatus | undefined, current: JobStatus, url: string): string {
  const data = chartData(previous === undefined ? [current] : [previous, current]);
  const cp = current.checkpoints;
  const p = current.process;
  const last = cp.last === null ? 'none yet' : `#${cp.last.id} ${formatMs(cp.last.ageMs)} ago (${formatMs(cp.last.durationMs)}, ${formatBytes(cp.last.sizeBytes)}, stall ${formatMs(cp.last.stallMs)})`;
  const lines = [
    `weir top  ${url}  ${displayName(current.job)}  ${current.running ? 'running' : 'not running'}  up ${formatMs(current.uptimeMs)}  at ${formatInstant(current.time)}`,
    `checkpoints: ${cp.completed} completed, ${cp.failed} failed, ${cp.inFlight} in flight${cp.restoredFrom === null ? '' : `, restored from #${cp.restoredFrom}`}; last ${last}; longest stall ${formatMs(cp.maxStallMs)}`,
    `process: pid ${p.pid}, heap ${formatBytes(p.heapUsedBytes)} of ${formatBytes(p.heapTotalBytes)}, rss ${formatBytes(p.rssBytes)}, GC ${p.gcCount} (longest ${formatMs(p.gcPauseMaxMs)})`,
    ...(current.worker === undefined ? [] : [workerLine(current.worker)]),
    '',
  ];
  const right = (n: number): Array<'left' | 'right'> => ['left', ...Array<'right'>(n).fill('right')];
  const section = (title: string, header: string[], rows: string[][]): string =>
    rows.length === 0 ? `${title}: none\n` : formatTable(rows, { header, align: right(header.length - 1) });
  const sources = section(
    'SOURCES',
    ['SOURCE', 'READ', 'READ/S', 'WATERMARK', 'LAG', 'STATE'],
    current.sources.map((s) => [
      displayName(s.name),
      formatCount(s.recordsRead),
      formatRate(lastValue(data.sourceRates, s.name)),
      formatInstant(s.watermark),
      s.watermarkLagMs === null ? '–' : formatMs(s.watermarkLagMs),
      s.ended ? 'ended' : 'reading',
    ]),
  );
  // per partition of the partitioned sources: which one holds the watermark back, which one is behind
  const partitionRows = current.sources.flatMap((s) =>
    (s.partitions ?? []).map((q) => [
      `${displayName(s.name)} ${q.partition}`,
      formatCount(q.recordsRead),
      formatRate(partitionRate(previous, current, s.name, q.partition, q.recordsRead)),
      formatInstant(q.watermark),
      q.watermarkLagMs === null ? '–' : formatMs(q.watermarkLagMs),
      q.idle ? 'idle' : 'active',
    ]),
  );
  const partitions = partitionRows.length === 0 ? '' : `\n${section('PARTITIONS', ['PARTITION', 'READ', 'READ/S', 'WATERMARK', 'LAG', 'STATE'], partitionRows)}`;
  const operators = section(
    'OPERATORS',
    ['OPERATOR', 'IN', 'OUT', 'LATE', 'IN/S', 'OUT/S', 'LATE/S'],
    current.operators.map((o) => [
      displayName(o.name),
      formatCount(o.recordsIn),
      formatCount(o.recordsOut),
      formatCount(o.lateRecords),
      formatRate(lastValue(data.operatorInRates, o.name)),
      formatRate(lastValue(data.operatorOutRates, o.name)),
      formatRate(lastValue(data.operatorLateRates, o.name)),
    ]),
  );
  const stores = section(
    'STORES',
    ['STORE', 'ENTRIES', 'BYTES'],
    current.stores.map((s) => [displayName(s.name), formatCount(s.entries), formatBytes(s.bytes)]),
  );
  const checkpoints = section(
    'CHECKPOINTS',
    ['CHECKPOINT', 'AGE', 'DURATION', 'STALL', 'SIZE'],
    cp.recent
      .slice(-CHECKPOINT_ROWS)
      .reverse()
      .map((c) => [`#${c.id}`, formatMs(c.ageMs), formatMs(c.durationMs), formatMs(c.stallMs), formatBytes(c.sizeBytes)]),
  );
  return `${lines.join('\n')}\n${sources}${partitions}\n${operators}\n${stores}\n${checkpoints}`;
}

/** `worker 0 of 2: partitions 0-3, key groups [0, 64)`: what a worker of a partitioned job owns. */
function workerLine(w: WorkerStatus): string {
  const parts = w.partitions;
  const contiguous = parts.length > 1 && parts.every((x, i) => i === 0 || x === parts[i - 1]! + 1);
  const list = parts.length === 0 ? 'none' : contiguous ? `${parts[0]}-${parts[parts.length - 1]}` : parts.join(', ');
  return `worker ${w.index} of ${w.workers}: partitions ${list}, key groups [${w.keyGroups.start}, ${w.keyGroups.end})`;
}

/** Records/s of one partition between two statuses; `null` without the earlier one, or when its count went back (a restart). */
function partitionRate(previous: JobStatus | undefined, current: JobStatus, source: string, partition: string, read: number): number | null {
  if (previous === undefined || current.time <= previous.time) return null;
  const before = previous.sources.find((s) => s.name === source)?.partitions?.find((q) => q.partition === partition);
  if (before === undefined || read < before.recordsRead) return null;
  return ((read - before.recordsRead) * 1000) / (current.time - previous.time);
}
