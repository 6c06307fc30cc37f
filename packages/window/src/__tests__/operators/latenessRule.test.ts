// Issue 14: one lateness rule for every event-time operator (docs/concepts/event-time.md), checked
// by the one shared property of @weir/stream/testing on every window operator.
import type { Observable } from 'rxjs';
import { InMemoryStore } from '@weir/state';
import type { StreamElement, StreamRecord } from '@weir/stream';
import { checkLatenessRule, type ScriptItem } from '@weir/stream/testing';
import {
  calendarWindow,
  collect,
  count,
  cumulativeWindow,
  hoppingWindow,
  sessionWindow,
  tumblingWindow,
  type EmitMode,
  type WindowOperator,
} from '@weir/window';

interface Common {
  readonly key: (v: ScriptItem) => number;
  readonly store: InMemoryStore;
  readonly allowedLateness: number;
  readonly emit: EmitMode;
  readonly onLate: (r: StreamRecord<ScriptItem>) => void;
}
type Make = (o: Common) => WindowOperator<ScriptItem, number, unknown>;

const windows: Array<[string, EmitMode, Make]> = [
  ['tumblingWindow', 'watermark', (o) => tumblingWindow({ ...o, size: 10, aggregate: count() })],
  ['tumblingWindow', 'final', (o) => tumblingWindow({ ...o, size: 10, aggregate: count() })],
  ['hoppingWindow', 'watermark', (o) => hoppingWindow({ ...o, size: 10, slide: 4, aggregate: count() })],
  ['hoppingWindow', 'changelog', (o) => hoppingWindow({ ...o, size: 3, slide: 5, aggregate: count() })],
  ['cumulativeWindow', 'watermark', (o) => cumulativeWindow({ ...o, step: 4, maxSize: 12, aggregate: count() })],
  ['calendarWindow', 'watermark', (o) => calendarWindow({ ...o, unit: 'day', timeZone: 'UTC', aggregate: count() })],
  ['sessionWindow', 'watermark', (o) => sessionWindow({ ...o, gap: 5, aggregate: collect((v: ScriptItem) => v.id) })],
  ['sessionWindow', 'changelog', (o) => sessionWindow({ ...o, gap: 5, aggregate: count() })],
];

describe('the lateness rule: late exactly when ts <= watermark - allowedLateness, counted and sent to onLate', () => {
  it.each(windows)("%s (emit '%s')", (_kind, emit, make) => {
    checkLatenessRule({
      timed: [true],
      build: ([input], allowedLateness, onLate) => {
        const op = make({ key: (v) => v.k, store: new InMemoryStore(), allowedLateness, emit, onLate: (r) => onLate(0, r) });
        return { output: (input as Observable<StreamElement<ScriptItem>>).pipe(op), metrics: op.metrics };
      },
    });
  });
});
