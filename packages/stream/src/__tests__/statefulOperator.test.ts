import { Subject } from 'rxjs';
import { InMemoryStore, type StateStore } from '@weir/state';
import {
  OperatorCounters,
  StreamError,
  barrier,
  idleWatermark,
  record,
  statefulOperator,
  watermark,
  type StatefulEngine,
  type StreamElement,
  type StreamRecord,
} from '../index';
import { CheckpointRecorder } from '../testing';

/** A test engine: echoes records (value, seq), keeps the log of what the harness called. */
function harness(store: StateStore, options: { allowedLateness?: number; checkpoint?: CheckpointRecorder; judged?: (r: StreamRecord<number>) => boolean; admit?: (r: StreamRecord<number>) => boolean; throwOn?: number } = {}) {
  const counters = new OperatorCounters(store);
  const calls: string[] = [];
  const input = new Subject<StreamElement<number>>();
  const out: StreamElement<unknown>[] = [];
  const state: { error?: unknown; completed: boolean; loaded?: unknown } = { completed: false };
  const op = statefulOperator<number, string>(
    { name: 'op', where: "test 'op'", store, checkpoint: options.checkpoint, allowedLateness: options.allowedLateness ?? 0, counters, typed: (err) => ({ typed: err }) },
    (ctx) => {
      const engine: StatefulEngine<number> = {
        load: (meta) => {
          state.loaded = meta;
          calls.push('load');
        },
        input: () => input,
        late: (r) => calls.push(`late ${r.value}`),
        onRecord: (r) => {
          if (r.value === options.throwOn) throw new Error('boom');
          calls.push(`record ${r.value}`);
          ctx.emit(`${r.value}#${ctx.nextSeq()}`, r.timestamp);
        },
        advance: (wm, previous) => calls.push(`advance ${previous} -> ${wm}`),
        outputWatermark: (wm) => wm - 1,
        flush: () => calls.push('flush'),
        save: () => ({ extra: 'kept' }),
        ...(options.judged === undefined ? {} : { judged: options.judged }),
        ...(options.admit === undefined ? {} : { admit: options.admit }),
      };
      return engine;
    },
  );
  op.subscribe({ next: (el) => out.push(el), error: (err: unknown) => (state.error = err), complete: () => (state.completed = true) });
  return { input, out, calls, counters, state };
}

describe('statefulOperator', () => {
  it('judges lateness once: a record at or below watermark - allowedLateness goes to late (counted), any other to onRecord', () => {
    const h = harness(new InMemoryStore(), { allowedLateness: 5 });
    h.input.next(record(1, 3)); // no watermark yet: nothing is late
    h.input.next(watermark(10));
    h.input.next(record(2, 5)); // 5 <= 10 - 5: late
    h.input.next(record(3, 6)); // behind the watermark, within the lateness
    expect(h.calls).toEqual(['load', 'record 1', 'advance -Infinity -> 10', 'late 2', 'record 3']);
    expect(h.counters.snapshot()).toMatchObject({ recordsIn: 3, recordsOut: 2, lateRecords: 1, watermark: 10 });
  });

  it('judged: records it rejects are never late; admit: a record it handled is counted in but not processed', () => {
    const h = harness(new InMemoryStore(), { judged: (r) => r.value !== 2, admit: (r) => r.value !== 3 });
    h.input.next(watermark(10));
    h.input.next(record(1, 0));
    h.input.next(record(2, 0));
    h.input.next(record(3, 20));
    expect(h.calls.slice(2)).toEqual(['late 1', 'record 2']);
    expect(h.counters).toMatchObject({ recordsIn: 3, lateRecords: 1 });
  });

  it('forwards outputWatermark when it advances; an idle marker at the last forwarded one; the next watermark re-activates', () => {
    const h = harness(new InMemoryStore());
    h.input.next(watermark(10));
    h.input.next(watermark(10)); // no advance: nothing
    h.input.next(watermark(4)); // behind: nothing
    h.input.next(idleWatermark(10));
    h.input.next(watermark(10)); // active again, no advance: the same watermark, not idle
    h.input.next(watermark(12));
    expect(h.out).toEqual([watermark(9), { kind: 'watermark', timestamp: 9, idle: true }, watermark(9), watermark(11)]);
    expect(h.calls).toEqual(['load', 'advance -Infinity -> 10', 'advance 10 -> 12']);
  });

  it('completion advances to +Infinity, forwards it and completes', () => {
    const h = harness(new InMemoryStore());
    h.input.next(record(1, 3));
    h.input.complete();
    expect(h.out).toEqual([record('1#0', 3), watermark(Infinity)]);
    expect(h.calls.at(-1)).toBe('advance -Infinity -> Infinity');
    expect(h.state.completed).toBe(true);
  });

  it('on a barrier: flushes, writes the meta entry, reports the snapshot, forwards the barrier; a restored operator resumes watermark, sequence, counters and the extra meta', () => {
    const recorder = new CheckpointRecorder();
    const h = harness(new InMemoryStore(), { checkpoint: recorder });
    h.input.next(record(1, 3));
    h.input.next(watermark(10));
    h.input.next(record(2, 1)); // late
    h.input.next(barrier(1));
    expect(h.calls.at(-1)).toBe('flush');
    expect(h.out.at(-1)).toEqual(barrier(1));
    const store = new InMemoryStore();
    store.restore(recorder.snapshotsOf(1).get('op')!);
    const r = harness(store);
    expect(r.state.loaded).toMatchObject({ extra: 'kept', watermark: 10, nextSeq: 1 });
    expect(r.counters.snapshot()).toMatchObject({ recordsIn: 2, lateRecords: 1, invalidRecords: 0, watermark: 10 });
    r.input.next(watermark(10)); // re-sent after the restore: no advance, nothing forwarded
    r.input.next(record(3, 11));
    r.input.next(record(4, 9)); // late against the restored watermark
    expect(r.out).toEqual([record('3#1', 11)]); // the sequence continues
    expect(r.counters).toMatchObject({ recordsIn: 4, lateRecords: 2 });
  });

  it('sends every failure through config.typed to the error channel: an engine throw, and something that is not an element', () => {
    const h = harness(new InMemoryStore(), { throwOn: 2 });
    h.input.next(record(2, 0));
    expect(h.state.error).toEqual({ typed: new Error('boom') });
    const g = harness(new InMemoryStore());
    g.input.next({ kind: 'nope' } as never);
    const err = (g.state.error as { typed: unknown }).typed;
    expect(err).toBeInstanceOf(StreamError);
    expect(err).toMatchObject({ code: 'INVALID_ELEMENT', message: expect.stringMatching(/^test 'op': expected a stream element/) });
  });
});

describe('OperatorCounters', () => {
  class Counters extends OperatorCounters {
    fired = 0;
    open = 0;
    constructor(store: StateStore) {
      super(store, ['fired'], ['open']);
    }
  }

  it('saves and restores the counts (its own and the common ones), never the gauges; unknown or missing names are ignored', () => {
    const c = new Counters(new InMemoryStore());
    c.recordsIn = 5;
    c.recordsOut = 4;
    c.lateRecords = 2;
    c.fired = 3;
    c.open = 7;
    expect(c.save()).toEqual({ recordsIn: 5, recordsOut: 4, lateRecords: 2, invalidRecords: 0, fired: 3 });
    const d = new Counters(new InMemoryStore());
    d.restore({ ...c.save(), other: 9, invalidRecords: 'x' });
    expect(d).toMatchObject({ recordsIn: 5, recordsOut: 4, lateRecords: 2, invalidRecords: 0, fired: 3, open: 0 });
    d.restore(undefined);
    expect(d.fired).toBe(3);
  });

  it('snapshot() has every figure: counts, gauges, watermark and the store figures', () => {
    const store = new InMemoryStore();
    store.put(Uint8Array.of(1), Uint8Array.of(2));
    const c = new Counters(store);
    c.open = 4;
    expect(c.snapshot()).toEqual({ recordsIn: 0, recordsOut: 0, lateRecords: 0, invalidRecords: 0, fired: 0, open: 4, watermark: -Infinity, storeEntries: 1, storeBytes: store.sizeBytes() });
  });
});
