import type { JobView } from '@weir/checkpoint';
import type { Ownership } from '@weir/partition';
import type { CheckpointStatus, JobStatus, OperatorStatus, SourceStatus } from './JobStatus';
import type { GcPauses } from './GcPauses';

/** A number for JSON: itself when finite, else `null`. */
function finite(n: number | undefined): number | null {
  return n !== undefined && Number.isFinite(n) ? n : null;
}

/** `max - wm` when both are finite, 0 once the watermark reached the end of input, else `null`. */
function lag(max: number, wm: number): number | null {
  if (wm === Number.POSITIVE_INFINITY) return 0;
  return Number.isFinite(max) && Number.isFinite(wm) ? Math.max(0, max - wm) : null;
}

/**
 * Internal: the {@link JobStatus} of the job behind `view`, now. O(sources + partitions +
 * operators + stores + queries); reads live figures only (`store.len()` and `store.sizeBytes()` are O(1)).
 */
export function buildJobStatus(view: JobView, name: string, gc: GcPauses, own?: Ownership): JobStatus {
  const now = view.now();
  const sources: SourceStatus[] = view.sources().map((s) => {
    const base = {
      name: s.name,
      recordsRead: s.recordsRead,
      watermark: finite(s.watermark),
      maxTimestamp: finite(s.maxTimestamp),
      watermarkLagMs: lag(s.maxTimestamp, s.watermark),
      ended: s.watermark === Number.POSITIVE_INFINITY,
    };
    if (s.partitions === undefined) return base;
    return {
      ...base,
      partitions: s.partitions.map((p) => ({ partition: p.partition, watermark: finite(p.watermark), maxTimestamp: finite(p.maxTimestamp), watermarkLagMs: lag(p.maxTimestamp, p.watermark), idle: p.idle, recordsRead: p.recordsRead })),
    };
  });
  const operators: OperatorStatus[] = [];
  for (const [opName, m] of view.operators()) {
    operators.push({
      name: opName,
      recordsIn: m.recordsIn,
      recordsOut: m.recordsOut,
      lateRecords: m.lateRecords,
      invalidRecords: m.invalidRecords,
      watermark: finite(m.watermark),
      ended: m.watermark === Number.POSITIVE_INFINITY,
      stateEntries: m.storeEntries,
      stateBytes: m.storeBytes,
    });
  }
  const stores = view.storeNames().flatMap((storeName) => {
    const store = view.store(storeName);
    return store === undefined ? [] : [{ name: storeName, entries: store.len(), bytes: store.sizeBytes() }];
  });
  const queries = [...view.queries()].map(([queryName, q]) => ({ name: queryName, kind: q.kind }));
  const m = view.metrics;
  const recent: CheckpointStatus[] = view.recentCheckpoints().map((c) => ({
    id: c.id,
    completedAt: c.completedAt,
    ageMs: Math.max(0, now - c.completedAt),
    durationMs: c.durationMs,
    alignmentMs: c.alignmentMs,
    stallMs: c.pauseMs,
    barrierMs: c.barrierMs,
    sizeBytes: c.sizeBytes,
  }));
  const mem = process.memoryUsage();
  const worker = own === undefined ? {} : { worker: { index: own.worker, workers: own.workers, partitions: own.partitions, keyGroups: { start: own.keyGroups.start, end: own.keyGroups.end } } };
  return {
    schema: 1,
    job: name,
    time: now,
    uptimeMs: Math.max(0, Date.now() - view.openedAt),
    running: view.running,
    sources,
    operators,
    stores,
    queries,
    checkpoints: {
      triggered: m.checkpointsTriggered,
      completed: m.checkpointsCompleted,
      failed: m.checkpointsFailed,
      skipped: m.checkpointsSkipped,
      inFlight: m.checkpointsInFlight,
      restoredFrom: m.restoredFrom ?? null,
      maxStallMs: m.maxPauseMs,
      last: recent[recent.length - 1] ?? null,
      recent,
    },
    process: {
      pid: process.pid,
      node: process.version,
      heapUsedBytes: mem.heapUsed,
      heapTotalBytes: mem.heapTotal,
      rssBytes: mem.rss,
      gcCount: gc.count,
      gcPauseMaxMs: gc.maxMs,
      gcPauseTotalMs: gc.totalMs,
    },
    ...worker,
  };
}
