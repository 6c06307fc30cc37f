// Internal: the engine of processingTimeSessionWindow. Arrival times only grow, so a key has at
// most one open session: a record extends it when it comes before the session's end (last
// arrival + gap), else (that session has fired by then) it opens a new one; sessions never merge.
// Each session is one PT_SESSION entry whose stored end is its timer (docs/architecture.md §3.6);
// the in-memory min-heap of ends (SessionTimers) is rebuilt from those entries on subscribe. A
// session extended after its heap entry was pushed is pushed again when that entry comes due, so
// an in-order record costs no heap operation.
import { keyPartId } from '@weir/state';
import type { StreamRecord } from '@weir/stream';
import type { GroupKey } from './WindowOptions';
import type { PtContext, PtEngine } from './processingTimeWindowOperator';
import { encodeSession, readPtSessions } from './processingTimeState';
import { SessionTimers } from './SessionTimers';
import { HEADER_BYTES } from './windowState';

interface Session<K, A> {
  readonly key: K;
  readonly id: unknown;
  readonly start: number;
  end: number;
  acc: A;
  readonly seq: number;
  readonly storeKey: Uint8Array;
  stored: boolean;
  dirty: boolean;
  closed: boolean;
}

/** Internal: the session engine with inactivity gap `gap` (ms, checked by the caller). */
export function processingTimeSessionEngine<T, K extends GroupKey, A, R>(ctx: PtContext<T, K, A, R>, gap: number): PtEngine<T> {
  const { o, keys, where, counters } = ctx;
  const { store, aggregate } = o;
  const codec = aggregate.codec;
  const open = new Map<unknown, Session<K, A>>();
  const timers = new SessionTimers<Session<K, A>>();
  let dirty: Session<K, A>[] = [];

  const write = (s: Session<K, A>): void => {
    store.put(s.storeKey, encodeSession(s.seq, s.end, codec.encode(s.acc)));
    s.stored = true;
    s.dirty = false;
  };
  const touch = (s: Session<K, A>): void => {
    if (!s.dirty) {
      s.dirty = true;
      dirty.push(s);
    }
  };

  return {
    load() {
      for (const e of readPtSessions(store, keys, where)) {
        const id = keyPartId(e.key);
        const s: Session<K, A> = { key: e.key as K, id, start: e.start, end: e.end, acc: codec.decode(e.acc), seq: e.seq, storeKey: e.storeKey, stored: true, dirty: false, closed: false };
        open.set(id, s);
        timers.push(s.end, s);
      }
      counters.openWindows = open.size;
    },

    onRecord(el: StreamRecord<T>, now: number) {
      let key: K & GroupKey;
      try {
        key = ctx.keyOf(el);
      } catch (err) {
        ctx.invalid(el, err);
        return;
      }
      const id = keyPartId(key);
      const s = open.get(id); // sessions ending at or before now have fired
      try {
        if (s === undefined) {
          const k = (key instanceof Uint8Array ? key.slice() : key) as K;
          const acc = aggregate.add(aggregate.create(), el.value, now);
          const created: Session<K, A> = { key: k, id, start: now, end: now + gap, acc, seq: ctx.nextSeq(), storeKey: keys.ptSession(k, now), stored: false, dirty: false, closed: false };
          open.set(id, created);
          timers.push(created.end, created);
          counters.openWindows = open.size;
          touch(created);
        } else {
          s.acc = aggregate.add(s.acc, el.value, now);
          s.end = now + gap;
          touch(s);
        }
      } catch (err) {
        if (s !== undefined && s.stored && !s.dirty) {
          const bytes = store.get(s.storeKey);
          if (bytes !== undefined) s.acc = codec.decode(bytes.subarray(HEADER_BYTES + 8));
        }
        ctx.invalid(el, err);
      }
    },

    nextDue: () => timers.peekDue(),

    fireDue(now) {
      let fired = 0;
      while (timers.size > 0 && timers.peekDue() <= now) {
        const s = timers.pop();
        if (s.closed) continue;
        if (s.end > now) {
          timers.push(s.end, s); // extended since: due later
          continue;
        }
        s.closed = true;
        s.dirty = false;
        open.delete(s.id);
        if (s.stored) store.delete(s.storeKey);
        counters.windowsFired++;
        fired++;
        ctx.emit(s.key, s.start, s.end, aggregate.result(s.acc));
      }
      dirty = dirty.filter((s) => s.dirty);
      counters.openWindows = open.size;
      return fired;
    },

    flush() {
      for (const s of dirty) if (s.dirty) write(s);
      dirty = [];
    },
  };
}
