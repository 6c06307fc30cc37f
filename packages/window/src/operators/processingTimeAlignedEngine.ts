// Internal: the engine of processingTimeTumblingWindow and processingTimeHoppingWindow. A record
// goes into every window its arrival time falls in (one for tumbling, size / slide for hopping),
// with one accumulator per (window, key). Each open window has one PT_TIMER entry, due at its end
// (docs/architecture.md §3.6). A decoded mirror of the open windows sits in front of the store;
// changed groups wait in a dirty list written at each barrier (§3.2: the store is complete at
// every barrier), and the mirror is rebuilt from the store when the operator subscribes.
import { StateError, keyPartId } from '@weir/state';
import type { StreamRecord } from '@weir/stream';
import type { Window } from '../Window';
import type { GroupKey } from './WindowOptions';
import type { PtContext, PtEngine } from './processingTimeWindowOperator';
import { encodeGroup, readPtGroups, readPtTimers } from './processingTimeState';
import { HEADER_BYTES } from './windowState';

interface Group<K, A> {
  readonly key: K;
  acc: A;
  readonly seq: number;
  readonly storeKey: Uint8Array;
  /** Whether the store holds an entry under storeKey. */
  stored: boolean;
  dirty: boolean;
}

interface Slot<K, A> {
  readonly start: number;
  readonly end: number;
  readonly timer: Uint8Array;
  /** By keyPartId, in creation order. */
  readonly groups: Map<unknown, Group<K, A>>;
}

/** Internal: the engine over an assigner from an arrival time to its windows. */
export function processingTimeAlignedEngine<T, K extends GroupKey, A, R>(ctx: PtContext<T, K, A, R>, assign: (now: number) => readonly Window[]): PtEngine<T> {
  const { o, keys, where, counters } = ctx;
  const { store, aggregate } = o;
  const codec = aggregate.codec;
  /** Open windows by end then start (a map kept in due order: windows open in end order). */
  const slots = new Map<string, Slot<K, A>>();
  let dirty: Group<K, A>[] = [];
  /** Open windows in due order, as an array rebuilt lazily (windows open in increasing end). */
  let order: Slot<K, A>[] = [];

  const slotId = (start: number, end: number): string => `${end}:${start}`;

  const open = (w: Window): Slot<K, A> => {
    const timer = keys.ptTimer(w.end, w.end, w.start);
    store.put(timer, new Uint8Array(0));
    const slot: Slot<K, A> = { start: w.start, end: w.end, timer, groups: new Map() };
    slots.set(slotId(w.start, w.end), slot);
    // Arrival times only grow, so a new window ends at or after every open one (same size).
    let i = order.length;
    while (i > 0 && (order[i - 1]!.end > w.end || (order[i - 1]!.end === w.end && order[i - 1]!.start > w.start))) i--;
    order.splice(i, 0, slot);
    counters.openWindows = slots.size;
    return slot;
  };

  const write = (g: Group<K, A>): void => {
    store.put(g.storeKey, encodeGroup(g.seq, codec.encode(g.acc)));
    g.stored = true;
    g.dirty = false;
  };

  return {
    load() {
      for (const t of readPtTimers(store, keys)) {
        if (t.due !== t.end) throw new StateError('CORRUPTION', `${where}: a timer due at ${t.due} for the window ending at ${t.end}`);
        const slot: Slot<K, A> = { start: t.start, end: t.end, timer: t.key, groups: new Map() };
        slots.set(slotId(t.start, t.end), slot);
        order.push(slot);
      }
      for (const g of readPtGroups(store, keys, where)) {
        const slot = slots.get(slotId(g.start, g.end));
        if (slot === undefined) throw new StateError('CORRUPTION', `${where}: the store holds accumulators of the window ending at ${g.end} but no timer for it`);
        slot.groups.set(keyPartId(g.key), { key: g.key as K, acc: codec.decode(g.acc), seq: g.seq, storeKey: g.storeKey, stored: true, dirty: false });
      }
      counters.openWindows = slots.size;
    },

    onRecord(el: StreamRecord<T>, now: number) {
      let key: K & GroupKey;
      let windows: readonly Window[];
      try {
        key = ctx.keyOf(el);
        windows = assign(now);
      } catch (err) {
        ctx.invalid(el, err);
        return;
      }
      const mk = keyPartId(key);
      for (const w of windows) {
        const slot = slots.get(slotId(w.start, w.end)) ?? open(w);
        let group = slot.groups.get(mk);
        try {
          if (group === undefined) {
            const acc = aggregate.add(aggregate.create(), el.value, now);
            const k = (key instanceof Uint8Array ? key.slice() : key) as K;
            group = { key: k, acc, seq: ctx.nextSeq(), storeKey: keys.ptGroup(slot.end, slot.start, k), stored: false, dirty: false };
            slot.groups.set(mk, group);
          } else group.acc = aggregate.add(group.acc, el.value, now);
        } catch (err) {
          // An add may have half-updated the accumulator (the built-in aggregates never do):
          // take back the store's copy when it is the latest.
          if (group !== undefined && group.stored && !group.dirty) {
            const bytes = store.get(group.storeKey);
            if (bytes !== undefined) group.acc = codec.decode(bytes.subarray(HEADER_BYTES));
          }
          ctx.invalid(el, err);
          return;
        }
        if (!group.dirty) {
          group.dirty = true;
          dirty.push(group);
        }
      }
    },

    nextDue: () => (order.length > 0 ? order[0]!.end : Number.POSITIVE_INFINITY),

    fireDue(now) {
      let n = 0;
      while (n < order.length && order[n]!.end <= now) n++;
      if (n === 0) return 0;
      const due = order.slice(0, n);
      order = order.slice(n);
      for (const slot of due) {
        counters.windowsFired++;
        slots.delete(slotId(slot.start, slot.end));
        store.delete(slot.timer);
        for (const g of slot.groups.values()) {
          if (g.stored) store.delete(g.storeKey);
          g.dirty = false;
          ctx.emit(g.key, slot.start, slot.end, aggregate.result(g.acc));
        }
      }
      dirty = dirty.filter((g) => g.dirty);
      counters.openWindows = slots.size;
      return n;
    },

    flush() {
      for (const g of dirty) if (g.dirty) write(g);
      dirty = [];
    },
  };
}
