import { WriteBackCache, keyPartId } from '@weir/state';
// Internal: the engine behind hoppingWindow and cumulativeWindow, whose windows overlap.
//
// Flink's pane ("slice") technique: time is cut into panes of gcd(size, slide) (hopping) or
// `step` (cumulative); each record updates one accumulator per (pane, key), written through to the
// store, instead of one per window it belongs to (size / slide of them). A window's result is
// the merge of its panes' accumulators, computed when it fires. Which windows have fired or been
// purged follows from the watermark alone (windows fire in end order as it advances), so the
// store holds only pane accumulators and the watermark. When windows fire and what they emit
// is the EmitPolicy's to say.
import type { Window } from '../Window';
import type { WindowAssigner } from '../assigners/WindowAssigner';
import { floorMod } from '../assigners/floorMod';
import { WindowError } from '../WindowError';
import { assertTimestamp, describeValue } from '../limits';
import { Scratch, readGroups, writeGroup } from './windowState';
import { EmitPolicy } from './emitPolicy';
import type { GroupKey, WindowOptions } from './WindowOptions';
import type { WindowOperator } from './WindowOperator';
import { windowOperator, type Engine, type EngineContext } from './windowHarness';

interface Group<K, A> {
  readonly key: K;
  readonly mapKey: unknown;
  acc: A;
  readonly seq: number;
  /** Built on the first write (with a cache, most groups never reach the store); set iff stored. */
  storeKey: Uint8Array | undefined;
  readonly paneStart: number;
  readonly paneEnd: number;
  /** Changed since last written to the store (held in the write-back cache). */
  dirty: boolean;
  cacheSlot: number;
}

interface Pane<K, A> {
  readonly start: number;
  readonly end: number;
  /** The windows containing this pane, by end. */
  readonly windows: readonly Window[];
  /** When the last window containing the pane is purged. */
  readonly purgeAt: number;
  readonly groups: Map<unknown, Group<K, A>>;
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
  const scratch = new Scratch();
  const panes = new Map<number, Pane<K, A>>(); // by pane end
  let nextDue = Number.POSITIVE_INFINITY;

  const openPane = (start: number, windows: readonly Window[]): Pane<K, A> => {
    let lastEnd = start + paneSize;
    for (const w of windows) if (w.end > lastEnd) lastEnd = w.end;
    const pane: Pane<K, A> = { start, end: start + paneSize, windows, purgeAt: policy.purgeTime(lastEnd), groups: new Map() };
    panes.set(pane.end, pane);
    nextDue = Math.min(nextDue, dueOf(pane, ctx.watermark()));
    return pane;
  };

  const dueOf = (pane: Pane<K, A>, wm: number): number => {
    let due = pane.purgeAt;
    for (const w of pane.windows) {
      const ft = policy.fireTime(w.end);
      if (ft > wm && ft < due) due = ft;
    }
    return due;
  };

  const write = (g: Group<K, A>): void => {
    g.storeKey ??= keys.group(g.paneEnd, g.paneStart, g.key);
    writeGroup(store, scratch, g.storeKey, g.seq, 0, codec.encode(g.acc));
  };
  const cache = new WriteBackCache<Group<K, A>>(o.cacheSize, write);
  const save = (g: Group<K, A>): void => cache.changed(g);

  // merge(a, b) may mutate `a` and may return `b`: never let a pane's accumulator become `a`.
  const mergeInto = (acc: A, paneAcc: A): A => {
    const merged = aggregate.merge(acc, paneAcc);
    return merged === paneAcc ? codec.decode(codec.encode(paneAcc)) : merged;
  };

  /** The key's result over the panes of `w`, or `found: false` when the key has none there. */
  const resultOf = (w: Window, mapKey: unknown): { found: boolean; value: R | undefined } => {
    let acc: A | undefined;
    for (let e = w.start + paneSize; e <= w.end; e += paneSize) {
      const g = panes.get(e)?.groups.get(mapKey);
      if (g !== undefined) acc = mergeInto(acc ?? aggregate.create(), g.acc);
    }
    return acc === undefined ? { found: false, value: undefined } : { found: true, value: aggregate.result(acc) };
  };

  const fireWindow = (w: Window): void => {
    counters.windowsFired++;
    const byKey = new Map<unknown, { key: K; acc: A; seq: number }>();
    let contributing = 0;
    for (let e = w.start + paneSize; e <= w.end; e += paneSize) {
      const pane = panes.get(e);
      if (pane === undefined || pane.groups.size === 0) continue;
      contributing++;
      for (const g of pane.groups.values()) {
        const entry = byKey.get(g.mapKey);
        if (entry === undefined) byKey.set(g.mapKey, { key: g.key, acc: mergeInto(aggregate.create(), g.acc), seq: g.seq });
        else {
          entry.acc = mergeInto(entry.acc, g.acc);
          if (g.seq < entry.seq) entry.seq = g.seq;
        }
      }
    }
    // Keys in the order of their first record in the window (creation numbers are persisted,
    // so a restored operator orders them the same way).
    const entries = [...byKey.values()];
    if (contributing > 1) entries.sort((a, b) => a.seq - b.seq);
    for (const { key, acc } of entries) ctx.emit(key, w.start, w.end, aggregate.result(acc), 'insert');
  };

  const recomputeDue = (wm: number): void => {
    nextDue = Number.POSITIVE_INFINITY;
    const open = new Set<number>(); // windows (by end) holding data and not yet purged
    for (const pane of panes.values()) {
      nextDue = Math.min(nextDue, dueOf(pane, wm));
      if (pane.groups.size === 0) continue;
      for (const w of pane.windows) if (!policy.isLate(w.end, wm)) open.add(w.end);
    }
    counters.openWindows = open.size;
  };

  return {
    load() {
      for (const [end, stored] of readGroups(store, keys, where)) {
        const start = stored[0]!.start;
        const pane = panes.get(end) ?? openPane(start, assigner.assign(start));
        for (const e of stored) {
          const key = e.key as K;
          pane.groups.set(keyPartId(key), { key, mapKey: keyPartId(key), acc: codec.decode(e.acc), seq: e.seq, storeKey: e.storeKey, paneStart: start, paneEnd: end, dirty: false, cacheSlot: -1 });
        }
      }
      recomputeDue(ctx.watermark());
    },

    onRecord(el) {
      const ts = el.timestamp;
      let key: GroupKey;
      try {
        assertTimestamp(ts, where);
        key = ctx.keyOf(el);
      } catch (err) {
        ctx.invalid(el, err);
        return;
      }
      const wm = ctx.watermark();
      const start = ts - floorMod(ts - offset, paneSize);
      let pane = panes.get(start + paneSize);
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
      } else if (pane.purgeAt <= wm) {
        ctx.late(el);
        return;
      }
      const mk = keyPartId(key);
      // The live windows that answer this record at once (see EmitPolicy.emitsOnChange).
      let immediate: Window[] | undefined;
      for (const w of pane.windows) if (!policy.isLate(w.end, wm) && policy.emitsOnChange(w.end, wm)) (immediate ??= []).push(w);
      const before = immediate?.map((w) => resultOf(w, mk));
      let g = pane.groups.get(mk);
      const isNew = g === undefined;
      if (g === undefined) {
        g = {
          key: (key instanceof Uint8Array ? key.slice() : key) as K,
          mapKey: mk,
          acc: aggregate.create(),
          seq: ctx.nextSeq(),
          storeKey: undefined,
          paneStart: pane.start,
          paneEnd: pane.end,
          dirty: false,
          cacheSlot: -1,
        };
      }
      if (!ctx.fold(g, isNew, el)) return;
      if (isNew) {
        pane.groups.set(mk, g);
        if (pane.groups.size === 1) recomputeDue(wm);
      }
      save(g);
      if (immediate !== undefined) {
        immediate.forEach((w, i) => {
          const prior = before![i]!;
          const after = resultOf(w, mk).value as R;
          if (policy.retracts && prior.found) ctx.emit(g.key, w.start, w.end, prior.value as R, 'retract');
          ctx.emit(g.key, w.start, w.end, after, policy.kindOf(prior.found));
        });
      }
    },

    advance(wm, previous) {
      if (wm < nextDue) return;
      if (policy.firesOnWatermark) {
        const due = new Map<number, Window>();
        for (const pane of panes.values()) {
          for (const w of pane.windows) {
            const ft = policy.fireTime(w.end);
            if (ft > previous && ft <= wm) due.set(w.end, w);
          }
        }
        const ordered = [...due.values()].sort((a, b) => a.end - b.end || a.start - b.start);
        for (const w of ordered) fireWindow(w);
      }
      for (const pane of panes.values()) {
        if (pane.purgeAt > wm) continue;
        for (const g of pane.groups.values()) {
          cache.drop(g);
          if (g.storeKey !== undefined) store.delete(g.storeKey);
        }
        panes.delete(pane.end);
      }
      recomputeDue(wm);
    },

    flush: () => cache.flush(),
  };
}
