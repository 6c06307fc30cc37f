import { Observable, type Subscriber } from 'rxjs';
import { handleBarrier, registerOperator, type StreamElement, type StreamRecord, type Watermark } from '@weir/stream';
import { WindowError } from '../WindowError';
import { MAX_TIMESTAMP, MAX_WINDOW_SIZE, MIN_TIMESTAMP, describeValue } from '../limits';
import { decodeTuple, decodeValue, encodeValue, bytesToLatin1Key } from './stateCodec';
import { FLAG_CHANGED, FLAG_EMITTED, HEADER_BYTES, META, SESSION, Scratch, WindowKeys, readSeq, writeHeader } from './windowState';
import { WindowCounters, type WindowMetrics } from './WindowMetrics';
import type { WindowResult, WindowResultKind } from './WindowResult';
import type { GroupKey, WindowOptions } from './WindowOptions';
import type { WindowOperator } from './alignedWindowOperator';
import { asError } from './alignedWindowOperator';
import { normaliseGroupKey, resolveOptions } from './resolveOptions';

/** Options of {@link sessionWindow}. */
export interface SessionWindowOptions<T, K extends GroupKey, A, R> extends WindowOptions<T, K, A, R> {
  /** Inactivity that ends a session, ms: records less than `gap` apart share a session. */
  readonly gap: number;
}

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
  storeKey: Uint8Array;
  alive: boolean;
  /** Due time of the session's current timer; heap entries with another due time are stale. */
  timerDue: number;
}

interface Timer<K, A> {
  readonly due: number;
  readonly session: Session<K, A>;
}

const END_BYTES = 8;

/**
 * Aggregates records per key into sessions: bursts of activity separated by at least `gap` ms of
 * event time without records. A record at `t` opens the window `[t, t + gap)`; windows of one key
 * that overlap merge ({@link mergeSessions}), so a late record (within the allowed lateness) can
 * bridge two sessions into one, and a merged-away session that was already emitted is retracted.
 * Records exactly `gap` apart start separate sessions (Flink and Kafka Streams merge them): so a
 * session that fired on time can only change through a late record, never an on-time one.
 *
 * Cost per record: O(log s) for s sessions of the record's key plus O(log n) for the timer heap;
 * in-order records extend a session with one in-place store write.
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
  const o = resolveOptions(operator, options);
  const gap = options.gap;
  if (!Number.isSafeInteger(gap) || gap <= 0 || gap > MAX_WINDOW_SIZE) {
    throw new WindowError('INVALID_ARGUMENT', `${operator}: option \`gap\` must be a positive integer number of milliseconds, got ${describeValue(gap)}`, gap);
  }
  const { store, aggregate, allowedLateness: lateness, emit, earlyFiring } = o;
  const codec = aggregate.codec;
  const counters = new WindowCounters(store);
  const where = `${operator} '${o.name}'`;

  const op = (source: Observable<StreamElement<T>>): Observable<StreamElement<WindowResult<K, R>>> =>
    new Observable((subscriber: Subscriber<StreamElement<WindowResult<K, R>>>) => {
      const keys = new WindowKeys(o.name);
      const metaKey = keys.section(META);
      const scratch = new Scratch();
      const byKey = new Map<unknown, Array<Session<K, A>>>(); // sessions of a key, by start
      const heap: Array<Timer<K, A>> = [];
      let live = 0;
      let watermark = Number.NEGATIVE_INFINITY;
      let nextSeq = 0;

      const mapKeyOf = (key: GroupKey): unknown => {
        if (typeof key === 'string') return key.charCodeAt(0) === 0 ? `\u0000s${key}` : key;
        return key instanceof Uint8Array ? `\u0000b${bytesToLatin1Key(key)}` : key;
      };

      const firstEarly = (start: number): number => {
        if (earlyFiring === undefined) return Number.POSITIVE_INFINITY;
        const k = Math.max(1, Math.floor((watermark - start) / earlyFiring) + 1);
        return start + k * earlyFiring;
      };

      const dueTime = (s: Session<K, A>): number => {
        const purge = s.end - 1 + lateness;
        if (emit !== 'watermark') return purge;
        const onTime = s.end - 1;
        if (onTime <= watermark && s.emitted && !s.changed) return purge;
        return s.nextEarly < onTime ? s.nextEarly : onTime;
      };

      // --- timer heap, ordered by (due, seq); stale entries are skipped when popped
      const less = (a: Timer<K, A>, b: Timer<K, A>): boolean => a.due < b.due || (a.due === b.due && a.session.seq < b.session.seq);
      const push = (t: Timer<K, A>): void => {
        heap.push(t);
        let i = heap.length - 1;
        while (i > 0) {
          const p = (i - 1) >> 1;
          if (!less(heap[i]!, heap[p]!)) break;
          [heap[i], heap[p]] = [heap[p]!, heap[i]!];
          i = p;
        }
      };
      const pop = (): Timer<K, A> | undefined => {
        const top = heap[0];
        const last = heap.pop();
        if (heap.length > 0 && last !== undefined) {
          heap[0] = last;
          let i = 0;
          for (;;) {
            const l = 2 * i + 1;
            const r = l + 1;
            let m = i;
            if (l < heap.length && less(heap[l]!, heap[m]!)) m = l;
            if (r < heap.length && less(heap[r]!, heap[m]!)) m = r;
            if (m === i) break;
            [heap[i], heap[m]] = [heap[m]!, heap[i]!];
            i = m;
          }
        }
        return top;
      };
      const schedule = (s: Session<K, A>): void => {
        s.timerDue = dueTime(s);
        push({ due: s.timerDue, session: s });
      };

      const emitResult = (s: Session<K, A>, value: R, kind: WindowResultKind): void => {
        counters.resultsEmitted++;
        subscriber.next({ kind: 'record', value: { key: s.key, start: s.start, end: s.end, value, kind }, timestamp: s.end - 1 });
      };

      const write = (s: Session<K, A>): void => {
        const acc = codec.encode(s.acc);
        const out = scratch.take(HEADER_BYTES + END_BYTES + acc.length);
        writeHeader(out, s.seq, (s.emitted ? FLAG_EMITTED : 0) | (s.changed ? FLAG_CHANGED : 0));
        new DataView(out.buffer, out.byteOffset, out.byteLength).setFloat64(HEADER_BYTES, s.end);
        out.set(acc, HEADER_BYTES + END_BYTES);
        store.put(s.storeKey, out);
      };

      const remove = (s: Session<K, A>): void => {
        s.alive = false;
        live--;
        store.delete(s.storeKey);
        const list = byKey.get(mapKeyOf(s.key));
        if (list === undefined) return;
        const i = list.indexOf(s);
        if (i >= 0) list.splice(i, 1);
        if (list.length === 0) byKey.delete(mapKeyOf(s.key));
      };

      const load = (): void => {
        const meta = store.get(metaKey);
        if (meta !== undefined) {
          const m = decodeValue<{ watermark: number; nextSeq: number }>(meta, where);
          watermark = m.watermark;
          nextSeq = m.nextSeq;
          counters.watermark = watermark;
        }
        const prefixLength = keys.prefix.length + 1;
        for (const [k, v] of store.prefixScan(keys.section(SESSION))) {
          const [key, start] = decodeTuple(k, prefixLength) as [K, number];
          const flags = v[HEADER_BYTES - 1]!;
          const end = new DataView(v.buffer, v.byteOffset, v.byteLength).getFloat64(HEADER_BYTES);
          const s: Session<K, A> = {
            key,
            start,
            end,
            acc: codec.decode(v.subarray(HEADER_BYTES + END_BYTES)),
            seq: readSeq(v, where),
            emitted: (flags & FLAG_EMITTED) !== 0,
            changed: (flags & FLAG_CHANGED) !== 0,
            nextEarly: firstEarly(start),
            storeKey: k,
            alive: true,
            timerDue: Number.POSITIVE_INFINITY,
          };
          const mk = mapKeyOf(key);
          let list = byKey.get(mk);
          if (list === undefined) byKey.set(mk, (list = []));
          list.push(s); // the scan yields one key's sessions in start order
          live++;
          schedule(s);
        }
        counters.openWindows = live;
      };

      const routeInvalid = (el: StreamRecord<T>, error: Error): void => {
        counters.invalidRecords++;
        if (o.onInvalid === undefined) throw error;
        o.onInvalid(el, error);
      };

      const onRecord = (el: StreamRecord<T>): void => {
        counters.recordsIn++;
        const t = el.timestamp;
        let key: GroupKey;
        try {
          if (!(t >= MIN_TIMESTAMP && t <= MAX_TIMESTAMP && Number.isInteger(t))) {
            throw new WindowError('INVALID_TIMESTAMP', `${where}: timestamp must be an integer number of epoch milliseconds, got ${describeValue(t)}`, t);
          }
          key = normaliseGroupKey(where, o.key(el.value));
        } catch (err) {
          routeInvalid(el, asError(err, where, el));
          return;
        }
        const mk = mapKeyOf(key);
        const list = byKey.get(mk) ?? [];
        // Sessions of this key that overlap [t, t + gap) (the rule of mergeSessions): a contiguous
        // run in start order, since a key's sessions never overlap each other.
        let lo = 0;
        while (lo < list.length && list[lo]!.end <= t) lo++;
        let hi = lo;
        while (hi < list.length && list[hi]!.start < t + gap) hi++;
        const merging = list.slice(lo, hi);
        let start = t;
        let end = t + gap;
        for (const s of merging) {
          if (s.start < start) start = s.start;
          if (s.end > end) end = s.end;
        }
        if (end - 1 + lateness <= watermark) {
          counters.lateRecords++;
          o.onLate?.(el);
          return;
        }
        const target = merging[0];
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
          if (merging.length === 1) target!.acc = codec.decode(store.get(target!.storeKey)!.subarray(HEADER_BYTES + END_BYTES));
          routeInvalid(el, asError(err, where, el));
          return;
        }
        // Withdraw what was emitted for sessions whose window changes identity.
        for (const s of merging) {
          if (s.emitted && (s.start !== start || s.end !== end || emit === 'changelog')) {
            emitResult(s, aggregate.result(s.acc), 'retract');
          }
        }
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
            start,
            end,
            acc,
            seq: target?.seq ?? nextSeq++,
            emitted: false,
            changed: false,
            nextEarly: firstEarly(start),
            storeKey: keys.session(key, start),
            alive: true,
            timerDue: Number.POSITIVE_INFINITY,
          };
          const current = byKey.get(mk) ?? [];
          let i = 0;
          while (i < current.length && current[i]!.start < start) i++;
          current.splice(i, 0, session);
          byKey.set(mk, current);
          live++;
        }
        if (merging.length > 1 || session !== target) session.emitted = false;
        session.acc = acc;
        session.changed = true;
        if (emit === 'changelog') {
          emitResult(session, aggregate.result(acc), 'insert');
          session.emitted = true;
          session.changed = false;
        } else if (emit === 'watermark' && end - 1 <= watermark) {
          emitResult(session, aggregate.result(acc), session.emitted ? 'update' : 'insert');
          session.emitted = true;
          session.changed = false;
        }
        write(session);
        schedule(session);
        counters.openWindows = live;
      };

      const onTimer = (s: Session<K, A>, wm: number): void => {
        const onTime = s.end - 1;
        const purgeAt = onTime + lateness;
        if (emit === 'final') {
          if (purgeAt <= wm) {
            counters.windowsFired++;
            emitResult(s, aggregate.result(s.acc), 'insert');
            remove(s);
          }
          return;
        }
        if (emit === 'watermark') {
          const early = s.nextEarly <= wm && s.nextEarly < onTime;
          if ((onTime <= wm || early) && s.changed) {
            counters.windowsFired++;
            emitResult(s, aggregate.result(s.acc), s.emitted ? 'update' : 'insert');
            s.emitted = true;
            s.changed = false;
            if (purgeAt > wm) write(s);
          }
          if (early) s.nextEarly = firstEarly(s.start);
        }
        if (purgeAt <= wm) remove(s);
        else schedule(s);
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
        while (heap.length > 0 && heap[0]!.due <= wm) {
          const { due, session } = pop()!;
          if (!session.alive || due !== session.timerDue) continue; // stale entry
          onTimer(session, wm);
        }
        counters.openWindows = live;
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
