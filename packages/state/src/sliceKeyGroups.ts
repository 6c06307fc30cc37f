import { assertBytes, compareBytes } from './bytes';
import { describeValue } from './describeValue';
import type { Entry } from './Entry';
import { KeyGroupRange } from './KeyGroupRange';
import { StateError } from './StateError';
import { StateSnapshot, heldSnapshotView, snapshotOfView, snapshotView } from './StateSnapshot';
import type { StateStore } from './StateStore';
import { ViewBuilder } from './StoreView';
import { ViewRun, compareRanges } from './ViewRun';

/** The first key of group `kg` (`kg` ≤ 0xFFFF): its two bytes. */
const groupStart = (kg: number): Uint8Array => Uint8Array.of(kg >>> 8, kg & 0xff);
const SCOPE = groupStart(0xffff);

function isSnapshot(source: unknown): source is StateSnapshot {
  return source instanceof StateSnapshot;
}

/** Entries of `source` in `[from, to)` (`to` undefined: to the end), in key order. */
function* range(source: StateStore | StateSnapshot, from: Uint8Array, to: Uint8Array | undefined): Generator<Entry> {
  if (!isSnapshot(source)) {
    yield* to === undefined ? source.prefixScan(SCOPE) : source.rangeScan(from, to);
    return;
  }
  for (const entry of source.entries()) {
    if (compareBytes(entry[0], from) < 0) continue;
    if (to !== undefined && compareBytes(entry[0], to) >= 0) return;
    yield entry;
  }
}

/**
 * What one worker's state holds for the key groups `range`, for a rescale (docs/architecture.md
 * §6): every keyed entry of those groups (keys `u16(kg) ...` with `kg` in range: one range scan,
 * since a key group is one contiguous byte range of the store), plus every operator-scoped entry
 * (keys `FF FF ...`: meta entries, timers, logs), which each slice carries whole because they
 * belong to no group: {@link restoreFromSlices} merges them. Entries of keys that belong to
 * neither (an operator without key groups) are left out.
 *
 * Cost: O(log n + k) from a store (two range scans) or from an in-memory snapshot (two seeks,
 * then one copy of each entry's bytes into the new snapshot: no object per entry, no sort);
 * O(position of the range's end + scoped entries) from a lazily-backed snapshot, read in order.
 *
 * @param source - a store (read through its scans: a stable view) or a snapshot of one
 * @param range - the key groups to take
 * @returns a new snapshot holding copies of those entries
 *
 * @example
 * ```ts
 * // worker 0 of a job rescaled from 2 to 3 workers takes its groups from both old snapshots
 * const mine = keyGroupRangeOf(0, 3, 128);
 * const slices = oldSnapshots.map((s) => sliceKeyGroups(s, mine));
 * restoreFromSlices(store, slices, { range: mine, mergeOperatorScope });
 * ```
 */
export function sliceKeyGroups(source: StateStore | StateSnapshot, range: KeyGroupRange): StateSnapshot {
  if (!(range instanceof KeyGroupRange)) throw new StateError('INVALID_ARGUMENT', `sliceKeyGroups: range must be a KeyGroupRange, got ${describeValue(range)}`);
  if (range.end > 0xffff) throw new StateError('INVALID_ARGUMENT', `sliceKeyGroups: the range ${range} reaches the operator scope FF FF`);
  const view = isSnapshot(source) ? heldSnapshotView(source) : undefined;
  if (view !== undefined) {
    // straight from the snapshot's leaves and pages: one copy per entry, no sort
    const builder = new ViewBuilder(0, false);
    const runs = range.size > 0 ? [new ViewRun(view, groupStart(range.start), groupStart(range.end))] : [];
    runs.push(new ViewRun(view, SCOPE, undefined));
    for (const run of runs) for (; !run.done; run.next()) run.addTo(builder);
    return snapshotOfView(builder.finish());
  }
  const entries: Entry[] = [];
  if (range.size > 0) for (const e of rangeOf(source, range.start, range.end)) entries.push(e);
  for (const e of rangeOf(source, 0xffff, undefined)) entries.push(e);
  return StateSnapshot.fromEntries(entries);
}

function rangeOf(source: StateStore | StateSnapshot, start: number, end: number | undefined): Generator<Entry> {
  return range(source, groupStart(start), end === undefined ? undefined : groupStart(end));
}

/**
 * Merges the operator-scoped entries of one operator from several slices (see
 * {@link restoreFromSlices}).
 *
 * @param operator - the encoded operator name `P` (a tuple string component) the entries share
 * @param parts - per slice, that operator's operator-scoped entries (keys `FF FF P ...`), in key
 *   order; a slice without the operator gives an empty list
 * @param range - the key groups the restored store owns (entries about other groups, such as a
 *   barrier log's records of them, are to be dropped)
 * @returns the merged entries, in any order
 */
export type OperatorScopeMerge = (operator: Uint8Array, parts: ReadonlyArray<readonly Entry[]>, range: KeyGroupRange) => Iterable<readonly [Uint8Array, Uint8Array]>;

/** Options of {@link restoreFromSlices}. */
export interface RestoreFromSlicesOptions {
  /** The key groups the restored store owns: every keyed entry of the slices must be in it. */
  readonly range: KeyGroupRange;
  /**
   * Merges one operator's operator-scoped entries (its watermark, timers, log). Without it, the
   * slices must hold identical operator-scoped entries (else `StateError` `NOT_SUPPORTED`).
   * `@weir/window`'s `mergeWindowOperatorScope` merges a window operator's.
   */
  readonly mergeOperatorScope?: OperatorScopeMerge;
}

/** The end of the tuple string component starting at `at` (one past its 00 terminator). */
function stringEnd(key: Uint8Array, at: number): number | undefined {
  if (key[at] !== 0x02) return undefined;
  for (let i = at + 1; i < key.length; i++) {
    if (key[i] !== 0x00) continue;
    if (key[i + 1] === 0xff) {
      i++;
      continue;
    }
    return i + 1;
  }
  return undefined;
}

/**
 * Replaces all state of `store` with the union of several key-group slices
 * ({@link sliceKeyGroups}): what a worker of a rescaled job restores (docs/architecture.md §6).
 *
 * - Keyed entries (`u16(kg) ...`) are taken as they are. Slices must not overlap: a key in two
 *   slices, or a keyed entry outside `range`, is a `StateError` `INVALID_ARGUMENT`.
 * - Operator-scoped entries (`FF FF P ...`) are grouped by operator and merged by
 *   `mergeOperatorScope`. The rules a rescale applies to a window operator (and to any keyed
 *   operator adopting key groups): META takes the minimum watermark over the merged workers (no
 *   worker may act as if the slower one's input had passed) and the maximum sequence counter (so
 *   new entries never reuse a number); TIMER takes the union (one timer per window: the earliest
 *   due time, fired only if fired in every slice holding it); LOG keeps only the records of owned
 *   key groups.
 * - Anything else in a slice is an error.
 *
 * Like `restore`, all or nothing: the merged snapshot is built first, then restored.
 * Cost: O(n k) for n keyed entries from k slices (a k-way merge of their sorted runs, one copy
 * of each entry's bytes, no sort) plus O(s log s) for s operator-scoped entries.
 *
 * @example
 * ```ts
 * const range = keyGroupRangeOf(worker, workers, 128);
 * restoreFromSlices(store, checkpoints.map((c) => sliceKeyGroups(c.store, range)), { range, mergeOperatorScope: mergeWindowOperatorScope });
 * ```
 */
export function restoreFromSlices(store: StateStore, slices: readonly StateSnapshot[], options: RestoreFromSlicesOptions): void {
  store.restore(mergeSlices(slices, options, 'restoreFromSlices'));
}

/**
 * The snapshot {@link restoreFromSlices} restores, without a store: the union of the slices
 * with their operator-scoped entries merged, checked the same way. For a rescale that writes the
 * merged state to a checkpoint (encode it) instead of into a live store, which saves building
 * the store's tree and index. Cost: as {@link restoreFromSlices}'s.
 *
 * @example
 * ```ts
 * const bytes = mergeKeyGroupSlices(slices, { range, mergeOperatorScope }).encode();
 * ```
 */
export function mergeKeyGroupSlices(slices: readonly StateSnapshot[], options: RestoreFromSlicesOptions): StateSnapshot {
  return mergeSlices(slices, options, 'mergeKeyGroupSlices');
}

function mergeSlices(slices: readonly StateSnapshot[], options: RestoreFromSlicesOptions, where: string): StateSnapshot {
  const { range, mergeOperatorScope } = options ?? ({} as RestoreFromSlicesOptions);
  if (!(range instanceof KeyGroupRange)) throw new StateError('INVALID_ARGUMENT', `${where}: options.range must be a KeyGroupRange, got ${describeValue(range)}`);
  if (!Array.isArray(slices)) throw new StateError('INVALID_ARGUMENT', `${where}: slices must be an array of StateSnapshot, got ${describeValue(slices)}`);
  slices.forEach((slice, i) => {
    if (!isSnapshot(slice)) throw new StateError('INVALID_ARGUMENT', `${where}: slice ${i} must be a StateSnapshot, got ${describeValue(slice)}`);
  });
  const views = slices.map(snapshotView);
  const builder = new ViewBuilder(0, false);

  // Keyed entries: a k-way merge of the slices' sorted runs (k is the number of old workers),
  // copied once into the builder; a key in two slices or outside the range is refused.
  const runs = views.map((view) => new ViewRun(view, undefined, SCOPE));
  let prev: { kb: Uint8Array; start: number; end: number } | undefined;
  for (;;) {
    let min = -1;
    for (let i = 0; i < runs.length; i++) {
      const r = runs[i]!;
      if (r.done) continue;
      if (min < 0) {
        min = i;
        continue;
      }
      const m = runs[min]!;
      if (compareRanges(r.kb, r.keyStart(), r.keyEnd(), m.kb, m.keyStart(), m.keyEnd()) < 0) min = i;
    }
    if (min < 0) break;
    const run = runs[min]!;
    const group = run.group();
    if (group < 0 || !range.contains(group)) throw new StateError('INVALID_ARGUMENT', `${where}: slice ${min} holds a key outside the key groups ${range}: ${describeValue(run.key())}`);
    if (prev !== undefined && compareRanges(prev.kb, prev.start, prev.end, run.kb, run.keyStart(), run.keyEnd()) === 0) {
      throw new StateError('INVALID_ARGUMENT', `${where}: two slices hold the key ${describeValue(run.key())}: slices must not overlap`);
    }
    prev = { kb: run.kb, start: run.keyStart(), end: run.keyEnd() };
    run.addTo(builder);
    run.next();
  }

  // Operator-scoped entries (few: meta, timers, logs), grouped by operator and merged.
  const byOperator = new Map<string, { operator: Uint8Array; parts: Entry[][] }>();
  views.forEach((view, i) => {
    for (const run = new ViewRun(view, SCOPE, undefined); !run.done; run.next()) {
      const key = run.key();
      const end = stringEnd(key, 2);
      if (end === undefined) throw new StateError('INVALID_ARGUMENT', `${where}: slice ${i} holds an operator-scoped key without an operator name: ${describeValue(key)}`);
      const operator = key.subarray(2, end);
      const id = Buffer.from(operator).toString('latin1');
      let op = byOperator.get(id);
      if (op === undefined) byOperator.set(id, (op = { operator, parts: slices.map(() => []) }));
      op.parts[i]!.push([key, run.value()]);
    }
  });
  const scoped: Array<readonly [Uint8Array, Uint8Array]> = [];
  for (const { operator, parts } of byOperator.values()) {
    if (mergeOperatorScope !== undefined) {
      for (const e of mergeOperatorScope(operator, parts, range)) {
        assertBytes(e[0], 'merged operator-scoped key', where);
        assertBytes(e[1], 'merged operator-scoped value', where);
        if (e[0].length < 2 || e[0][0] !== 0xff || e[0][1] !== 0xff) throw new StateError('INVALID_ARGUMENT', `${where}: mergeOperatorScope returned a key outside the operator scope FF FF: ${describeValue(e[0])}`);
        scoped.push(e);
      }
      continue;
    }
    const first = parts.find((p) => p.length > 0)!;
    const same = (p: Entry[]): boolean => p.length === first.length && p.every(([k, v], j) => compareBytes(k, first[j]![0]) === 0 && compareBytes(v, first[j]![1]) === 0);
    if (!parts.every((p) => p.length === 0 || same(p))) {
      throw new StateError('NOT_SUPPORTED', `${where}: the slices hold different operator-scoped entries of operator ${describeValue(operator)}: pass options.mergeOperatorScope`);
    }
    scoped.push(...first);
  }
  // after every keyed entry (FF FF sorts last); a stable sort keeps equal keys in merge order: the last wins
  scoped.sort((x, y) => compareBytes(x[0], y[0]));
  for (let i = 0; i < scoped.length; i++) {
    const [key, value] = scoped[i]!;
    const next = scoped[i + 1];
    if (next !== undefined && compareBytes(key, next[0]) === 0) continue;
    builder.add(key, 0, key.length, value, 0, value.length);
  }
  return snapshotOfView(builder.finish());
}
