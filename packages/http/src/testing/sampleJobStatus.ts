import type { CheckpointStatus, JobStatus } from '../JobStatus';

const T0 = Date.UTC(2026, 11, 5, 12, 0, 0);
const EVENT_T0 = Date.UTC(2026, 2, 29, 13, 0, 0);

/**
 * A plausible {@link JobStatus} of a window job one `step` (a second) after the first, for tests
 * and pages built against `/status` without a job: a partitioned source, a window operator with
 * late records, a store and recent checkpoints. Successive steps move every counter forward
 * (about 100k records/s) and event time with them, so a series of them draws charts. Pure: the
 * same step gives the same document.
 *
 * @param step - seconds since the first status (a non-negative integer; default 0)
 *
 * @example
 * ```ts
 * const series = [0, 1, 2, 3].map(sampleJobStatus);
 * expect(series[3]!.sources[0]!.recordsRead).toBeGreaterThan(series[0]!.sources[0]!.recordsRead);
 * ```
 */
export function sampleJobStatus(step = 0): JobStatus {
  const time = T0 + step * 1_000;
  const read = 120_000 + step * 100_000 + (step % 3) * 7_000;
  const maxTs = EVENT_T0 + step * 60_000;
  const wm = maxTs - 30_000 - (step % 4) * 2_000;
  const late = 12 + step * 3;
  const completed = 1 + Math.floor(step / 2);
  const recent: CheckpointStatus[] = [];
  for (let id = Math.max(1, completed - 9); id <= completed; id++) {
    const completedAt = T0 + (id - 1) * 2_000 - 500;
    recent.push({
      id,
      completedAt,
      ageMs: time - completedAt,
      durationMs: 180 + (id % 5) * 20,
      alignmentMs: 4 + (id % 3),
      stallMs: 1.5 + (id % 4) * 0.25,
      barrierMs: 0.8 + (id % 2) * 0.1,
      sizeBytes: 200_000 + id * 1_500,
    });
  }
  const entries = 1_800 + step * 40;
  const bytes = entries * 112;
  return {
    schema: 1,
    job: 'window-job',
    time,
    uptimeMs: 5_000 + step * 1_000,
    running: true,
    sources: [
      {
        name: 'clicks',
        recordsRead: read,
        watermark: wm,
        maxTimestamp: maxTs,
        watermarkLagMs: maxTs - wm,
        ended: false,
        partitions: [
          { partition: 'clicks.0', watermark: wm, maxTimestamp: maxTs - 1_000, watermarkLagMs: maxTs - 1_000 - wm, idle: false, recordsRead: Math.floor(read / 2) },
          { partition: 'clicks.1', watermark: wm + 4_000, maxTimestamp: maxTs, watermarkLagMs: maxTs - wm - 4_000, idle: false, recordsRead: read - Math.floor(read / 2) - Math.floor(read / 100) },
          { partition: 'clicks.2', watermark: wm - 60_000, maxTimestamp: maxTs - 90_000, watermarkLagMs: maxTs - 90_000 - (wm - 60_000), idle: true, recordsRead: Math.floor(read / 100) },
        ],
      },
    ],
    operators: [
      {
        name: 'views',
        recordsIn: read,
        recordsOut: Math.floor(read / 50),
        lateRecords: late,
        invalidRecords: 0,
        watermark: wm,
        ended: false,
        stateEntries: entries,
        stateBytes: bytes,
      },
    ],
    stores: [{ name: 'views', entries, bytes }],
    queries: [{ name: 'views', kind: 'windows' }],
    checkpoints: {
      triggered: completed + 1,
      completed,
      failed: 0,
      skipped: 0,
      inFlight: 1,
      restoredFrom: null,
      maxStallMs: 2.5,
      last: recent[recent.length - 1] ?? null,
      recent,
    },
    process: {
      pid: 4242,
      node: 'v20.19.0',
      heapUsedBytes: 48_000_000 + step * 250_000,
      heapTotalBytes: 80_000_000,
      rssBytes: 140_000_000 + step * 100_000,
      gcCount: 20 + step * 4,
      gcPauseMaxMs: 6.5,
      gcPauseTotalMs: 40 + step * 3.2,
    },
  };
}
