// Options and failures of the processing-time windows: unknown options are refused naming the
// operator and the nearest valid key; a failing key function or aggregate reaches the error
// channel as a WindowError naming the operator (or `onInvalid`, when given), and the failed
// subscription leaves no timer behind.
import { from, lastValueFrom, toArray } from 'rxjs';
import { InMemoryStore, type StateStore } from '@weir/state';
import { record, values, type StreamRecord } from '@weir/stream';
import { WindowError, count, processingTimeHoppingWindow, processingTimeSessionWindow, processingTimeTumblingWindow, sum, type GroupKey } from '@weir/window';
import { PtDriver, advanceTo, clockAt } from './processingTimeClock';

const store = (): StateStore => new InMemoryStore();
const makers = {
  processingTimeTumblingWindow: (o: Record<string, unknown>) => processingTimeTumblingWindow({ size: 10, ...(o as { key: (v: unknown) => GroupKey; aggregate: ReturnType<typeof count>; store: StateStore }) }),
  processingTimeHoppingWindow: (o: Record<string, unknown>) => processingTimeHoppingWindow({ size: 10, slide: 5, ...(o as { key: (v: unknown) => GroupKey; aggregate: ReturnType<typeof count>; store: StateStore }) }),
  processingTimeSessionWindow: (o: Record<string, unknown>) => processingTimeSessionWindow({ gap: 10, ...(o as { key: (v: unknown) => GroupKey; aggregate: ReturnType<typeof count>; store: StateStore }) }),
};

describe.each(Object.entries(makers))('%s: options and failures', (name, make) => {
  it('refuses an unknown option (an event-time one) naming the operator and the nearest key', () => {
    const err = (() => {
      try {
        make({ key: (v: unknown) => String(v), aggregate: count(), store: store(), allowedLateness: 5 });
      } catch (e) {
        return e;
      }
      return undefined;
    })();
    expect(err).toBeInstanceOf(WindowError);
    expect(err).toMatchObject({ code: 'INVALID_ARGUMENT' });
    expect((err as Error).message).toContain(name);
    expect((err as Error).message).toContain('allowedLateness');
    expect(() => make({ key: (v: unknown) => String(v), aggregate: count(), store: store(), schedular: clockAt(0) })).toThrow(/scheduler/);
  });

  it('refuses a scheduler that is not one', () => {
    expect(() => make({ key: (v: unknown) => String(v), aggregate: count(), store: store(), scheduler: { now: 5 } })).toThrow(
      expect.objectContaining({ name: 'WindowError', code: 'INVALID_ARGUMENT', message: expect.stringMatching(new RegExp(`^${name}: option \`scheduler\``)) }),
    );
  });

  it('a throwing key function errors the stream with a WindowError naming the operator, and cancels the timer', () => {
    const clock = clockAt(0);
    const boom = new Error('no key here');
    const d = new PtDriver<string, GroupKey, number>(clock, make({ key: (v: unknown) => (v === 'bad' ? (() => { throw boom; })() : String(v)), aggregate: count(), store: store(), scheduler: clock, name: 'counts' }));
    d.at(1, 'good');
    expect(clock.actions).toHaveLength(1);
    d.at(2, 'bad');
    expect(d.error).toBeInstanceOf(WindowError);
    expect(d.error).toMatchObject({ code: 'CALLBACK_FAILED', value: 'bad', cause: boom });
    expect((d.error as Error).message).toContain(`${name} 'counts'`);
    expect((d.error as Error).message).toContain('`key` threw');
    expect(clock.actions).toHaveLength(0);
  });

  it('with onInvalid, a bad record is handed over and counted; the rest carries on', () => {
    const clock = clockAt(0);
    const invalid: Array<[StreamRecord<unknown>, Error]> = [];
    const op = make({ key: (v: unknown) => (v === 'bad' ? ({} as unknown as string) : String(v)), aggregate: count(), store: store(), scheduler: clock, onInvalid: (r: StreamRecord<unknown>, e: Error) => invalid.push([r, e]) });
    const d = new PtDriver<string, GroupKey, number>(clock, op);
    d.at(1, 'bad').at(2, 'ok');
    expect(invalid).toHaveLength(1);
    expect(invalid[0]![1]).toMatchObject({ name: 'WindowError', code: 'INVALID_KEY' });
    expect(op.metrics.invalidRecords).toBe(1);
    advanceTo(clock, 100);
    expect(d.results().map((r) => [r.key, r.value])).toContainEqual(['ok', 1]);
    expect(d.error).toBeUndefined();
  });

  it('a failing aggregate errors the stream with AGGREGATE_FAILED naming the operator and the aggregate', () => {
    const clock = clockAt(0);
    const d = new PtDriver<unknown, GroupKey, number>(clock, make({ key: () => 'k', aggregate: sum(), store: store(), scheduler: clock }) as never);
    d.at(1, 'not a number');
    expect(d.error).toBeInstanceOf(WindowError);
    expect(d.error).toMatchObject({ code: 'AGGREGATE_FAILED' });
    expect((d.error as Error).message).toContain(name);
    expect(clock.actions).toHaveLength(0);
  });
});

describe('processingTimeSessionWindow: gap', () => {
  it.each([0, -1, 1.5, Number.NaN, '10'])('refuses gap %p', (gap) => {
    expect(() => processingTimeSessionWindow({ gap: gap as number, key: (v: string) => v, aggregate: count(), store: store() })).toThrow(
      expect.objectContaining({ code: 'INVALID_ARGUMENT', message: expect.stringContaining('processingTimeSessionWindow: option `gap`') }),
    );
  });
});

describe('processingTimeTumblingWindow without a scheduler', () => {
  it('runs on asyncScheduler (Date.now): a synchronous input is counted and flushed at its completion', async () => {
    const hour = 3_600_000;
    const before = Date.now();
    const rows = await lastValueFrom(
      from(['a', 'b', 'a'].map((v) => record(v, 0))).pipe(
        processingTimeTumblingWindow({ size: hour, key: (v: string) => v, aggregate: count(), store: store() }),
        values(),
        toArray(),
      ),
    );
    const after = Date.now();
    // the clock may cross an hour boundary while the test runs: count across windows
    const total = new Map<string, number>();
    for (const r of rows) {
      expect(r.end - r.start).toBe(hour);
      expect(r.start % hour).toBe(0);
      expect(r.start).toBeLessThanOrEqual(after);
      expect(r.end).toBeGreaterThan(before);
      total.set(r.key, (total.get(r.key) ?? 0) + r.value);
    }
    expect(Object.fromEntries(total)).toEqual({ a: 2, b: 1 });
  });
});
