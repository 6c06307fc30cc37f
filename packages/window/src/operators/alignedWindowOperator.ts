import { WriteBackCache, keyPartId } from '@weir/state';
// Internal: the engine behind tumblingWindow and calendarWindow, whose windows partition time
// (each record belongs to exactly one window, so a window is its own pane).
//
// State (see windowState.ts) is written through to the store on every change, so the store is
// always current and a checkpoint costs only an O(1) snapshot plus writing the watermark. A
// decoded mirror of the open windows (slots -> groups) sits in front of it for speed; it is
// rebuilt from the store when the operator subscribes, in creation order, so a restored operator
// emits exactly what an uninterrupted one would.
import type { SingleWindowAssigner } from '../assigners/WindowAssigner';
import type { Window } from '../Window';
import { assertTimestamp } from '../limits';
import { decodeTuple } from '@weir/state';
import { FIRED, FLAG_CHANGED, FLAG_EMITTED, Scratch, readGroups, writeGroup } from './windowState';
import type { GroupKey, WindowOptions } from './WindowOptions';
import type { WindowOperator } from './WindowOperator';
import { windowOperator, type Engine, type EngineContext } from './windowHarness';

interface Group<K, A> {
  readonly key: K;
  acc: A;
  readonly seq: number;
  emitted: boolean;
  changed: boolean;
  /** Built on the first write (with a cache, many groups never reach the store); set iff stored. */
  storeKey: Uint8Array | undefined;
  readonly start: number;
  readonly end: number;
  /** Changed since last written to the store (held in the write-back cache). */
  dirty: boolean;
  cacheSlot: number;
}

interface Slot<K, A> {
  readonly start: number;
  readonly end: number;
  fired: boolean;
  nextEarly: number;
  readonly groups: Map<unknown, Group<K, A>>;
}

const FIRED_VALUE = Uint8Array.of(1);

/** Internal: builds a window operator over an assigner whose windows partition time. */
export function alignedWindowOperator<T, K extends GroupKey, A, R>(
  operator: string,
  assigner: SingleWindowAssigner,
  options: WindowOptions<T, K, A, R>,
): WindowOperator<T, K, R> {
  return windowOperator(operator, options, (ctx) => singlePaneEngine(ctx, assigner));
}

function singlePaneEngine<T, K extends GroupKey, A, R>(ctx: EngineContext<T, K, A, R>, assigner: SingleWindowAssigner): Engine<T> {
  const { o, keys, where, counters } = ctx;
  const { store, aggregate, allowedLateness: lateness, emit, earlyFiring } = o;
  const codec = aggregate.codec;
  const scratch = new Scratch();
  const slots = new Map<number, Slot<K, A>>(); // by window end
  let nextDue = Number.POSITIVE_INFINITY;

  const emitResult = (g: Group<K, A>, slot: Slot<K, A>, value: R, kind: 'insert' | 'update' | 'retract'): void =>
    ctx.emit(g.key, slot.start, slot.end, value, kind);

  const write = (g: Group<K, A>): void => {
    g.storeKey ??= keys.group(g.end, g.start, g.key);
    writeGroup(store, scratch, g.storeKey, g.seq, (g.emitted ? FLAG_EMITTED : 0) | (g.changed ? FLAG_CHANGED : 0), codec.encode(g.acc));
  };
  const cache = new WriteBackCache<Group<K, A>>(o.cacheSize, write);
  const save = (g: Group<K, A>): void => cache.changed(g);

  const firstEarly = (start: number): number => {
    if (earlyFiring === undefined) return Number.POSITIVE_INFINITY;
    // The first early-firing time after the current watermark.
    const k = Math.max(1, Math.floor((ctx.watermark() - start) / earlyFiring) + 1);
    return start + k * earlyFiring;
  };

  const dueTime = (slot: Slot<K, A>): number => {
    const purge = slot.end - 1 + lateness;
    if (emit !== 'watermark' || slot.fired) return purge;
    return slot.nextEarly < slot.end - 1 ? slot.nextEarly : slot.end - 1;
  };

  const openSlot = (w: Window, restoring = false): Slot<K, A> => {
    const slot: Slot<K, A> = { start: w.start, end: w.end, fired: false, nextEarly: firstEarly(w.start), groups: new Map() };
    if (!restoring && emit === 'watermark' && w.end - 1 <= ctx.watermark()) {
      // The watermark passed this window while it was empty: it counts as fired, so a record
      // within the allowed lateness is emitted at once.
      slot.fired = true;
      store.put(keys.fired(w.end, w.start), FIRED_VALUE);
    }
    slots.set(w.end, slot);
    counters.openWindows = slots.size;
    const due = dueTime(slot);
    if (due < nextDue) nextDue = due;
    return slot;
  };

  const recomputeDue = (): void => {
    nextDue = Number.POSITIVE_INFINITY;
    for (const slot of slots.values()) {
      const due = dueTime(slot);
      if (due < nextDue) nextDue = due;
    }
    counters.openWindows = slots.size;
  };

  const purge = (slot: Slot<K, A>): void => {
    for (const g of slot.groups.values()) {
      cache.drop(g);
      if (g.storeKey !== undefined) store.delete(g.storeKey);
    }
    if (slot.fired) store.delete(keys.fired(slot.end, slot.start));
    slots.delete(slot.end);
  };

  const fire = (slot: Slot<K, A>, onlyChanged: boolean): void => {
    counters.windowsFired++;
    for (const g of slot.groups.values()) {
      if (!g.changed && (onlyChanged || g.emitted)) continue;
      emitResult(g, slot, aggregate.result(g.acc), g.emitted ? 'update' : 'insert');
      g.emitted = true;
      g.changed = false;
    }
  };

  const process = (slot: Slot<K, A>, wm: number): void => {
    const lastInstant = slot.end - 1;
    const purgeAt = lastInstant + lateness;
    if (emit === 'final') {
      if (purgeAt <= wm) {
        fire(slot, false);
        purge(slot);
      }
      return;
    }
    if (emit === 'changelog') {
      if (purgeAt <= wm) purge(slot);
      return;
    }
    if (!slot.fired && slot.nextEarly <= wm && slot.nextEarly < lastInstant) {
      fire(slot, true);
      for (const g of slot.groups.values()) if (g.emitted) save(g);
      slot.nextEarly = firstEarly(slot.start);
    }
    if (!slot.fired && lastInstant <= wm) {
      fire(slot, false);
      slot.fired = true;
      // Every group of a fired window has been emitted: a restore infers that from this marker.
      if (purgeAt > wm) store.put(keys.fired(slot.end, slot.start), FIRED_VALUE);
    }
    if (slot.fired && purgeAt <= wm) purge(slot);
  };

  return {
    load() {
      for (const [end, stored] of readGroups(store, keys, where)) {
        const slot = slots.get(end) ?? openSlot({ start: stored[0]!.start, end }, true);
        for (const e of stored) {
          const key = e.key as K;
          slot.groups.set(keyPartId(key), {
            key,
            acc: codec.decode(e.acc),
            seq: e.seq,
            emitted: (e.flags & FLAG_EMITTED) !== 0,
            changed: (e.flags & FLAG_CHANGED) !== 0,
            storeKey: e.storeKey,
            start: e.start,
            end,
            dirty: false,
            cacheSlot: -1,
          });
        }
      }
      const prefixLength = keys.prefix.length + 1;
      for (const [k] of store.prefixScan(keys.section(FIRED))) {
        const [end] = decodeTuple(k, prefixLength) as [number, number];
        const slot = slots.get(end);
        if (slot === undefined) continue;
        slot.fired = true;
        for (const g of slot.groups.values()) {
          g.emitted = true;
          g.changed = false;
        }
      }
      recomputeDue();
    },

    onRecord(el) {
      const ts = el.timestamp;
      let key: GroupKey;
      let w: Window;
      try {
        assertTimestamp(ts, where);
        key = ctx.keyOf(el);
        w = assigner.assignOne(ts);
      } catch (err) {
        ctx.invalid(el, err);
        return;
      }
      if (w.end - 1 + lateness <= ctx.watermark()) {
        ctx.late(el); // its window is purged
        return;
      }
      const slot = slots.get(w.end) ?? openSlot(w);
      const mk = keyPartId(key);
      let g = slot.groups.get(mk);
      const isNew = g === undefined;
      if (g === undefined) {
        g = {
          key: (key instanceof Uint8Array ? key.slice() : key) as K,
          acc: aggregate.create(),
          seq: ctx.nextSeq(),
          emitted: false,
          changed: false,
          storeKey: undefined,
          start: w.start,
          end: w.end,
          dirty: false,
          cacheSlot: -1,
        };
      }
      const before = emit === 'changelog' && g.emitted ? aggregate.result(g.acc) : undefined;
      if (!ctx.fold(g, isNew, el)) return;
      if (isNew) slot.groups.set(mk, g);
      g.changed = true;
      if (emit === 'changelog') {
        if (g.emitted) emitResult(g, slot, before as R, 'retract');
        emitResult(g, slot, aggregate.result(g.acc), 'insert');
        g.emitted = true;
        g.changed = false;
      } else if (slot.fired) {
        emitResult(g, slot, aggregate.result(g.acc), g.emitted ? 'update' : 'insert');
        g.emitted = true;
        g.changed = false;
      }
      save(g);
    },

    advance(wm) {
      if (wm < nextDue) return;
      const due: Slot<K, A>[] = [];
      for (const slot of slots.values()) if (dueTime(slot) <= wm) due.push(slot);
      due.sort((a, b) => a.end - b.end || a.start - b.start);
      for (const slot of due) process(slot, wm);
      recomputeDue();
    },

    flush: () => cache.flush(),
  };
}
