import { Counter, Gauge, Registry, collectDefaultMetrics } from 'prom-client';
import type { JobView } from '@weir/checkpoint';

/** `max - wm` in seconds when both are finite (0 past the end of input); `undefined` otherwise. */
function lagSeconds(max: number, wm: number): number | undefined {
  if (wm === Number.POSITIVE_INFINITY) return 0;
  return Number.isFinite(max) && Number.isFinite(wm) ? Math.max(0, max - wm) / 1_000 : undefined;
}

/**
 * Internal: a prom-client registry of its own (not the global one) whose metrics read `view` when
 * scraped (docs/architecture.md §7): the job's figures under `weir_*`, in base units (seconds,
 * bytes), counters as `_total`, plus prom-client's default process and Node.js metrics (heap,
 * RSS, event-loop lag, GC pauses as `nodejs_gc_duration_seconds`). Nothing runs between scrapes
 * but prom-client's GC and event-loop observers. A scrape is O(sources + partitions + operators +
 * stores).
 */
export function jobRegistry(view: JobView, job: string): Registry {
  const registry = new Registry();
  const registers = [registry];
  // the job's name as an info metric, not a default label: Prometheus sets `job` itself
  new Gauge({ name: 'weir_job_info', help: 'The weir job this process runs (always 1).', labelNames: ['name'], registers }).set({ name: job }, 1);

  const operatorCounter = (name: string, help: string, read: (m: { recordsIn: number; recordsOut: number; lateRecords: number; invalidRecords: number }) => number): void => {
    new Counter({
      name,
      help,
      labelNames: ['operator'],
      registers,
      collect() {
        this.reset();
        for (const [operator, m] of view.operators()) this.inc({ operator }, read(m));
      },
    });
  };
  operatorCounter('weir_records_in_total', 'Records received by a stateful operator (late and invalid ones included).', (m) => m.recordsIn);
  operatorCounter('weir_records_out_total', 'Records emitted by a stateful operator.', (m) => m.recordsOut);
  operatorCounter('weir_records_late_total', 'Records a stateful operator dropped as late (handed to its late side output).', (m) => m.lateRecords);
  operatorCounter('weir_records_invalid_total', 'Records a stateful operator rejected (handed to onInvalid).', (m) => m.invalidRecords);

  new Counter({
    name: 'weir_source_records_total',
    help: 'Records a source emitted in this run.',
    labelNames: ['source'],
    registers,
    collect() {
      this.reset();
      for (const s of view.sources()) this.inc({ source: s.name }, s.recordsRead);
    },
  });
  new Counter({
    name: 'weir_partition_records_total',
    help: 'Records a partition of a partitioned source delivered in this run.',
    labelNames: ['source', 'partition'],
    registers,
    collect() {
      this.reset();
      for (const s of view.sources()) {
        for (const p of s.partitions ?? []) this.inc({ source: s.name, partition: p.partition }, p.recordsRead);
      }
    },
  });
  new Gauge({
    name: 'weir_watermark_lag_seconds',
    help: "Event-time lag of a source's watermark behind the largest timestamp it has seen (per partition once partitioned).",
    labelNames: ['source', 'partition'],
    registers,
    collect() {
      this.reset();
      for (const s of view.sources()) {
        const lag = lagSeconds(s.maxTimestamp, s.watermark);
        if (lag !== undefined) this.set({ source: s.name }, lag);
        for (const p of s.partitions ?? []) {
          const plag = lagSeconds(p.maxTimestamp, p.watermark);
          if (plag !== undefined) this.set({ source: s.name, partition: p.partition }, plag);
        }
      }
    },
  });

  const storeGauge = (name: string, help: string, read: (entries: number, bytes: number) => number): void => {
    new Gauge({
      name,
      help,
      labelNames: ['store'],
      registers,
      collect() {
        this.reset();
        for (const store of view.storeNames()) {
          const s = view.store(store);
          if (s !== undefined) this.set({ store }, read(s.len(), s.sizeBytes()));
        }
      },
    });
  };
  storeGauge('weir_store_entries', 'Live entries in a store.', (entries) => entries);
  storeGauge('weir_store_bytes', 'Approximate live bytes in a store.', (_, bytes) => bytes);

  const m = view.metrics;
  const checkpointCounter = (name: string, help: string, read: () => number): void => {
    new Counter({
      name,
      help,
      registers,
      collect() {
        this.reset();
        this.inc(read());
      },
    });
  };
  checkpointCounter('weir_checkpoints_completed_total', 'Checkpoints persisted and committed in this run.', () => m.checkpointsCompleted);
  checkpointCounter('weir_checkpoints_failed_total', 'Checkpoints the storage could not persist in this run.', () => m.checkpointsFailed);

  /** A gauge of the last completed checkpoint; NaN before the first. */
  const lastGauge = (name: string, help: string, read: () => number): void => {
    new Gauge({
      name,
      help,
      registers,
      collect() {
        this.set(m.lastCompletedId === undefined ? Number.NaN : read());
      },
    });
  };
  lastGauge('weir_checkpoint_duration_seconds', 'Trigger to committed, of the last completed checkpoint.', () => m.lastDurationMs / 1_000);
  lastGauge('weir_checkpoint_size_bytes', "Encoded bytes of the last completed checkpoint's stores.", () => m.lastSizeBytes);
  lastGauge('weir_checkpoint_stall_seconds', 'The longest the record path stood still because of the last completed checkpoint.', () => m.lastPauseMs / 1_000);
  lastGauge('weir_checkpoint_age_seconds', 'Time since the last completed checkpoint was committed.', () => {
    const recent = view.recentCheckpoints();
    const last = recent[recent.length - 1];
    return last === undefined ? Number.NaN : Math.max(0, view.now() - last.completedAt) / 1_000;
  });

  return Registry.merge([registry, processRegistry()]);
}

let processMetrics: Registry | undefined;

/**
 * prom-client's default process and Node.js metrics, on one registry for the whole process
 * (never the global one): they describe the process, not a job, and each set installs observers
 * (GC, event-loop delay) that cannot be removed, so every server shares the one set.
 */
function processRegistry(): Registry {
  if (processMetrics === undefined) {
    processMetrics = new Registry();
    collectDefaultMetrics({ register: processMetrics });
  }
  return processMetrics;
}
