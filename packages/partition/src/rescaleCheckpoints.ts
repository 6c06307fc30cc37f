import { StateSnapshot, describeValue, mergeKeyGroupSlices, messageOf, optionKeys, sliceKeyGroups, type KeyGroupRange, type OperatorScopeMerge } from '@weir/state';
import { loadLatestCheckpoint, type CheckpointData, type CheckpointStorage, type Json, type Sink, type SourceCheckpoint, type SourcePartitionCheckpoint } from '@weir/checkpoint';
import { checkPartitionOptionKeys } from './checkPartitionOptionKeys';
import { PartitionError } from './PartitionError';
import { ownershipOf, resolveLayout, type Ownership, type PartitionLayout } from './PartitionLayout';
import { mapOffsets, type PartitionedOffsets } from './PartitionedOffsets';

/** Options of {@link rescaleCheckpoints}. */
export interface RescaleCheckpointsOptions {
  /** The old workers' checkpoint storages, by worker index (N of them). Read only. */
  readonly from: readonly CheckpointStorage[];
  /** The new workers' checkpoint storages, by worker index (M of them): each gets one checkpoint. */
  readonly to: readonly CheckpointStorage[];
  /** The job's partitions and key groups (default 128): the same the old workers ran with. */
  readonly layout: { readonly partitions: number; readonly keyGroups?: number };
  /**
   * Merges the operator-scoped entries of the operators whose state several old workers held
   * (`mergeWindowOperatorScope` of `@weir/window` for window operators). Without it, those
   * entries must be identical in every slice.
   */
  readonly mergeOperatorScope?: OperatorScopeMerge;
  /**
   * The sink named `name` of old worker `worker`, to finish its two-phase commit: every old
   * worker's sink is opened with the state of its latest checkpoint (which commits the output
   * pre-committed there and discards the rest, as a restart would) and closed. Required when a
   * checkpoint holds sink state with output still pending; without it the rescale refuses
   * (`UNCOMMITTED_OUTPUT`).
   */
  readonly sinks?: (name: string, worker: number) => Sink<unknown>;
  /** How each source's offset splits by partition, by source name; default {@link mapOffsets} for every source. */
  readonly offsets?: Readonly<Record<string, PartitionedOffsets>>;
  /** The name of partition `p` in offsets and watermarks; default `String(p)` (as {@link partitionedSource} names them). */
  readonly partitionName?: (partition: number) => string;
  /** Receives a line per step. */
  readonly log?: (message: string) => void;
}

const KEYS = optionKeys<RescaleCheckpointsOptions>({ from: true, to: true, layout: true, mergeOperatorScope: true, sinks: true, offsets: true, partitionName: true, log: true });

/** What {@link rescaleCheckpoints} did. */
export interface RescaleReport {
  /** The id of the checkpoint written to every new worker's storage: one above the highest old one. */
  readonly checkpointId: number;
  /** The old workers' checkpoints the state came from, by old worker index. */
  readonly restoredFrom: readonly number[];
  /** Per new worker: what it owns, and the entries and encoded bytes of its stores. */
  readonly workers: ReadonlyArray<{ readonly ownership: Ownership; readonly entries: number; readonly bytes: number }>;
  /** Old workers' sinks whose two-phase commit was finished, as `name@worker`. */
  readonly committedSinks: readonly string[];
  /** Wall-clock time of the whole rescale, ms. */
  readonly ms: number;
}

/**
 * Rescales a partitioned job from N to M workers, offline, from the old workers' latest
 * checkpoints (as Flink rescales from a savepoint; docs/architecture.md §6). Stop every old
 * worker first; then start M workers that restore from their own storage as usual.
 *
 * 1. Loads each old worker's newest valid checkpoint (falling back past corrupt ones). A worker
 *    without one is `NO_CHECKPOINT`. Every keyed state entry and every partition offset of old
 *    worker i must lie in what `ownershipOf(i, N, layout)` gives it, else `LAYOUT_MISMATCH` (the
 *    checkpoints were written with another number of workers, partitions or key groups).
 * 2. For each new worker j: every store is the union of the key-group slices it now owns, taken
 *    from the old workers holding them (`sliceKeyGroups`, `mergeKeyGroupSlices` with
 *    `mergeOperatorScope`); every source's offset joins the positions of the partitions it owns,
 *    taken from their old owners, with their per-partition watermark state; the source's
 *    watermark is the minimum of those old owners' (never ahead of any input it now reads). The
 *    checkpoint holds no sink state: each generation of workers writes to its own sink locations
 *    (a fresh sink), which keeps the output of a worker index that is retired and later revived.
 *    It is saved under one id above every old checkpoint's.
 * 3. Finishes every old sink's two-phase commit (see {@link RescaleCheckpointsOptions.sinks}):
 *    the union of all sinks' committed output is then exactly what the old workers' checkpoints
 *    cover, and the new workers continue from exactly there.
 *
 * Safe to run again after a crash: old storages and sinks are read or committed idempotently,
 * new checkpoints replaced. Cost: O(n log n) for n state entries, plus encoding and writing
 * them once; memory holds every old checkpoint decoded.
 *
 * @example
 * ```ts
 * await rescaleCheckpoints({
 *   from: [0, 1].map((i) => new FileCheckpointStorage(`chk/gen-1/worker-${i}`)),
 *   to: [0, 1, 2].map((i) => new FileCheckpointStorage(`chk/gen-2/worker-${i}`)),
 *   layout: { partitions: 8, keyGroups: 128 },
 *   mergeOperatorScope: mergeWindowOperatorScope,
 *   sinks: (name, worker) => jsonLinesSink(`out/gen-1/worker-${worker}`),
 * });
 * ```
 */
export async function rescaleCheckpoints(options: RescaleCheckpointsOptions): Promise<RescaleReport> {
  const where = 'rescaleCheckpoints';
  const t0 = performance.now();
  if (typeof options !== 'object' || options === null) throw new PartitionError('INVALID_ARGUMENT', `${where}: expected options { from, to, layout, ... }, got ${describeValue(options)}`);
  checkPartitionOptionKeys(where, options, KEYS);
  const { from, to, log = () => undefined } = options;
  const layout = resolveLayout(options.layout, where);
  const isStorage = (s: unknown): boolean => typeof (s as CheckpointStorage | undefined)?.save === 'function' && typeof (s as CheckpointStorage).list === 'function';
  for (const [what, list] of [['from', from], ['to', to]] as const) {
    if (!Array.isArray(list) || list.length === 0 || list.length > layout.partitions || !list.every(isStorage)) {
      throw new PartitionError('INVALID_ARGUMENT', `${where}: option \`${what}\` must be 1 to ${layout.partitions} (the number of partitions) checkpoint storages, got ${describeValue(list)}`);
    }
  }
  for (const fn of ['mergeOperatorScope', 'sinks', 'partitionName', 'log'] as const) {
    if (options[fn] !== undefined && typeof options[fn] !== 'function') throw new PartitionError('INVALID_ARGUMENT', `${where}: option \`${fn}\` must be a function, got ${describeValue(options[fn])}`);
  }
  const nameOf = options.partitionName ?? ((p: number) => String(p));
  const partitionIndex = new Map<string, number>();
  for (let p = 0; p < layout.partitions; p++) partitionIndex.set(nameOf(p), p);
  if (partitionIndex.size !== layout.partitions) throw new PartitionError('INVALID_ARGUMENT', `${where}: option \`partitionName\` must give each partition a distinct name`);
  const N = from.length;
  const M = to.length;
  const oldOwn = from.map((_, i) => ownershipOf(i, N, layout));
  const newOwn = to.map((_, j) => ownershipOf(j, M, layout));

  // 1. the old workers' latest checkpoints, checked against the layout
  const old: CheckpointData[] = [];
  for (let i = 0; i < N; i++) {
    const storage = from[i]!;
    const data = await loadLatestCheckpoint(storage, (m) => log(`worker ${i}: ${m}`));
    if (data === undefined) throw new PartitionError('NO_CHECKPOINT', `${where}: old worker ${i} has no valid checkpoint in ${storage.describe()}: nothing to take its key groups ${oldOwn[i]!.keyGroups} and partitions from`);
    log(`worker ${i} of ${N}: checkpoint ${data.id} (${storage.describe()})`);
    old.push(data);
  }
  const snapshots = old.map((data, i) => {
    const out = new Map<string, StateSnapshot>();
    for (const [name, bytes] of Object.entries(data.stores)) {
      let snap: StateSnapshot;
      try {
        snap = StateSnapshot.decode(bytes);
      } catch (err) {
        throw new PartitionError('IO', `${where}: store '${name}' of old worker ${i}'s checkpoint ${data.id} does not decode: ${messageOf(err)}`, { cause: err });
      }
      checkKeyGroupsOf(snap, oldOwn[i]!.keyGroups, layout, `${where}: store '${name}' of old worker ${i}'s checkpoint ${data.id}`);
      out.set(name, snap);
    }
    return out;
  });
  const positions = old.map((data, i) => splitSources(data, i, oldOwn[i]!, options.offsets ?? {}, partitionIndex, where));

  // 2. the new workers' checkpoints
  const checkpointId = Math.max(...old.map((d) => d.id)) + 1;
  const storeNames = [...new Set(old.flatMap((d) => Object.keys(d.stores)))].sort();
  const sourceNames = [...new Set(old.flatMap((d) => Object.keys(d.sources)))].sort();
  const workers: Array<{ ownership: Ownership; entries: number; bytes: number }> = [];
  for (let j = 0; j < M; j++) {
    const own = newOwn[j]!;
    const donors = oldOwn.map((o, i) => (o.keyGroups.start < own.keyGroups.end && own.keyGroups.start < o.keyGroups.end ? i : -1)).filter((i) => i >= 0);
    const stores: Record<string, Uint8Array> = {};
    let entries = 0;
    let bytes = 0;
    for (const name of storeNames) {
      const slices = donors.filter((i) => snapshots[i]!.has(name)).map((i) => sliceKeyGroups(snapshots[i]!.get(name)!, own.keyGroups));
      let merged: StateSnapshot;
      try {
        merged = mergeKeyGroupSlices(slices, { range: own.keyGroups, ...(options.mergeOperatorScope !== undefined ? { mergeOperatorScope: options.mergeOperatorScope } : {}) });
      } catch (err) {
        throw new PartitionError('LAYOUT_MISMATCH', `${where}: store '${name}' for new worker ${j} (key groups ${own.keyGroups}) cannot be merged from old workers ${donors.join(', ')}: ${messageOf(err)}`, { cause: err });
      }
      const encoded = merged.encode();
      entries += merged.len();
      bytes += encoded.length;
      stores[name] = encoded;
    }
    const sources: Record<string, SourceCheckpoint> = {};
    for (const name of sourceNames) {
      const joined = joinSource(name, own, donors, old, positions, options.offsets?.[name] ?? mapOffsets, nameOf);
      if (joined !== undefined) sources[name] = joined;
    }
    try {
      await to[j]!.save({ id: checkpointId, time: Date.now(), sources, sinks: {}, stores });
    } catch (err) {
      throw new PartitionError('IO', `${where}: cannot save checkpoint ${checkpointId} of new worker ${j} to ${to[j]!.describe()}: ${messageOf(err)}`, { cause: err });
    }
    log(`new worker ${j} of ${M}: partitions ${own.partitions.join(', ')}, key groups ${own.keyGroups}, ${entries} entries, ${bytes} bytes, checkpoint ${checkpointId}`);
    workers.push({ ownership: own, entries, bytes });
  }

  // 3. finish the old sinks' two-phase commit
  const committedSinks: string[] = [];
  for (let i = 0; i < N; i++) {
    for (const [name, state] of Object.entries(old[i]!.sinks)) {
      if (options.sinks === undefined) {
        if (nothingPending(state)) continue;
        throw new PartitionError(
          'UNCOMMITTED_OUTPUT',
          `${where}: sink '${name}' of old worker ${i} holds output pre-committed by checkpoint ${old[i]!.id} (${describeValue(state)}); pass option \`sinks\` so the rescale can commit it`,
        );
      }
      const sink = options.sinks(name, i);
      try {
        const writer = await sink.open(state);
        await writer.close?.();
      } catch (err) {
        throw new PartitionError('UNCOMMITTED_OUTPUT', `${where}: cannot commit sink '${name}' of old worker ${i} (${sink.describe()}) from checkpoint ${old[i]!.id}: ${messageOf(err)}`, { cause: err });
      }
      committedSinks.push(`${name}@${i}`);
    }
  }
  return { checkpointId, restoredFrom: old.map((d) => d.id), workers, committedSinks, ms: performance.now() - t0 };
}

/** Throws `LAYOUT_MISMATCH` for a keyed entry outside `range` (or a key group beyond the layout's). O(entries). */
function checkKeyGroupsOf(snap: StateSnapshot, range: KeyGroupRange, layout: PartitionLayout, where: string): void {
  for (const [key] of snap.entries()) {
    const group = key.length >= 2 ? (key[0]! << 8) | key[1]! : -1;
    if (group === 0xffff || range.contains(group)) continue;
    const why = group < 0 || group >= layout.keyGroups ? `not a key group of ${layout.keyGroups}` : `outside the worker's key groups ${range}`;
    throw new PartitionError(
      'LAYOUT_MISMATCH',
      `${where} holds an entry of key group ${group} (${why}): was it written with another number of key groups (${layout.keyGroups} now), partitions (${layout.partitions}) or workers, or by an operator without key groups?`,
    );
  }
}

/** Each source's positions by partition index, checked to lie in the old worker's partitions. */
function splitSources(data: CheckpointData, worker: number, own: Ownership, codecs: Readonly<Record<string, PartitionedOffsets>>, partitionIndex: ReadonlyMap<string, number>, where: string): Map<string, Map<number, Json>> {
  const out = new Map<string, Map<number, Json>>();
  for (const [name, source] of Object.entries(data.sources)) {
    const at = `${where}: source '${name}' of old worker ${worker}'s checkpoint ${data.id}`;
    let split: Record<string, Json>;
    try {
      split = (codecs[name] ?? mapOffsets).split(source.offset, at);
    } catch (err) {
      throw err instanceof PartitionError ? err : new PartitionError('OFFSETS', `${at}: ${messageOf(err)}`, { cause: err });
    }
    const byIndex = new Map<number, Json>();
    for (const [partition, position] of Object.entries(split)) {
      const p = partitionIndex.get(partition);
      if (p === undefined) throw new PartitionError('LAYOUT_MISMATCH', `${at}: its offset names partition '${partition}', which is none of the layout's ${partitionIndex.size} (another number of partitions, or another \`partitionName\`?)`);
      if (!own.partitions.includes(p)) throw new PartitionError('LAYOUT_MISMATCH', `${at}: holds the offset of partition '${partition}', which worker ${worker} of ${own.workers} does not own (${own.partitions.join(', ')})`);
      byIndex.set(p, position);
    }
    out.set(name, byIndex);
  }
  return out;
}

/** Source `name`'s checkpoint for a new worker owning `own`, from its donors; `undefined` if none read it. */
function joinSource(
  name: string,
  own: Ownership,
  donors: readonly number[],
  old: readonly CheckpointData[],
  positions: ReadonlyArray<Map<string, Map<number, Json>>>,
  codec: PartitionedOffsets,
  nameOf: (p: number) => string,
): SourceCheckpoint | undefined {
  const withSource = donors.filter((i) => old[i]!.sources[name] !== undefined);
  if (withSource.length === 0) return undefined;
  const joined: Record<string, Json> = {};
  const partitions: Record<string, SourcePartitionCheckpoint> = {};
  let anyPartitions = false;
  let maxTimestamp = Number.NEGATIVE_INFINITY;
  for (const i of withSource) {
    const source = old[i]!.sources[name]!;
    const mine = positions[i]!.get(name)!;
    for (const p of own.partitions) {
      const partition = nameOf(p);
      if (mine.has(p)) joined[partition] = mine.get(p)!;
      const state = source.partitions?.[partition];
      if (state !== undefined) {
        partitions[partition] = state;
        anyPartitions = true;
        if (state.maxTimestamp > maxTimestamp) maxTimestamp = state.maxTimestamp;
      }
    }
    if (source.partitions === undefined) maxTimestamp = Math.max(maxTimestamp, source.maxTimestamp);
  }
  const watermark = Math.min(...withSource.map((i) => old[i]!.sources[name]!.watermark));
  const state: SourceCheckpoint = { offset: codec.join(joined), maxTimestamp, watermark, sinceWatermark: 0 };
  return anyPartitions ? { ...state, partitions } : state;
}

/** Whether a sink state is the built-in sinks' `{ upTo, pending: [] }`: nothing left to commit. */
function nothingPending(state: Json): boolean {
  if (typeof state !== 'object' || state === null || Array.isArray(state)) return false;
  const pending = (state as Record<string, Json>)['pending'];
  return Array.isArray(pending) && pending.length === 0 && typeof (state as Record<string, Json>)['upTo'] === 'number';
}
