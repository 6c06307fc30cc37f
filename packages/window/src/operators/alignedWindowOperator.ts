import { StateError, keyPartId } from '@weir/state';
// Internal: the engine behind tumblingWindow and calendarWindow, whose windows partition time
// (each record belongs to exactly one window, so a window is its own pane).
//
// State (see windowState.ts) reaches the store through a StateCache: changed groups wait in memory
// (bounded by cacheSize) and a barrier records those still waiting in the barrier log, so the
// store holds all of it at every barrier. Each open window has one timer in the store's time-ordered TimerIndex
// (its next early firing, its end, or its purge time; flagged once it has fired), so a watermark
// finds the windows due in O(log n + due). A decoded mirror of the open windows (slots -> groups)
// sits in front of the store for speed; it is rebuilt from the store (timers, then groups in
// creation order) when the operator subscribes, so a restored operator emits exactly what an
// uninterrupted one would. When to fire and what is the EmitPolicy's to say.
import type { SingleWindowAssigner } from '../assigners/WindowAssigner';
import type { Window } from '../Window';
import { FLAG_CHANGED, FLAG_EMITTED, readGroups } from './windowState';
import { CHANGED, EMITTED, GroupTable, groupCache } from './GroupTable';
import { EmitPolicy, STEP_EARLY, STEP_FIRE, STEP_PURGE } from './emitPolicy';
import { TIMER_FIRED, TimerIndex } from './TimerIndex';
import type { GroupKey, WindowOptions } from './WindowOptions';
import type { WindowOperator } from './WindowOperator';
import { windowOperator, type Engine, type EngineContext } from './windowHarness';
import { aggregateFailed } from './windowFailure';
import type { OpenWindow } from './windowQuery';

/** An open window: its groups (a GroupTable, with the window's bounds) and its timer. */
interface Slot<K, A> {
  readonly start: number;
  readonly end: number;
  readonly groups: GroupTable<K, A>;
  fired: boolean;
  nextEarly: number;
  /** The slot's timer: its due time and store key (a slot always has exactly one). */
  due: number;
  timer: Uint8Array | undefined;
}

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
  const { store, aggregate } = o;
  const codec = aggregate.codec;
  const policy = new EmitPolicy(o);
  const timers = new TimerIndex(store, keys);
  const slots = new Map<number, Slot<K, A>>(); // by window end
  /** The slot of the last record (a purged slot is never current). */
  let current: Slot<K, A> | undefined;
  /** The earliest timer's due time (a lower bound while timers are added). */
  let nextDue = Number.POSITIVE_INFINITY;
  /** Whether a change can be answered at once at all (else onRecord asks no more). */
  const mayAnswer = policy.retracts || policy.mode === 'watermark';

  const cache = groupCache<K, A>(store, keys, o.cacheSize, codec);

  /** Moves the slot's timer to what is due next for it. */
  const schedule = (slot: Slot<K, A>): void => {
    const due = policy.dueTime(slot.end, slot.nextEarly, slot.fired);
    if (slot.timer !== undefined) timers.remove(slot.timer);
    slot.due = due;
    slot.timer = timers.add(due, slot.end, slot.start, slot.fired ? TIMER_FIRED : 0);
    if (due < nextDue) nextDue = due;
  };

  const newSlot = (start: number, end: number, fired: boolean, nextEarly: number, due: number, timer: Uint8Array | undefined): Slot<K, A> => ({
    start,
    end,
    groups: new GroupTable<K, A>(start, end),
    fired,
    nextEarly,
    due,
    timer,
  });

  const openSlot = (w: Window): Slot<K, A> => {
    const wm = ctx.watermark();
    // A window the watermark passed while it was empty counts as fired, so a record within the
    // allowed lateness is answered at once.
    const slot = newSlot(w.start, w.end, policy.fireTime(w.end) <= wm, policy.firstEarly(w.start, wm), 0, undefined);
    slots.set(w.end, slot);
    counters.openWindows = slots.size;
    schedule(slot);
    return slot;
  };

  const purge = (slot: Slot<K, A>): void => {
    slot.groups.purge(cache, store);
    if (slot.timer !== undefined) timers.remove(slot.timer);
    slot.timer = undefined;
    slots.delete(slot.end);
    if (current === slot) current = undefined;
  };

  const fire = (slot: Slot<K, A>, onlyChanged: boolean): void => {
    counters.windowsFired++;
    const t = slot.groups;
    const n = t.size;
    for (let i = 0; i < n; i++) {
      const f = t.flags[i]!;
      if ((f & CHANGED) === 0 && (onlyChanged || (f & EMITTED) !== 0)) continue;
      // flags first: emitting hands control downstream
      t.flags[i] = (f | EMITTED) & ~CHANGED;
      ctx.emit(t.keys.at(i), slot.start, slot.end, aggregate.result(t.accs.at(i)), (f & EMITTED) !== 0 ? 'update' : 'insert');
    }
  };

  const process = (slot: Slot<K, A>, wm: number): void => {
    const step = policy.step(slot.end, slot.nextEarly, slot.fired, wm);
    if ((step & STEP_EARLY) !== 0) {
      fire(slot, true);
      const t = slot.groups;
      for (let i = 0; i < t.size; i++) if ((t.flags[i]! & EMITTED) !== 0) t.changed(i, cache);
      slot.nextEarly = policy.firstEarly(slot.start, wm);
    }
    if ((step & STEP_FIRE) !== 0) {
      fire(slot, false);
      // Every group of a fired window has been emitted: a restore infers that from the timer's flag.
      slot.fired = true;
    }
    if ((step & STEP_PURGE) !== 0) purge(slot);
    else schedule(slot);
  };

  return {
    load() {
      // Every open window has a timer: rebuild the slots from them, then their groups.
      const wm = ctx.watermark();
      const logged: Array<[GroupTable<K, A>, number]> = [];
      for (const t of timers.all()) {
        slots.set(t.end, newSlot(t.start, t.end, (t.flags & TIMER_FIRED) !== 0, policy.firstEarly(t.start, wm), t.due, t.key));
      }
      for (const [end, stored] of readGroups(store, keys, where)) {
        const slot = slots.get(end);
        if (slot === undefined) {
          throw new StateError('CORRUPTION', `${where}: the store holds accumulators of the window ending at ${end} but no timer for it`);
        }
        for (const e of stored) {
          const key = e.key as K;
          // Every group of a fired window has been emitted (see process).
          const flags = slot.fired ? EMITTED : ((e.flags & FLAG_EMITTED) !== 0 ? EMITTED : 0) | ((e.flags & FLAG_CHANGED) !== 0 ? CHANGED : 0);
          const i = slot.groups.add(keyPartId(key), key, codec.decode(e.acc), e.seq, flags, e.stored ? e.storeKey : undefined);
          if (e.logged) logged.push([slot.groups, i]);
        }
      }
      // What came from the barrier log is newer than the store's entry: changed until written.
      for (const [t, i] of logged) t.changed(i, cache);
      cache.loaded();
      nextDue = timers.earliest();
      counters.openWindows = slots.size;
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
      // The slot of the last record, if it holds this one too (records come mostly in time order).
      let slot = current;
      if (slot === undefined || ts < slot.start || ts >= slot.end) {
        let w: Window;
        try {
          w = assigner.assignOne(ts);
        } catch (err) {
          ctx.invalid(el, err);
          return;
        }
        if (policy.isLate(w.end, ctx.watermark())) {
          ctx.late(el); // its window is purged
          return;
        }
        slot = slots.get(w.end) ?? openSlot(w);
        current = slot;
      }
      const t = slot.groups;
      const mk = keyPartId(key);
      let i = t.index.get(mk);
      // Whether the change is answered at once (read before `add`, which may mutate in place).
      const answer = mayAnswer && policy.emitsOnChange(slot.end, ctx.watermark());
      const emittedBefore = i !== undefined && (t.flags[i]! & EMITTED) !== 0;
      const before = answer && policy.retracts && emittedBefore ? aggregate.result(t.accs.at(i!)) : undefined;
      let acc: A;
      try {
        acc = aggregate.add(i === undefined ? aggregate.create() : t.accs.at(i), el.value, ts);
      } catch (err) {
        if (i !== undefined) t.accs.set(i, t.reloaded(i, store, codec));
        ctx.invalid(el, aggregateFailed(where, aggregate.name, el, err));
        return;
      }
      if (i === undefined) i = t.add(mk, (key instanceof Uint8Array ? key.slice() : key) as K, acc, ctx.nextSeq(), CHANGED, undefined);
      else {
        t.accs.set(i, acc);
        t.flags[i] = t.flags[i]! | CHANGED;
      }
      if (answer) {
        t.flags[i] = (t.flags[i]! | EMITTED) & ~CHANGED;
        if (policy.retracts && emittedBefore) ctx.emit(t.keys.at(i), slot.start, slot.end, before as R, 'retract');
        ctx.emit(t.keys.at(i), slot.start, slot.end, aggregate.result(acc), policy.kindOf(emittedBefore));
      }
      t.changed(i, cache);
    },

    advance(wm) {
      if (wm < nextDue) return;
      // The timers due, from the index; processed in window order (windows fire in end order).
      const due: Slot<K, A>[] = [];
      for (const t of timers.dueAt(wm)) {
        const slot = slots.get(t.end);
        if (slot === undefined) throw new StateError('CORRUPTION', `${where}: a timer of the window ending at ${t.end} outlived its window`);
        due.push(slot);
      }
      due.sort((a, b) => a.end - b.end);
      for (const slot of due) process(slot, wm);
      nextDue = timers.earliest();
      counters.openWindows = slots.size;
    },

    flush: () => cache.flush(),
    capture: () => cache.capture(),

    openWindows(key) {
      const mk = keyPartId(key);
      const open: OpenWindow<unknown>[] = [];
      for (const slot of slots.values()) {
        const i = slot.groups.index.get(mk);
        if (i !== undefined) open.push({ start: slot.start, end: slot.end, result: aggregate.result(slot.groups.accs.at(i)), fired: slot.fired });
      }
      return open;
    },
  };
}
