// Internal: the per-partition event time of a partitioned source (docs/architecture.md, event
// time): one bounded-out-of-orderness watermark per partition, merged at the minimum of the
// partitions that are not idle (Flink's per-split watermarks with idleness).
import { BoundedOutOfOrdernessWatermarks } from '@weir/stream';
import type { SourcePartitionCheckpoint } from './CheckpointStorage';

interface Partition {
  readonly wm: BoundedOutOfOrdernessWatermarks;
  idle: boolean;
  /** A value arrived since the last idleness check. */
  seen: boolean;
  /** When a value last arrived (as of the idleness check after it), on the coordinator's clock. */
  lastActive: number;
  /** Values it delivered in this run (not saved in a checkpoint; 0 after a restore). */
  records: number;
}

/**
 * Internal: the watermarks of a source's partitions. {@link observe} takes each value in (O(1));
 * {@link advance} raises every partition's watermark and returns their minimum over the active
 * ones (O(partitions)); {@link sync} applies the reader's partition list and the idle timeout
 * once per read (O(partitions)). The caller keeps the source's emitted watermark and only emits
 * rises, so event time never goes back when an idle partition wakes up behind it.
 */
export class PartitionWatermarks {
  readonly #parts = new Map<string, Partition>();

  constructor(
    readonly maxOutOfOrderness: number,
    readonly idleTimeout: number,
  ) {}

  /** How many partitions are known. */
  get size(): number {
    return this.#parts.size;
  }

  /** Restores the saved partitions, each active since `now` unless it was idle. */
  restore(saved: Readonly<Record<string, SourcePartitionCheckpoint>>, now: number): void {
    for (const [name, s] of Object.entries(saved)) {
      const p = this.#add(name, now);
      p.wm.maxTimestamp = s.maxTimestamp;
      p.wm.watermark = s.watermark;
      p.idle = s.idle;
    }
  }

  /** A value of `partition` at `timestamp`: the partition is active again. */
  observe(partition: string, timestamp: number): void {
    const p = this.#parts.get(partition) ?? this.#add(partition, Number.NEGATIVE_INFINITY);
    p.wm.observe(timestamp);
    p.records++;
    p.seen = true;
    p.idle = false;
  }

  /** Raises every partition's watermark; the minimum over the active ones, or `undefined` if all are idle. */
  advance(): number | undefined {
    let min: number | undefined;
    for (const p of this.#parts.values()) {
      p.wm.advance();
      if (!p.idle && (min === undefined || p.wm.watermark < min)) min = p.wm.watermark;
    }
    return min;
  }

  /**
   * After a read at `now`: adds the listed partitions not known yet (active from `now`, holding
   * the watermark back), drops the known ones no longer listed (when `listed` is given), and
   * marks idle the active ones without a value for `idleTimeout` ms. Returns whether the set of
   * active partitions changed (the minimum may have risen).
   */
  sync(now: number, listed: readonly string[] | undefined): boolean {
    let changed = false;
    if (listed !== undefined) {
      for (const name of listed) {
        if (this.#parts.has(name)) continue;
        this.#add(name, now);
        changed = true;
      }
      // every listed partition is known now: an extra one is one no longer listed
      if (this.#parts.size > listed.length) {
        const keep = new Set(listed);
        for (const name of this.#parts.keys()) {
          if (keep.has(name)) continue;
          this.#parts.delete(name);
          changed = true;
        }
      }
    }
    for (const p of this.#parts.values()) {
      if (p.seen) {
        p.seen = false;
        p.lastActive = now;
      } else if (!p.idle && now - p.lastActive >= this.idleTimeout) {
        p.idle = true;
        changed = true;
      }
    }
    return changed;
  }

  /** The partitions' state for a checkpoint. */
  state(): Record<string, SourcePartitionCheckpoint> {
    const out: Record<string, SourcePartitionCheckpoint> = {};
    for (const [name, p] of this.#parts) out[name] = { maxTimestamp: p.wm.maxTimestamp, watermark: p.wm.watermark, idle: p.idle };
    return out;
  }

  /** Values each partition delivered in this run (since it was last listed). O(partitions). */
  recordsRead(): Record<string, number> {
    const out: Record<string, number> = {};
    for (const [name, p] of this.#parts) out[name] = p.records;
    return out;
  }

  #add(name: string, now: number): Partition {
    const p: Partition = { wm: new BoundedOutOfOrdernessWatermarks(this.maxOutOfOrderness), idle: false, seen: false, lastActive: now, records: 0 };
    this.#parts.set(name, p);
    return p;
  }
}
