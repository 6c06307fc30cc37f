// Internal: the engine behind tumblingWindow, hoppingWindow, cumulativeWindow and calendarWindow:
// windows that an assigner computes from a record's timestamp alone.
//
// State (see windowState.ts) is written through to the store on every change, so the store is
// always current and a checkpoint costs only an O(1) snapshot (plus writing the watermark). A
// decoded mirror of the open windows (slots -> groups) sits in front of it for speed; it is
// rebuilt from the store when the operator subscribes, in creation order, so a restored operator
// emits exactly what an uninterrupted one would.
import { Observable, type OperatorFunction, type Subscriber } from 'rxjs';
import { bytesToLatin1Key, decodeTuple, decodeValue, encodeValue } from './stateCodec';
import { handleBarrier, registerOperator, type StreamElement, type StreamRecord, type Watermark } from '@weir/stream';
import type { SingleWindowAssigner, WindowAssigner } from '../assigners/WindowAssigner';
import type { Window } from '../Window';
import { WindowError } from '../WindowError';
import { describeValue } from '../limits';
import { FIRED, FLAG_CHANGED, FLAG_EMITTED, GROUP, HEADER_BYTES, META, Scratch, WindowKeys, readSeq, writeHeader } from './windowState';
import { WindowCounters, type WindowMetrics } from './WindowMetrics';
import type { WindowResult, WindowResultKind } from './WindowResult';
import type { GroupKey, WindowOptions } from './WindowOptions';
import { normaliseGroupKey, resolveOptions } from './resolveOptions';

/**
 * A window operator: an RxJS operator from event-time elements to elements carrying
 * {@link WindowResult}s, with live {@link WindowMetrics}.
 */
export type WindowOperator<T, K, R> = OperatorFunction<StreamElement<T>, StreamElement<WindowResult<K, R>>> & {
  /** Live counters of this operator (shared by all its subscriptions). */
  readonly metrics: WindowMetrics;
};

interface Group<K, A> {
  readonly key: K;
  acc: A;
  readonly seq: number;
  emitted: boolean;
  changed: boolean;
  readonly storeKey: Uint8Array;
}

interface Slot<K, A> {
  readonly start: number;
  readonly end: number;
  fired: boolean;
  nextEarly: number;
  readonly groups: Map<unknown, Group<K, A>>;
}

/**
 * Map key of a group: numbers, bigints and most strings as they are; byte strings, and the rare
 * strings that start with U+0000, as distinct escaped strings, so no two keys can collide.
 */
function mapKeyOf(key: GroupKey): unknown {
  if (typeof key === 'string') return key.charCodeAt(0) === 0 ? `\u0000s${key}` : key;
  return key instanceof Uint8Array ? `\u0000b${bytesToLatin1Key(key)}` : key;
}

/** Internal: builds an aligned-window operator. */
export function alignedWindowOperator<T, K extends GroupKey, A, R>(
  operator: string,
  assigner: WindowAssigner,
  options: WindowOptions<T, K, A, R>,
): WindowOperator<T, K, R> {
  const o = resolveOptions(operator, options);
  const { store, aggregate, allowedLateness: lateness, emit, earlyFiring } = o;
  const codec = aggregate.codec;
  const counters = new WindowCounters(store);
  const single = assigner.kind === 'tumbling' || assigner.kind === 'calendar' ? (assigner as SingleWindowAssigner) : undefined;
  const where = `${operator} '${o.name}'`;

  const op = (source: Observable<StreamElement<T>>): Observable<StreamElement<WindowResult<K, R>>> =>
    new Observable((subscriber: Subscriber<StreamElement<WindowResult<K, R>>>) => {
      const keys = new WindowKeys(o.name);
      const metaKey = keys.section(META);
      const scratch = new Scratch();
      const slots = new Map<number, Slot<K, A>>(); // by window end (unique per assigner)
      let watermark = Number.NEGATIVE_INFINITY;
      let nextSeq = 0;
      let nextDue = Number.POSITIVE_INFINITY;

      const emitResult = (g: Group<K, A>, slot: Slot<K, A>, value: R, kind: WindowResultKind): void => {
        counters.resultsEmitted++;
        subscriber.next({
          kind: 'record',
          value: { key: g.key, start: slot.start, end: slot.end, value, kind },
          timestamp: slot.end - 1,
        });
      };

      const writeGroup = (g: Group<K, A>): void => {
        const acc = codec.encode(g.acc);
        const out = scratch.take(HEADER_BYTES + acc.length);
        writeHeader(out, g.seq, (g.emitted ? FLAG_EMITTED : 0) | (g.changed ? FLAG_CHANGED : 0));
        out.set(acc, HEADER_BYTES);
        store.put(g.storeKey, out);
      };

      const firstEarly = (start: number): number => {
        if (earlyFiring === undefined) return Number.POSITIVE_INFINITY;
        // The first early-firing time after the current watermark.
        const k = Math.max(1, Math.floor((watermark - start) / earlyFiring) + 1);
        return start + k * earlyFiring;
      };

      const dueTime = (slot: Slot<K, A>): number => {
        const purge = slot.end - 1 + lateness;
        if (emit !== 'watermark') return purge;
        if (slot.fired) return purge;
        return slot.nextEarly < slot.end - 1 ? slot.nextEarly : slot.end - 1;
      };

      const openSlot = (w: Window): Slot<K, A> => {
        const slot: Slot<K, A> = { start: w.start, end: w.end, fired: false, nextEarly: firstEarly(w.start), groups: new Map() };
        slots.set(w.end, slot);
        counters.openWindows = slots.size;
        const due = dueTime(slot);
        if (due < nextDue) nextDue = due;
        return slot;
      };

      // Rebuild the mirror from the store (empty on a first run; a checkpoint's state on restore).
      const load = (): void => {
        const meta = store.get(metaKey);
        if (meta !== undefined) {
          const m = decodeValue<{ watermark: number; nextSeq: number }>(meta, where);
          watermark = m.watermark;
          nextSeq = m.nextSeq;
          counters.watermark = watermark;
        }
        const pending = new Map<number, Array<Group<K, A>>>();
        const prefixLength = keys.prefix.length + 1;
        for (const [k, v] of store.prefixScan(keys.section(GROUP))) {
          const [end, start, key] = decodeTuple(k, prefixLength) as [number, number, K];
          const slot = slots.get(end) ?? openSlot({ start, end });
          const flags = v[HEADER_BYTES - 1]!;
          const g: Group<K, A> = {
            key,
            acc: codec.decode(v.subarray(HEADER_BYTES)),
            seq: readSeq(v, where),
            emitted: (flags & FLAG_EMITTED) !== 0,
            changed: (flags & FLAG_CHANGED) !== 0,
            storeKey: k,
          };
          let list = pending.get(slot.end);
          if (list === undefined) pending.set(slot.end, (list = []));
          list.push(g);
        }
        for (const [end, list] of pending) {
          const slot = slots.get(end)!;
          list.sort((a, b) => a.seq - b.seq);
          for (const g of list) slot.groups.set(mapKeyOf(g.key), g);
        }
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
      };

      const recomputeDue = (): void => {
        nextDue = Number.POSITIVE_INFINITY;
        for (const slot of slots.values()) {
          const due = dueTime(slot);
          if (due < nextDue) nextDue = due;
        }
        counters.openWindows = slots.size;
      };

      const routeInvalid = (el: StreamRecord<T>, error: Error): void => {
        counters.invalidRecords++;
        if (o.onInvalid === undefined) throw error;
        o.onInvalid(el, error);
      };

      const onRecord = (el: StreamRecord<T>): void => {
        counters.recordsIn++;
        const ts = el.timestamp;
        let key: GroupKey;
        let windows: readonly Window[] | undefined;
        let only: Window | undefined;
        try {
          key = normaliseGroupKey(where, o.key(el.value));
          if (single !== undefined) only = single.assignOne(ts);
          else windows = assigner.assign(ts);
        } catch (err) {
          routeInvalid(el, asError(err, where, el));
          return;
        }
        const count = only !== undefined ? 1 : windows!.length;
        let added = 0;
        for (let i = 0; i < count; i++) {
          const w = only ?? windows![i]!;
          if (w.end - 1 + lateness <= watermark) continue; // purged: too late for this window
          const slot = slots.get(w.end) ?? openSlot(w);
          const mk = mapKeyOf(key);
          let g = slot.groups.get(mk);
          const isNew = g === undefined;
          if (g === undefined) {
            g = {
              key: (key instanceof Uint8Array ? key.slice() : key) as K,
              acc: aggregate.create(),
              seq: nextSeq++,
              emitted: false,
              changed: false,
              storeKey: keys.group(w.end, w.start, key),
            };
          }
          const before = emit === 'changelog' && g.emitted ? aggregate.result(g.acc) : undefined;
          try {
            g.acc = aggregate.add(g.acc, el.value, ts);
          } catch (err) {
            if (!isNew) g.acc = codec.decode(store.get(g.storeKey)!.subarray(HEADER_BYTES)); // undo a partial add
            routeInvalid(el, asError(err, where, el));
            return;
          }
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
          writeGroup(g);
          added++;
        }
        if (added === 0 && count > 0) {
          counters.lateRecords++;
          o.onLate?.(el);
        }
      };

      const purge = (slot: Slot<K, A>): void => {
        for (const g of slot.groups.values()) store.delete(g.storeKey);
        if (slot.fired) store.delete(keys.fired(slot.end, slot.start));
        slots.delete(slot.end);
      };

      const fire = (slot: Slot<K, A>, onlyChanged: boolean): void => {
        counters.windowsFired++;
        for (const g of slot.groups.values()) {
          if (onlyChanged && !g.changed) continue;
          if (g.emitted && !g.changed) continue;
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
          for (const g of slot.groups.values()) if (g.emitted) writeGroup(g);
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

      const onWatermark = (el: Watermark): void => {
        if (el.idle === true) {
          subscriber.next(el);
          return;
        }
        const wm = el.timestamp;
        if (wm <= watermark) return;
        watermark = wm;
        counters.watermark = wm;
        if (wm >= nextDue) {
          const due: Slot<K, A>[] = [];
          for (const slot of slots.values()) if (dueTime(slot) <= wm) due.push(slot);
          due.sort((a, b) => a.end - b.end || a.start - b.start);
          for (const slot of due) process(slot, wm);
          recomputeDue();
        }
        subscriber.next(el);
      };

      const flush = (): void => {
        store.put(metaKey, encodeValue({ watermark, nextSeq }, where));
      };

      load();
      subscriber.add(registerOperator(o.checkpoint, o.name));
      const subscription = source.subscribe({
        next(el) {
          try {
            if (el.kind === 'record') onRecord(el);
            else if (el.kind === 'watermark') onWatermark(el);
            else if (el.kind === 'barrier') handleBarrier(el, subscriber, { operator: o.name, store, flush, checkpoint: o.checkpoint });
            else throw new WindowError('INVALID_RECORD', `${where}: expected a stream element, got ${describeValue(el)}`, el);
          } catch (err) {
            subscriber.error(err);
          }
        },
        error(err) {
          subscriber.error(err);
        },
        complete() {
          try {
            // Completion is the end of event time: fire everything still open.
            if (watermark < Number.POSITIVE_INFINITY) onWatermark({ kind: 'watermark', timestamp: Number.POSITIVE_INFINITY });
            subscriber.complete();
          } catch (err) {
            subscriber.error(err);
          }
        },
      });
      return () => subscription.unsubscribe();
    });

  return Object.assign(op, { metrics: counters as WindowMetrics });
}

const FIRED_VALUE = Uint8Array.of(1);

/** Wraps anything thrown by user code as an Error that names the operator and the record. */
export function asError(err: unknown, where: string, el: StreamRecord<unknown>): Error {
  if (err instanceof Error) return err;
  return new WindowError('INVALID_RECORD', `${where}: record at ${el.timestamp} failed: ${String(err)}`, el.value, { cause: err });
}
