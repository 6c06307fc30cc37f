import { describeValue, keyPartId } from '@weir/state';
import type { StreamRecord } from '@weir/stream';
import { WindowError } from '../WindowError';
import { MAX_WINDOW_SIZE } from '../limits';
import { decodeTuple, decodeValue, encodeValue } from '@weir/state';
import { FLAG_CHANGED, FLAG_EMITTED, HEADER_BYTES, SESSION, Scratch, loadSection, readSeq, writeHeader } from './windowState';
import { StateCache } from './StateCache';
import type { WindowResultKind } from './WindowResult';
import { EmitPolicy, STEP_EARLY, STEP_FIRE, STEP_PURGE } from './emitPolicy';
import { mergeSessions } from '../assigners/mergeSessions';
import { sessionWindowOf } from '../assigners/sessionWindowOf';
import type { GroupKey, WindowOptions } from './WindowOptions';
import type { WindowOperator } from './WindowOperator';
import { windowOperator, type Engine, type EngineContext } from './windowHarness';
import type { OpenWindow } from './windowQuery';
import { SessionTimers } from './SessionTimers';
import { optionKeys } from '@weir/state';
import { WINDOW_OPTION_KEYS, checkWindowOptionKeys } from '../checkWindowOptionKeys';

/** Options of {@link sessionWindow}. */
export interface SessionWindowOptions<T, K extends GroupKey, A, R> extends WindowOptions<T, K, A, R> {
  /** Inactivity that ends a session, ms: records less than `gap` apart share a session. */
  readonly gap: number;
}

const KEYS = optionKeys<SessionWindowOptions<unknown, GroupKey, unknown, unknown>>({ ...WINDOW_OPTION_KEYS, gap: true });

interface Session<K, A> {
  readonly key: K;
  start: number;
  /** Exclusive end: last record + gap. */
  end: number;
  acc: A;
  readonly seq: number;
  emitted: boolean;
  changed: boolean;
  nextEarly: number;
  /** Built on the first write (with a cache, many sessions never reach the store); set iff stored. */
  storeKey: Uint8Array | undefined;
  alive: boolean;
  /** Due time of the session's current timer; timer entries with another due time are stale. */
  timerDue: number;
  /** The result last emitted for this session (what a retraction must carry), when `emitted`. */
  lastEmitted: unknown;
  /** {@link lastEmitted}, encoded for the store. */
  lastEmittedBytes: Uint8Array | undefined;
  /** Changed since last written to the store (held in the write-back cache). */
  dirty: boolean;
  cacheSlot: number;
  /** The key's next session by start (a key's sessions form a chain from its entry in byKey). */
  next: Session<K, A> | undefined;
  /**
   * The session's store key once built (at its first barrier while waiting, or its first write):
   * a session lives across many barriers, and each one logs it again under this key.
   */
  keyBytes: Uint8Array | undefined;
}

const NO_SESSIONS: readonly never[] = [];

// Session value: header(7) | end f64 (8) | accumulator length u32 (4) | accumulator |
// the last emitted result (msgpack), present when the EMITTED flag is set.
const END_BYTES = 8;
const ACC_AT = HEADER_BYTES + END_BYTES + 4;

// The session's end as a big-endian double (what DataView.setFloat64 writes), without a DataView.
const endScratch = new Float64Array(1);
const endBytes = new Uint8Array(endScratch.buffer);
const LITTLE_ENDIAN = new Uint8Array(Uint16Array.of(1).buffer)[0] === 1;

function writeEnd(out: Uint8Array, end: number): void {
  endScratch[0] = end;
  for (let i = 0; i < END_BYTES; i++) out[HEADER_BYTES + i] = endBytes[LITTLE_ENDIAN ? END_BYTES - 1 - i : i]!;
}

function accBytesOf(v: Uint8Array): Uint8Array {
  const n = new DataView(v.buffer, v.byteOffset, v.byteLength).getUint32(HEADER_BYTES + END_BYTES);
  return v.subarray(ACC_AT, ACC_AT + n);
}

/**
 * Aggregates records per key into sessions: bursts of activity separated by at least `gap` ms of
 * event time without records. A record at `t` opens the window `[t, t + gap)`; windows of one key
 * that overlap merge ({@link mergeSessions} decides), so records less than `gap` apart share a
 * session and records exactly `gap` apart do not (Flink also merges windows that only touch). A
 * late record (within the allowed lateness) can bridge two sessions into one, and a session that
 * was already emitted and whose window changes is retracted.
 *
 * Cost per record: O(1) for a record inside its key's only session (the in-order case: it
 * extends the session in memory, written to the store at the next barrier); otherwise O(s) for s
 * sessions of the record's key (usually one or two) plus O(log n) for the session's timer.
 *
 * @example
 * ```ts
 * clicks$.pipe(
 *   withEventTime((c) => c.ts, { maxOutOfOrderness: 10_000 }),
 *   sessionWindow({ gap: 30 * 60_000, key: (c) => c.user, aggregate: count(), store }),
 * );
 * ```
 */
export function sessionWindow<T, K extends GroupKey, A, R>(options: SessionWindowOptions<T, K, A, R>): WindowOperator<T, K, R> {
  const operator = 'sessionWindow';
  checkWindowOptionKeys(operator, options, KEYS);
  const gap = options?.gap;
  return windowOperator(operator, options, (ctx) => sessionEngine(ctx, gap), (o) => {
    if (!Number.isSafeInteger(gap) || gap <= 0 || gap > MAX_WINDOW_SIZE) {
      throw new WindowError('INVALID_ARGUMENT', `${operator}: option \`gap\` must be a positive integer number of milliseconds, got ${describeValue(gap)}`, gap);
    }
  });
}

function sessionEngine<T, K extends GroupKey, A, R>(ctx: EngineContext<T, K, A, R>, gap: number): Engine<T> {
  const { o, keys, where, counters } = ctx;
  const { store, aggregate } = o;
  const codec = aggregate.codec;
  const policy = new EmitPolicy(o);
  const scratch = new Scratch();
  // The first session of each key; the rest follow by start through `next` (a key has one session
  // but while a late record is pending, so a record reaches its session with one lookup).
  const byKey = new Map<unknown, Session<K, A>>();
  const timers = new SessionTimers<Session<K, A>>();
  /** The merge of a record into one session, without allocating (see onRecord). */
  const single: Array<Session<K, A>> = [];
  let live = 0;

  /** Whether the session's on-time result is out and current (any change is answered at once). */
  const fired = (s: Session<K, A>, wm: number): boolean => s.end - 1 <= wm && s.emitted && !s.changed;
  const dueTime = (s: Session<K, A>): number => policy.dueTime(s.end, s.nextEarly, fired(s, ctx.watermark()));

  // Lazy timers: a session keeps at most one live timer entry, for the earliest time it may be
  // due. Extending a session only moves its due time later, so records push nothing; an entry
  // that pops before its session is really due is pushed again for the real time.
  const schedule = (s: Session<K, A>): void => {
    const due = dueTime(s);
    if (due < s.timerDue) {
      s.timerDue = due;
      timers.push(due, s);
    }
  };

  const emitResult = (s: Session<K, A>, value: R, kind: WindowResultKind): void => {
    if (kind !== 'retract') {
      s.lastEmitted = value;
      s.lastEmittedBytes = encodeValue(value, where);
    }
    ctx.emit(s.key, s.start, s.end, value, kind);
  };

  const valueOf = (s: Session<K, A>): Uint8Array => {
    const acc = codec.encode(s.acc);
    const emitted = s.emitted ? s.lastEmittedBytes : undefined;
    const out = scratch.take(ACC_AT + acc.length + (emitted?.length ?? 0));
    writeHeader(out, s.seq, (s.emitted ? FLAG_EMITTED : 0) | (s.changed ? FLAG_CHANGED : 0));
    writeEnd(out, s.end);
    const n = acc.length;
    out[HEADER_BYTES + END_BYTES] = n >>> 24;
    out[HEADER_BYTES + END_BYTES + 1] = (n >>> 16) & 0xff;
    out[HEADER_BYTES + END_BYTES + 2] = (n >>> 8) & 0xff;
    out[HEADER_BYTES + END_BYTES + 3] = n & 0xff;
    out.set(acc, ACC_AT);
    if (emitted !== undefined) out.set(emitted, ACC_AT + acc.length);
    return out;
  };

  const cache = new StateCache<Session<K, A>>(store, keys, o.cacheSize, {
    write(s) {
      const value = valueOf(s);
      s.storeKey ??= s.keyBytes ??= keys.session(s.key, s.start);
      store.put(s.storeKey, value);
    },
    keyView: (s) => s.storeKey ?? (s.keyBytes ??= keys.session(s.key, s.start)),
    valueView: valueOf,
  });
  const save = (s: Session<K, A>): void => cache.changed(s);

  /** The sessions of the chain starting at `first`, in start order (a fresh array). */
  const chain = (first: Session<K, A> | undefined): Array<Session<K, A>> => {
    const out: Array<Session<K, A>> = [];
    for (let x = first; x !== undefined; x = x.next) out.push(x);
    return out;
  };

  /** Links `s` into its key's chain, before the first session starting at or after it. */
  const link = (mk: unknown, s: Session<K, A>): void => {
    const head = byKey.get(mk);
    if (head === undefined || head.start >= s.start) {
      s.next = head;
      byKey.set(mk, s);
      return;
    }
    let p = head;
    while (p.next !== undefined && p.next.start < s.start) p = p.next;
    s.next = p.next;
    p.next = s;
  };

  /** Unlinks `s` from its key's chain. */
  const unlink = (mk: unknown, s: Session<K, A>): void => {
    const head = byKey.get(mk);
    if (head === s) {
      if (s.next === undefined) byKey.delete(mk);
      else byKey.set(mk, s.next);
    } else {
      let p = head;
      while (p !== undefined && p.next !== s) p = p.next;
      if (p !== undefined) p.next = s.next;
    }
    s.next = undefined;
  };

  const remove = (s: Session<K, A>): void => {
    s.alive = false;
    live--;
    cache.drop(s);
    if (s.storeKey !== undefined) store.delete(s.storeKey);
    unlink(keyPartId(s.key), s);
  };

  const load = (): void => {
    const prefixLength = keys.componentsAt;
    const logged: Array<Session<K, A>> = [];
    for (const { key: k, value: v, stored, logged: fromLog } of loadSection(store, keys, SESSION, where)) {
      const [key, start] = decodeTuple(k, prefixLength) as [K, number];
      const flags = v[HEADER_BYTES - 1]!;
      const end = new DataView(v.buffer, v.byteOffset, v.byteLength).getFloat64(HEADER_BYTES);
      const accBytes = accBytesOf(v);
      const emitted = (flags & FLAG_EMITTED) !== 0;
      const emittedBytes = emitted ? v.subarray(accBytes.byteOffset - v.byteOffset + accBytes.length) : undefined;
      const s: Session<K, A> = {
        key,
        next: undefined,
        dirty: false,
        start,
        end,
        acc: codec.decode(accBytes),
        seq: readSeq(v, where),
        emitted: (flags & FLAG_EMITTED) !== 0,
        changed: (flags & FLAG_CHANGED) !== 0,
        nextEarly: policy.firstEarly(start, ctx.watermark()),
        storeKey: stored ? k : undefined,
        alive: true,
        timerDue: Number.POSITIVE_INFINITY,
        lastEmitted: emittedBytes === undefined ? undefined : decodeValue(emittedBytes, where),
        lastEmittedBytes: emittedBytes,
        cacheSlot: -1,
        keyBytes: undefined,
      };
      link(keyPartId(key), s);
      live++;
      schedule(s);
      if (fromLog) logged.push(s);
    }
    // What came from the barrier log is newer than the store's entry: changed until written.
    for (const s of logged) save(s);
    cache.loaded();
    counters.openWindows = live;
  };

  const onRecord = (el: StreamRecord<T>): void => {
    const t = el.timestamp; // checked by the harness
    const watermark = ctx.watermark();
    let key: GroupKey;
    try {
      key = ctx.keyOf(el);
    } catch (err) {
      ctx.invalid(el, err);
      return;
    }
    const mk = keyPartId(key);
    const first = byKey.get(mk);
    // The common case, a record inside its key's only session that has not emitted (so its window
    // may grow without a retraction): what the general path below does, without its bookkeeping.
    if (first !== undefined && first.next === undefined && first.start <= t && t < first.end && !first.emitted && !policy.retracts) {
      const end = t + gap > first.end ? t + gap : first.end;
      if (policy.isLate(end, watermark)) {
        ctx.late(el);
        return;
      }
      let acc: A;
      try {
        acc = aggregate.add(first.acc, el.value, t);
      } catch (err) {
        // the accumulator may be half-updated: reload it from the store
        if (first.storeKey !== undefined && !first.dirty) first.acc = codec.decode(accBytesOf(store.get(first.storeKey)!));
        ctx.invalid(el, err);
        return;
      }
      first.end = end;
      first.acc = acc;
      first.changed = true;
      if (policy.emitsOnChange(end, watermark)) {
        emitResult(first, aggregate.result(acc), policy.kindOf(false));
        first.emitted = true;
        first.changed = false;
      }
      save(first);
      schedule(first);
      return;
    }
    const list = first === undefined ? undefined : chain(first);
    // The key's sessions that merge with the record's window [t, t + gap), in start order, and the
    // merged window. The common case, a record inside the key's only session, needs no search:
    // it merges with that session alone.
    let start: number;
    let end: number;
    let merging: readonly Session<K, A>[];
    const only = list !== undefined && list.length === 1 ? list[0]! : undefined;
    if (only !== undefined && only.start <= t && t < only.end) {
      start = only.start;
      end = t + gap > only.end ? t + gap : only.end;
      single[0] = only;
      merging = single;
    } else {
      // a fresh array: removing sessions from the key's list below does not disturb it
      const m = mergeSessions(list ?? NO_SESSIONS, sessionWindowOf(t, gap));
      start = m.merged.start;
      end = m.merged.end;
      merging = m.absorbed;
    }
    if (policy.isLate(end, watermark)) {
      ctx.late(el);
      return;
    }
    const target = merging[0];
    // What was emitted for sessions whose window changes identity, read before `add` (which may
    // mutate the accumulator in place) and emitted only once the record folded in.
    let retractions: Array<[Session<K, A>, R]> | undefined;
    for (const s of merging) {
      if (s.emitted && (s.start !== start || s.end !== end || policy.retracts)) (retractions ??= []).push([s, s.lastEmitted as R]);
    }
    let acc: A;
    try {
      if (merging.length > 1) {
        // Merge copies, so a failing add leaves every session intact.
        acc = codec.decode(codec.encode(target!.acc));
        for (let i = 1; i < merging.length; i++) acc = aggregate.merge(acc, codec.decode(codec.encode(merging[i]!.acc)));
      } else {
        acc = target !== undefined ? target.acc : aggregate.create();
      }
      acc = aggregate.add(acc, el.value, t);
    } catch (err) {
      // A single session's accumulator may be half-updated: reload it from the store.
      if (merging.length === 1 && target!.storeKey !== undefined && !target!.dirty) target!.acc = codec.decode(accBytesOf(store.get(target!.storeKey)!));
      ctx.invalid(el, err);
      return;
    }
    // Withdraw what was emitted for sessions whose window changes identity.
    if (retractions !== undefined) for (const [s, value] of retractions) emitResult(s, value, 'retract');
    let session: Session<K, A>;
    if (target !== undefined && target.start === start) {
      session = target;
      for (let i = 1; i < merging.length; i++) remove(merging[i]!);
      if (session.end !== end) session.emitted = false;
      session.end = end;
    } else {
      for (const s of merging) remove(s);
      session = {
        key: (key instanceof Uint8Array ? key.slice() : key) as K,
        next: undefined,
        dirty: false,
        start,
        end,
        acc,
        seq: target?.seq ?? ctx.nextSeq(),
        emitted: false,
        changed: false,
        nextEarly: policy.firstEarly(start, ctx.watermark()),
        storeKey: undefined,
        alive: true,
        timerDue: Number.POSITIVE_INFINITY,
        lastEmitted: undefined,
        lastEmittedBytes: undefined,
        cacheSlot: -1,
        keyBytes: undefined,
      };
      link(mk, session);
      live++;
    }
    if (merging.length > 1 || session !== target) session.emitted = false;
    session.acc = acc;
    session.changed = true;
    if (policy.emitsOnChange(end, watermark)) {
      emitResult(session, aggregate.result(acc), policy.kindOf(session.emitted));
      session.emitted = true;
      session.changed = false;
    }
    save(session);
    schedule(session);
    counters.openWindows = live;
  };

  const onTimer = (s: Session<K, A>, wm: number): void => {
    const step = policy.step(s.end, s.nextEarly, fired(s, wm), wm);
    // An early and an on-time firing due together make one emission: a session is one key.
    if ((step & (STEP_EARLY | STEP_FIRE)) !== 0 && (s.changed || !s.emitted)) {
      counters.windowsFired++;
      emitResult(s, aggregate.result(s.acc), policy.kindOf(s.emitted));
      s.emitted = true;
      s.changed = false;
      if ((step & STEP_PURGE) === 0) save(s);
    }
    if ((step & STEP_EARLY) !== 0) s.nextEarly = policy.firstEarly(s.start, wm);
    if ((step & STEP_PURGE) !== 0) remove(s);
    else schedule(s);
  };

  const advance = (wm: number): void => {
    while (timers.size > 0 && timers.peekDue() <= wm) {
      const due = timers.peekDue();
      const session = timers.pop();
      if (!session.alive || due !== session.timerDue) continue; // stale entry
      session.timerDue = Number.POSITIVE_INFINITY;
      // Extended since the entry was pushed: queue it again at its real time, so sessions are
      // handled in due order (as after a restore, where every entry is exact).
      if (dueTime(session) !== due) schedule(session);
      else onTimer(session, wm);
    }
    counters.openWindows = live;
  };

  const openWindows = (key: GroupKey): OpenWindow<unknown>[] => {
    const wm = ctx.watermark();
    const open: OpenWindow<unknown>[] = [];
    for (let x = byKey.get(keyPartId(key)); x !== undefined; x = x.next) {
      if (x.alive) open.push({ start: x.start, end: x.end, result: aggregate.result(x.acc), fired: fired(x, wm) });
    }
    return open;
  };

  return { load, onRecord, advance, flush: () => cache.flush(), capture: () => cache.capture(), openWindows };
}
