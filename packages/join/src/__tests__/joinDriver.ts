// Test support shared by every join test: a two-input driver, scripts of steps, the watermark a
// join sees (for the oracles), and a snapshot -> restore -> continue runner.
import fc from 'fast-check';
import { Subject, type Subscription } from 'rxjs';
import { InMemoryStore, type StateStore } from '@weir/state';
import { barrier, type CheckpointHook, type StreamElement } from '@weir/stream';
import { CheckpointRecorder } from '@weir/stream/testing';
import type { JoinOperator } from '../index';

/** One input element of a two-input test: which side it arrives on, and the element. */
export interface Step<L, R> {
  readonly side: 'left' | 'right';
  readonly el: StreamElement<L> | StreamElement<R>;
}

export const onLeft = <L, R = never>(el: StreamElement<L>): Step<L, R> => ({ side: 'left', el });
export const onRight = <R, L = never>(el: StreamElement<R>): Step<L, R> => ({ side: 'right', el });

/** Feeds steps into a join operator and records everything it emits. */
export class JoinDriver<L, R, O> {
  readonly left = new Subject<StreamElement<L>>();
  readonly right = new Subject<StreamElement<R>>();
  readonly out: StreamElement<O>[] = [];
  readonly #sub: Subscription;
  error: unknown = undefined;
  completed = false;

  constructor(op: JoinOperator<L, O> | ((right$: Subject<StreamElement<R>>) => JoinOperator<L, O>)) {
    const operator = typeof op === 'function' && !('metrics' in op) ? (op as (r: Subject<StreamElement<R>>) => JoinOperator<L, O>)(this.right) : (op as JoinOperator<L, O>);
    this.#sub = this.left.pipe(operator).subscribe({
      next: (el) => this.out.push(el),
      error: (err: unknown) => (this.error = err),
      complete: () => (this.completed = true),
    });
  }

  push(step: Step<L, R>): void {
    if (step.side === 'left') this.left.next(step.el as StreamElement<L>);
    else this.right.next(step.el as StreamElement<R>);
  }

  complete(): void {
    this.left.complete();
    this.right.complete();
  }

  stop(): void {
    this.#sub.unsubscribe();
  }
}

/**
 * Runs a join (built by `make` on the right input and a store) over `steps`, completing both
 * inputs at the end. Throws the stream's error, if any.
 */
export function runJoin<L, R, O>(
  make: (right$: Subject<StreamElement<R>>, store: StateStore, checkpoint?: CheckpointHook) => JoinOperator<L, O>,
  steps: readonly Step<L, R>[],
  store: StateStore = new InMemoryStore(),
): StreamElement<O>[] {
  const d = new JoinDriver<L, R, O>((r: Subject<StreamElement<R>>) => make(r, store));
  for (const s of steps) d.push(s);
  d.complete();
  if (d.error !== undefined) throw d.error;
  expect(d.completed).toBe(true);
  return d.out;
}

/**
 * Runs `steps[0..cut)`, takes checkpoint 1 (a barrier on both inputs), stops (a crash), restores
 * the snapshot into a fresh store and a fresh operator, and runs the rest. Returns the output of
 * both runs with the barrier removed: equal to an uninterrupted run's, if restore is exact.
 */
export function runWithRestore<L, R, O>(
  make: (right$: Subject<StreamElement<R>>, store: StateStore, checkpoint?: CheckpointHook) => JoinOperator<L, O>,
  steps: readonly Step<L, R>[],
  cut: number,
  operatorName: string,
): StreamElement<O>[] {
  const recorder = new CheckpointRecorder();
  const first = new JoinDriver<L, R, O>((r: Subject<StreamElement<R>>) => make(r, new InMemoryStore(), recorder));
  for (const s of steps.slice(0, cut)) first.push(s);
  first.push({ side: 'left', el: barrier(1) });
  first.push({ side: 'right', el: barrier(1) });
  first.stop();
  if (first.error !== undefined) throw first.error;
  const snapshot = recorder.snapshotsOf(1).get(operatorName);
  if (snapshot === undefined) throw new Error(`no snapshot of ${operatorName} for checkpoint 1`);
  const store = new InMemoryStore();
  store.restore(snapshot);
  const second = runJoin(make, steps.slice(cut), store);
  return [...first.out, ...second].filter((el) => el.kind !== 'barrier');
}

/**
 * What the join sees: replays the per-side watermarks of `steps` (each side's maximum, the join's
 * watermark their minimum) and reports, for each step, the join's watermark when it arrives.
 */
export function watermarksAtArrival<L, R>(steps: readonly Step<L, R>[]): number[] {
  let wl = -Infinity;
  let wr = -Infinity;
  return steps.map((s) => {
    const at = Math.min(wl, wr);
    if (s.el.kind === 'watermark') {
      if (s.side === 'left') wl = Math.max(wl, s.el.timestamp);
      else wr = Math.max(wr, s.el.timestamp);
    }
    return at;
  });
}

/** Checks that no output record is at or below a watermark forwarded before it. */
export function expectNothingLate<O>(out: readonly StreamElement<O>[]): void {
  let wm = -Infinity;
  for (const el of out) {
    if (el.kind === 'watermark') {
      expect(el.timestamp).toBeGreaterThanOrEqual(wm);
      wm = el.timestamp;
    } else if (el.kind === 'record') {
      if (!(el.timestamp > wm)) throw new Error(`output record at ${el.timestamp} is late: watermark ${wm} was forwarded before it`);
    }
  }
}

/** A value with an identity, so outputs can be compared as multisets. */
export interface Item {
  readonly id: string;
  readonly k: number;
}

/**
 * A random two-input script of up to `maxLength` steps: records with small keys and times
 * 0..`maxTs`, out of order, and per-side watermarks that only move forward. Ids are `l0, l1, ...`
 * and `r0, r1, ...`; with `tombstones`, some right records carry `del: true` (table changes).
 */
export function scriptArb(options: { keys?: number; maxTs?: number; maxLength?: number; tombstones?: boolean } = {}): fc.Arbitrary<Step<Item, Item & { readonly del?: true }>[]> {
  const keys = options.keys ?? 3;
  const maxTs = options.maxTs ?? 60;
  const op = fc.oneof(
    {
      weight: 3,
      arbitrary: fc.record({
        kind: fc.constant('record' as const),
        side: fc.constantFrom('left' as const, 'right' as const),
        k: fc.integer({ min: 0, max: keys - 1 }),
        ts: fc.integer({ min: 0, max: maxTs }),
        // with `tombstones`, about one right record in four deletes its key (table joins)
        del: fc.integer({ min: 0, max: 3 }).map((d) => options.tombstones === true && d === 0),
      }),
    },
    // watermarks start anywhere near the beginning and move forward in small steps, so the join's
    // watermark (the minimum of both sides') moves in most scripts, and records are late often
    { weight: 2, arbitrary: fc.record({ kind: fc.constant('watermark' as const), side: fc.constantFrom('left' as const, 'right' as const), ts: fc.integer({ min: -5, max: 10 }), step: fc.integer({ min: 1, max: 8 }) }) },
  );
  return fc.array(op, { maxLength: options.maxLength ?? 50, size: 'max' }).map((ops) => {
    let nl = 0;
    let nr = 0;
    const wm = { left: -Infinity, right: -Infinity };
    const steps: Step<Item, Item & { readonly del?: true }>[] = [];
    for (const o of ops) {
      if (o.kind === 'record') {
        const id = o.side === 'left' ? `l${nl++}` : `r${nr++}`;
        const value = o.side === 'right' && o.del ? { id, k: o.k, del: true as const } : { id, k: o.k };
        steps.push({ side: o.side, el: { kind: 'record', value, timestamp: o.ts } });
      } else {
        wm[o.side] = wm[o.side] === -Infinity ? o.ts : wm[o.side] + o.step;
        steps.push({ side: o.side, el: { kind: 'watermark', timestamp: wm[o.side] } });
      }
    }
    return steps;
  });
}

/** Output rows as sortable strings `left|right@timestamp`. */
export function rowsOf(out: readonly StreamElement<{ readonly left: Item | undefined; readonly right: Item | undefined }>[]): string[] {
  return out.flatMap((el) => (el.kind === 'record' ? [`${el.value.left?.id ?? '-'}|${el.value.right?.id ?? '-'}@${el.timestamp}`] : [])).sort();
}
