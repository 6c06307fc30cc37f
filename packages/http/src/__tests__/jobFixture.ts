// A window job whose source stops at chosen offsets until told to go on, so a test can look at
// the job (its server, its stores) at a known point, and whose output says, record by record,
// what its store holds: `totals` keeps a running count per page (msgpack, key ("page", page)),
// writing through, and emits the new count; a tumbling window counts pages per second after it.
import { Observable, tap } from 'rxjs';
import { CheckpointCoordinator, MemoryCheckpointStorage, collectingSink, type Source } from '@weir/checkpoint';
import { encodeTuple, encodeValue, decodeValue, type StateStore } from '@weir/state';
import { OperatorCounters, statefulOperator, type StreamElement } from '@weir/stream';
import { count, tumblingWindow, type WindowResult } from '@weir/window';

export interface Click {
  readonly page: string;
  readonly ts: number;
}

export interface Total {
  readonly page: string;
  readonly count: number;
}

/** n clicks over 5 pages, mostly in order, every 50th far behind (late for the window). */
export function clicks(n: number): Click[] {
  return Array.from({ length: n }, (_, i) => ({ page: `p${(i * 7 + (i >> 3)) % 5}`, ts: i % 50 === 49 ? i * 10 - 5_000 : i * 10 }));
}

export const totalKey = (page: string): Uint8Array => encodeTuple(['page', page]);

/** The running count per page, in `store`, emitted as each record arrives. */
function runningTotals(name: string, store: StateStore, job: CheckpointCoordinator) {
  const counters = new OperatorCounters(store);
  const op = (source$: Observable<StreamElement<Click>>): Observable<StreamElement<Total>> =>
    statefulOperator<Click, Total>({ name, where: `runningTotals '${name}'`, store, checkpoint: job, allowedLateness: Number.MAX_SAFE_INTEGER, counters, typed: (e) => e }, (ctx) => ({
      load() {},
      input: () => source$,
      late() {},
      onRecord(r) {
        const key = totalKey(r.value.page);
        const old = store.get(key);
        const total = (old === undefined ? 0 : decodeValue<number>(old)) + 1;
        store.put(key, encodeValue(total));
        ctx.emit({ page: r.value.page, count: total }, r.timestamp);
      },
      advance() {},
      outputWatermark: (wm) => wm,
      flush() {},
    }));
  return Object.assign(op, { metrics: counters });
}

/** A source of `values` that stops before each offset of `pauses` until `go()` is called. */
export function pausingSource<T>(values: readonly T[], pauses: readonly number[]) {
  const waiting: Array<{ offset: number; reached: Promise<void>; reach: () => void; go: () => void; gone: Promise<number> }> = pauses.map((offset) => {
    let reach!: () => void;
    let go!: () => void;
    const reached = new Promise<void>((r) => (reach = r));
    const gone = new Promise<number>((r) => (go = () => r(0)));
    return { offset, reached, reach, go, gone };
  });
  const source: Source<T> = {
    describe: () => 'pausing source',
    open: (offset) => {
      let i = typeof offset === 'number' ? offset : 0;
      return {
        read: async () => [],
        readEach: (max, emit) => {
          const pause = waiting.find((w) => w.offset === i);
          if (pause !== undefined) {
            waiting.splice(waiting.indexOf(pause), 1);
            pause.reach();
            return pause.gone;
          }
          const next = waiting.filter((w) => w.offset > i).reduce((m, w) => Math.min(m, w.offset), values.length);
          const n = Math.min(max, next - i);
          for (let k = 0; k < n; k++) emit(values[i + k]!);
          i += n;
          return n;
        },
        offset: () => i,
        ended: () => i >= values.length && waiting.length === 0,
      };
    },
  };
  const at = (offset: number) => {
    const w = waiting.find((x) => x.offset === offset)!;
    return { reached: w.reached, go: w.go };
  };
  return { source, at };
}

/**
 * The job: source 'clicks' -> runningTotals 'totals' -> tumblingWindow 'views' (1 s windows of each page's totals, counted) -> sink 'out'.
 * `lastTotal` is what the output said last per page; `sink` holds the windows' results.
 */
export async function clickJob(input: readonly Click[], pauses: readonly number[]) {
  const job = await CheckpointCoordinator.open({ storage: new MemoryCheckpointStorage(), interval: { events: 500 }, batchSize: 100 });
  const { source, at } = pausingSource(input, pauses);
  const lastTotal = new Map<string, number>();
  const sink = collectingSink<WindowResult<string, number>>();
  const out$ = job
    .source('clicks', source, { timestamp: (c) => c.ts, maxOutOfOrderness: 200 })
    .pipe(
      runningTotals('totals', job.store('totals'), job),
      tap((el) => {
        if (el.kind === 'record') lastTotal.set(el.value.page, el.value.count);
      }),
      tumblingWindow({ size: 1_000, key: (t: Total) => t.page, aggregate: count(), store: job.store('views'), name: 'views', checkpoint: job }),
      job.sink('out', sink),
    );
  return { job, at, lastTotal, sink, run: () => job.run(out$) };
}
