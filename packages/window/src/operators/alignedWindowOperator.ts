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
import { FLAG_CHANGED, FLAG_EMITTED, Scratch, groupValue, readGroups } from './windowState';
import { StateCache } from './StateCache';
import { EmitPolicy, STEP_EARLY, STEP_FIRE, STEP_PURGE } from './emitPolicy';
import { TIMER_FIRED, TimerIndex } from './TimerIndex';
import type { GroupKey, WindowOptions } from './WindowOptions';
import type { WindowOperator } from './WindowOperator';
import { windowOperator, type Engine, type EngineContext } from './windowHarness';
import type { OpenWindow } from './windowQuery';

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
  const scratch = new Scratch();
  const slots = new Map<number, Slot<K, A>>(); // by window end
  /** The slot of the last record (a purged slot is never current). */
  let current: Slot<K, A> | undefined;
  /** The earliest timer's due time (a lower bound while timers are added). */
  let nextDue = Number.POSITIVE_INFINITY;

  const emitResult = (g: Group<K, A>, slot: Slot<K, A>, value: R, kind: 'insert' | 'update' | 'retract'): void =>
    ctx.emit(g.key, slot.start, slot.end, value, kind);

  const valueOf = (g: Group<K, A>): Uint8Array =>
    groupValue(scratch, g.seq, (g.emitted ? FLAG_EMITTED : 0) | (g.changed ? FLAG_CHANGED : 0), codec.encode(g.acc));
  const cache = new StateCache<Group<K, A>>(store, keys, o.cacheSize, {
    write(g) {
      const value = valueOf(g);
      g.storeKey ??= keys.group(g.end, g.start, g.key);
      store.put(g.storeKey, value);
    },
    keyView: (g) => g.storeKey ?? keys.groupView(g.end, g.start, g.key),
    valueView: valueOf,
  });
  const save = (g: Group<K, A>): void => cache.changed(g);

  /** Moves the slot's timer to what is due next for it. */
  const schedule = (slot: Slot<K, A>): void => {
    const due = policy.dueTime(slot.end, slot.nextEarly, slot.fired);
    if (slot.timer !== undefined) timers.remove(slot.timer);
    slot.due = due;
    slot.timer = timers.add(due, slot.end, slot.start, slot.fired ? TIMER_FIRED : 0);
    if (due < nextDue) nextDue = due;
  };

  const openSlot = (w: Window): Slot<K, A> => {
    const wm = ctx.watermark();
    // A window the watermark passed while it was empty counts as fired, so a record within the
    // allowed lateness is answered at once.
    const fired = policy.fireTime(w.end) <= wm;
    const slot: Slot<K, A> = { start: w.start, end: w.end, fired, nextEarly: policy.firstEarly(w.start, wm), groups: new Map(), due: 0, timer: undefined };
    slots.set(w.end, slot);
    counters.openWindows = slots.size;
    schedule(slot);
    return slot;
  };

  const purge = (slot: Slot<K, A>): void => {
    for (const g of slot.groups.values()) {
      cache.drop(g);
      if (g.storeKey !== undefined) store.delete(g.storeKey);
    }
    if (slot.timer !== undefined) timers.remove(slot.timer);
    slot.timer = undefined;
    slots.delete(slot.end);
    if (current === slot) current = undefined;
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
    const step = policy.step(slot.end, slot.nextEarly, slot.fired, wm);
    if ((step & STEP_EARLY) !== 0) {
      fire(slot, true);
      for (const g of slot.groups.values()) if (g.emitted) save(g);
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
      const logged: Array<Group<K, A>> = [];
      for (const t of timers.all()) {
        const fired = (t.flags & TIMER_FIRED) !== 0;
        slots.set(t.end, { start: t.start, end: t.end, fired, nextEarly: policy.firstEarly(t.start, wm), groups: new Map(), due: t.due, timer: t.key });
      }
      for (const [end, stored] of readGroups(store, keys, where)) {
        const slot = slots.get(end);
        if (slot === undefined) {
          throw new StateError('CORRUPTION', `${where}: the store holds accumulators of the window ending at ${end} but no timer for it`);
        }
        for (const e of stored) {
          const key = e.key as K;
          const g: Group<K, A> = {
            key,
            acc: codec.decode(e.acc),
            seq: e.seq,
            emitted: (e.flags & FLAG_EMITTED) !== 0,
            changed: (e.flags & FLAG_CHANGED) !== 0,
            storeKey: e.stored ? e.storeKey : undefined,
            start: e.start,
            end,
            dirty: false,
            cacheSlot: -1,
          };
          slot.groups.set(keyPartId(key), g);
          if (e.logged) logged.push(g);
        }
      }
      for (const slot of slots.values()) {
        if (!slot.fired) continue;
        for (const g of slot.groups.values()) {
          g.emitted = true;
          g.changed = false;
        }
      }
      // What came from the barrier log is newer than the store's entry: changed until written.
      for (const g of logged) save(g);
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
      const wm = ctx.watermark();
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
        if (policy.isLate(w.end, wm)) {
          ctx.late(el); // its window is purged
          return;
        }
        slot = slots.get(w.end) ?? openSlot(w);
        current = slot;
      }
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
          start: slot.start,
          end: slot.end,
          dirty: false,
          cacheSlot: -1,
        };
      }
      const answer = policy.emitsOnChange(slot.end, wm);
      // read before `add`, which may mutate the accumulator in place
      const before = answer && policy.retracts && g.emitted ? aggregate.result(g.acc) : undefined;
      if (!ctx.fold(g, isNew, el)) return;
      if (isNew) slot.groups.set(mk, g);
      g.changed = true;
      if (answer) {
        if (policy.retracts && g.emitted) emitResult(g, slot, before as R, 'retract');
        emitResult(g, slot, aggregate.result(g.acc), policy.kindOf(g.emitted));
        g.emitted = true;
        g.changed = false;
      }
      save(g);
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

    openWindows(key) {
      const mk = keyPartId(key);
      const open: OpenWindow<unknown>[] = [];
      for (const slot of slots.values()) {
        const g = slot.groups.get(mk);
        if (g !== undefined) open.push({ start: slot.start, end: slot.end, result: aggregate.result(g.acc), fired: slot.fired });
      }
      return open;
    },
  };
}
