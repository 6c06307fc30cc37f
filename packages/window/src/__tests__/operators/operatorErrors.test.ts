// Issue 13 item 5: a failure inside a window operator reaches the error channel (or onInvalid) as a
// WindowError naming the operator, with the offending value and the original error as `cause`.
import { InMemoryStore } from '@weir/state';
import { record, watermark, type StreamRecord } from '@weir/stream';
import {
  AggregationError,
  WindowError,
  calendarWindow,
  count,
  cumulativeWindow,
  hoppingWindow,
  sessionWindow,
  sum,
  tumblingWindow,
  type Aggregate,
  type WindowOperator,
} from '@weir/window';
import { Driver } from './driver';

type Make = (options: { key: (v: unknown) => string; aggregate: Aggregate<unknown, unknown, unknown>; name: string; onInvalid?: (r: StreamRecord<unknown>, e: Error) => void; onLate?: (r: StreamRecord<unknown>) => void }) => WindowOperator<unknown, string, unknown>;

const store = () => new InMemoryStore();
const kinds: Array<[string, Make]> = [
  ['tumblingWindow', (o) => tumblingWindow({ ...o, size: 10, store: store() })],
  ['hoppingWindow', (o) => hoppingWindow({ ...o, size: 10, slide: 5, store: store() })],
  ['cumulativeWindow', (o) => cumulativeWindow({ ...o, step: 5, maxSize: 10, store: store() })],
  ['calendarWindow', (o) => calendarWindow({ ...o, unit: 'day', timeZone: 'UTC', store: store() })],
  ['sessionWindow', (o) => sessionWindow({ ...o, gap: 10, store: store() })],
];

const boom = new Error('boom');
const throwingKey = (v: unknown): string => {
  if (v === 'bad') throw boom;
  return 'k';
};
const sumOfStrings = sum() as unknown as Aggregate<unknown, unknown, unknown>;

describe.each(kinds)('%s', (kind, make) => {
  it('a key function that throws errors the stream with CALLBACK_FAILED naming the operator, the value and the cause', () => {
    const d = new Driver(make({ key: throwingKey, aggregate: count() as Aggregate<unknown, unknown, unknown>, name: 'clicks' }));
    d.push(record('fine', 1));
    d.push(record('bad', 2));
    expect(d.error).toBeInstanceOf(WindowError);
    const err = d.error as WindowError;
    expect(err.code).toBe('CALLBACK_FAILED');
    expect(err.message).toBe(`${kind} 'clicks': \`key\` threw for the record at 2 (string "bad"): boom`);
    expect(err.value).toBe('bad');
    expect(err.cause).toBe(boom);
  });

  it('an aggregate that refuses a record (sum over strings) errors the stream with AGGREGATE_FAILED naming the operator and the value', () => {
    const d = new Driver(make({ key: () => 'k', aggregate: sumOfStrings, name: 'totals' }));
    d.push(record(3, 1));
    d.push(record('12', 2));
    expect(d.error).toBeInstanceOf(WindowError);
    const err = d.error as WindowError;
    expect(err.code).toBe('AGGREGATE_FAILED');
    expect(err.message).toMatch(new RegExp(`^${kind} 'totals': aggregate 'sum' failed for the record at 2 \\(string "12"\\): sum: expected a finite number, got string "12"$`));
    expect(err.value).toBe('12');
    expect(err.cause).toBeInstanceOf(AggregationError);
  });

  it('with onInvalid, both failures go there as the same WindowErrors, are counted, and the stream goes on', () => {
    const invalid: Array<[unknown, WindowError]> = [];
    const op = make({
      key: throwingKey,
      aggregate: sumOfStrings,
      name: 'w',
      onInvalid: (r, e) => invalid.push([r.value, e as WindowError]),
    });
    const d = new Driver(op);
    for (const el of [record('bad', 1), record('12', 2), record(5, 3), watermark(Number.POSITIVE_INFINITY)]) d.push(el);
    d.complete();
    expect(d.error).toBeUndefined();
    expect(invalid.map(([v, e]) => [v, e.code, e.cause instanceof Error])).toEqual([
      ['bad', 'CALLBACK_FAILED', true],
      ['12', 'AGGREGATE_FAILED', true],
    ]);
    expect(invalid.every(([, e]) => e instanceof WindowError && e.message.startsWith(`${kind} 'w': `))).toBe(true);
    expect(op.metrics.invalidRecords).toBe(2);
  });

  it('an onLate or onInvalid callback that throws errors the stream with CALLBACK_FAILED naming the callback', () => {
    const late = new Driver(make({ key: () => 'k', aggregate: count() as Aggregate<unknown, unknown, unknown>, name: 'w', onLate: () => { throw boom; } }));
    late.push(watermark(1_000_000_000)); // past every window of the record at 1, the day included
    late.push(record('old', 1));
    expect(late.error).toMatchObject({ name: 'WindowError', code: 'CALLBACK_FAILED', cause: boom, message: `${kind} 'w': \`onLate\` threw for the record at 1 (string "old"): boom` });
    const invalid = new Driver(make({ key: throwingKey, aggregate: count() as Aggregate<unknown, unknown, unknown>, name: 'w', onInvalid: () => { throw boom; } }));
    invalid.push(record('bad', 1));
    expect(invalid.error).toMatchObject({ name: 'WindowError', code: 'CALLBACK_FAILED', cause: boom, message: expect.stringMatching(new RegExp(`^${kind} 'w': \`onInvalid\` threw`)) });
  });
});
