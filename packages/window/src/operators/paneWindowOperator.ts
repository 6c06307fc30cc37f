import { StateError, describeValue, keyPartId, type KeyPart } from '@weir/state';
// Internal: the engine behind hoppingWindow and cumulativeWindow, whose windows overlap.
//
// Flink's pane ("slice") technique: time is cut into panes of gcd(size, slide) (hopping) or
// `step` (cumulative); each record updates one accumulator per (pane, key) (which reaches the store through a
// StateCache), instead of one per window it belongs to (size / slide of them). A window's result is
// the merge of its panes' accumulators, computed when it fires. Each window holding data has one
// timer in the store's time-ordered TimerIndex (its firing, then its purge, when the panes whose
// last window it is go too), so a watermark finds the windows due in O(log n + due); the store
// holds pane accumulators, timers and the watermark. When windows fire and what they emit is the
// EmitPolicy's to say.
import type { Window } from '../Window';
import type { WindowAssigner } from '../assigners/WindowAssigner';
import { floorMod } from '../assigners/floorMod';
import { WindowError } from '../WindowError';
import { readGroups } from './windowState';
import { GroupTable, groupCache } from './GroupTable';
import { EmitPolicy, STEP_FIRE, STEP_PURGE } from './emitPolicy';
import { TIMER_FIRED, TimerIndex } from './TimerIndex';
import type { GroupKey, WindowOptions } from './WindowOptions';
import type { WindowOperator } from './WindowOperator';
import { windowOperator, type Engine, type EngineContext } from './windowHarness';
import { aggregateFailed } from './windowFailure';
import type { OpenWindow } from './windowQuery';

interface Pane<K, A> {
  readonly start: number;
  readonly end: number;
  /** The windows containing this pane, by end. */
  readonly windows: readonly Window[];
  /** The end of the last window containing the pane: the pane goes when that window does. */
  readonly lastEnd: number;
  /** When the last window containing the pane is purged. */
  readonly purgeAt: number;
  /** From which watermark on a change may be answered at once (see EmitPolicy.emitsOnChange). */
  readonly answersFrom: number;
  readonly groups: GroupTable<K, A>;
}

/** A window holding data, and its timer (a window always has exactly one). */
interface Tracked {
  readonly start: number;
  readonly end: number;
  fired: boolean;
  timer: Uint8Array | undefined;
}

/** Internal: builds a window operator over overlapping windows cut into panes. */
export function paneWindowOperator<T, K extends GroupKey, A, R>(
  operator: string,
  assigner: WindowAssigner,
  paneSize: number,
  offset: number,
  options: WindowOptions<T, K, A, R>,
): WindowOperator<T, K, R> {
  return windowOperator(
    operator,
    options,
    (ctx) => paneEngine(ctx, assigner, paneSize, offset),
    (o) => {
      if (o.earlyFiring !== undefined) {
        throw new WindowError(
          'INVALID_ARGUMENT',
          `${operator}: option \`earlyFiring\` is for tumbling and calendar windows (these windows already fire every slide or step), got ${describeValue(o.earlyFiring)}`,
          o.earlyFiring,
        );
      }
    },
  );
}

function paneEngine<T, K extends GroupKey, A, R>(
  ctx: EngineContext<T, K, A, R>,
  assigner: WindowAssigner,
  paneSize: number,
  offset: number,
): Engine<T> {
  const { o, keys, where, counters } = ctx;
  const { store, aggregate } = o;
  const codec = aggregate.codec;
  const policy = new EmitPolicy(o);
  const timers = new TimerIndex(store, keys);
  const panes = new Map<number, Pane<K, A>>(); // by pane end
  /** The pane of the last record (a purged pane is never current). */
  let current: Pane<K, A> | undefined;
  const windows = new Map<number, Tracked>(); // windows holding data, by end
  /** The earliest timer's due time (a lower bound while timers are added). */
  let nextDue = Number.POSITIVE_INFINITY;

  const openPane = (start: number, inWindows: readonly Window[]): Pane<K, A> => {
    let lastEnd = start + paneSize;
    for (const w of inWindows) if (w.end > lastEnd) lastEnd = w.end;
    let firstEnd = lastEnd;
    for (const w of inWindows) if (w.end < firstEnd) firstEnd = w.end;
    const answersFrom = policy.retracts ? Number.NEGATIVE_INFINITY : policy.mode === 'watermark' ? firstEnd - 1 : Number.POSITIVE_INFINITY;
    const pane: Pane<K, A> = { start, end: start + paneSize, windows: inWindows, lastEnd, purgeAt: policy.purgeTime(lastEnd), answersFrom, groups: new GroupTable<K, A>(start, start + paneSize) };
    panes.set(pane.end, pane);
    return pane;
  };

  /** Moves a window's timer to what is due next for it (its firing, or its purge). */
  const schedule = (w: Tracked): void => {
    const due = policy.dueTime(w.end, Number.POSITIVE_INFINITY, w.fired);
    if (w.timer !== undefined) timers.remove(w.timer);
    w.timer = timers.add(due, w.end, w.start, w.fired ? TIMER_FIRED : 0);
    if (due < nextDue) nextDue = due;
  };

  /** Gives the live windows of a pane that just got its first data a timer, if they have none. */
  const track = (pane: Pane<K, A>, wm: number): void => {
    for (const w of pane.windows) {
      if (windows.has(w.end) || policy.isLate(w.end, wm)) continue;
      // A window the watermark passed while it was empty counts as fired.
      const tracked: Tracked = { start: w.start, end: w.end, fired: policy.fireTime(w.end) <= wm, timer: undefined };
      windows.set(w.end, tracked);
      schedule(tracked);
    }
    counters.openWindows = windows.size;
  };

  /** Deletes a window's timer, and the panes whose last window it is. */
  const purge = (w: Tracked): void => {
    if (w.timer !== undefined) timers.remove(w.timer);
    windows.delete(w.end);
    for (let e = w.start + paneSize; e <= w.end; e += paneSize) {
      const pane = panes.get(e);
      if (pane === undefined || pane.lastEnd !== w.end) continue;
      pane.groups.purge(cache, store);
      panes.delete(e);
      if (current === pane) current = undefined;
    }
  };

  const cache = groupCache<K, A>(store, keys, o.cacheSize, codec);

  // merge(a, b) may mutate `a` and may return `b`: never let a pane's accumulator become `a`. A
  // primitive (a count, a sum) cannot be mutated: only an object returned as is needs a copy.
  const mergeInto = (acc: A, paneAcc: A): A => {
    const merged = aggregate.merge(acc, paneAcc);
    return merged === paneAcc && typeof merged === 'object' && merged !== null ? codec.decode(codec.encode(paneAcc)) : merged;
  };

  /** The key's result over the panes of `w`, or `found: false` when the key has none there. */
  const resultOf = (w: Window, mapKey: unknown): { found: boolean; value: R | undefined } => {
    let acc: A | undefined;
    for (let e = w.start + paneSize; e <= w.end; e += paneSize) {
      const t = panes.get(e)?.groups;
      const i = t?.index.get(mapKey);
      if (i !== undefined) acc = mergeInto(acc ?? aggregate.create(), t!.accs.at(i));
    }
    return acc === undefined ? { found: false, value: undefined } : { found: true, value: aggregate.result(acc) };
  };

  const fireWindow = (w: Window): void => {
    counters.windowsFired++;
    // The window's keys, column by column: key identity -> index.
    const byKey = new Map<unknown, number>();
    const outKeys: K[] = [];
    const outAccs: A[] = [];
    const outSeqs: number[] = [];
    // Whether the keys were met in creation order (then no sort is needed): true for input in
    // time order, where a later pane's new keys were created after an earlier pane's.
    let ordered = true;
    for (let e = w.start + paneSize; e <= w.end; e += paneSize) {
      const t = panes.get(e)?.groups;
      if (t === undefined) continue;
      for (let i = 0; i < t.size; i++) {
        const mapKey = keyPartId(t.keys.at(i) as KeyPart);
        const seq = t.seqs[i]!;
        const at = byKey.get(mapKey);
        if (at === undefined) {
          if (outSeqs.length > 0 && seq < outSeqs[outSeqs.length - 1]!) ordered = false;
          byKey.set(mapKey, outKeys.length);
          outKeys.push(t.keys.at(i));
          outAccs.push(mergeInto(aggregate.create(), t.accs.at(i)));
          outSeqs.push(seq);
        } else {
          outAccs[at] = mergeInto(outAccs[at]!, t.accs.at(i));
          if (seq < outSeqs[at]!) {
            outSeqs[at] = seq;
            ordered = false;
          }
        }
      }
    }
    // Keys in the order of their first record in the window (creation numbers are persisted,
    // so a restored operator orders them the same way).
    const n = outKeys.length;
    if (ordered) {
      for (let j = 0; j < n; j++) ctx.emit(outKeys[j]!, w.start, w.end, aggregate.result(outAccs[j]!), 'insert');
      return;
    }
    const order = Array.from({ length: n }, (_, j) => j).sort((a, b) => outSeqs[a]! - outSeqs[b]!);
    for (const j of order) ctx.emit(outKeys[j]!, w.start, w.end, aggregate.result(outAccs[j]!), 'insert');
  };

  return {
    load() {
      for (const t of timers.all()) windows.set(t.end, { start: t.start, end: t.end, fired: (t.flags & TIMER_FIRED) !== 0, timer: t.key });
      for (const [end, stored] of readGroups(store, keys, where)) {
        const start = stored[0]!.start;
        const pane = panes.get(end) ?? openPane(start, assigner.assign(start));
        for (const e of stored) {
          const key = e.key as K;
          const i = pane.groups.add(keyPartId(key), key, codec.decode(e.acc), e.seq, 0, e.stored ? e.storeKey : undefined);
          // what came from the barrier log is newer than the store's entry: changed until written
          if (e.logged) pane.groups.changed(i, cache);
        }
        if (!windows.has(pane.lastEnd)) {
          throw new StateError('CORRUPTION', `${where}: the store holds accumulators of the pane ending at ${end} but no timer for its last window`);
        }
      }
      cache.loaded();
      nextDue = timers.earliest();
      counters.openWindows = windows.size;
    },

    onRecord(el) {
      const ts = el.timestamp; // checked by the harness
      let key: GroupKey;
      try {
        key = ctx.keyOf(el);
      } catch (err) {
        ctx.invalid(el, err);
        return;
      }
      const wm = ctx.watermark();
      // The pane of the last record, if it holds this one too (records come mostly in time order).
      let pane = current;
      if (pane === undefined || ts < pane.start || ts >= pane.end) {
        const start = ts - floorMod(ts - offset, paneSize);
        pane = panes.get(start + paneSize);
        if (pane === undefined) {
          const windows = assigner.assign(start);
          if (windows.length === 0) return; // in a gap between hopping windows: belongs to no window
          let lastEnd = start;
          for (const w of windows) if (w.end > lastEnd) lastEnd = w.end;
          if (policy.isLate(lastEnd, wm)) {
            ctx.late(el);
            return;
          }
          pane = openPane(start, windows);
        }
        current = pane;
      }
      if (pane.purgeAt <= wm) {
        ctx.late(el);
        return;
      }
      const t = pane.groups;
      const mk = keyPartId(key);
      // The live windows that answer this record at once (see EmitPolicy.emitsOnChange).
      let immediate: Window[] | undefined;
      if (wm >= pane.answersFrom) for (const w of pane.windows) if (!policy.isLate(w.end, wm) && policy.emitsOnChange(w.end, wm)) (immediate ??= []).push(w);
      const before = immediate?.map((w) => resultOf(w, mk));
      let i = t.index.get(mk);
      let acc: A;
      try {
        acc = aggregate.add(i === undefined ? aggregate.create() : t.accs.at(i), el.value, ts);
      } catch (err) {
        if (i !== undefined) t.accs.set(i, t.reloaded(i, store, codec));
        else if (t.size === 0) {
          // opened for this record alone
          panes.delete(pane.end);
          current = undefined;
        }
        ctx.invalid(el, aggregateFailed(where, aggregate.name, el, err));
        return;
      }
      if (i === undefined) {
        i = t.add(mk, (key instanceof Uint8Array ? key.slice() : key) as K, acc, ctx.nextSeq(), 0, undefined);
        if (t.size === 1) track(pane, wm);
      } else t.accs.set(i, acc);
      t.changed(i, cache);
      if (immediate !== undefined) {
        const k = t.keys.at(i);
        immediate.forEach((w, j) => {
          const prior = before![j]!;
          const after = resultOf(w, mk).value as R;
          if (policy.retracts && prior.found) ctx.emit(k, w.start, w.end, prior.value as R, 'retract');
          ctx.emit(k, w.start, w.end, after, policy.kindOf(prior.found));
        });
      }
    },

    advance(wm) {
      if (wm < nextDue) return;
      // The timers due, from the index; windows fire in end order, and a window's purge takes
      // only panes no later window holds.
      const due: Tracked[] = [];
      for (const t of timers.dueAt(wm)) {
        const w = windows.get(t.end);
        if (w === undefined) throw new StateError('CORRUPTION', `${where}: a timer of the window ending at ${t.end} outlived its window`);
        due.push(w);
      }
      due.sort((a, b) => a.end - b.end);
      for (const w of due) {
        const step = policy.step(w.end, Number.POSITIVE_INFINITY, w.fired, wm);
        if ((step & STEP_FIRE) !== 0) {
          fireWindow(w);
          w.fired = true;
        }
        if ((step & STEP_PURGE) !== 0) purge(w);
        else schedule(w);
      }
      nextDue = timers.earliest();
      counters.openWindows = windows.size;
    },

    flush: () => cache.flush(),
    capture: () => cache.capture(),

    openWindows(key) {
      const mk = keyPartId(key);
      const open: OpenWindow<unknown>[] = [];
      for (const w of windows.values()) {
        const r = resultOf(w, mk);
        if (r.found) open.push({ start: w.start, end: w.end, result: r.value, fired: w.fired });
      }
      return open;
    },
  };
}
