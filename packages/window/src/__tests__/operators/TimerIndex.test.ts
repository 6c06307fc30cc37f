// The timer index against a plain sorted list of timers: the same random adds and removes, then
// the timers due at random watermarks.
import fc from 'fast-check';
import { InMemoryStore, StateSnapshot } from '@weir/state';
import { TimerIndex } from '../../operators/TimerIndex';
import { WindowKeys } from '../../operators/windowState';

interface Model {
  due: number;
  end: number;
  start: number;
  flags: number;
}

const MAX = Number.MAX_SAFE_INTEGER;
const clamp = (t: number): number => Math.max(-MAX, Math.min(MAX, t));
const byKey = (a: Model, b: Model): number => clamp(a.due) - clamp(b.due) || a.end - b.end || a.start - b.start;

const timeArb = fc.oneof(fc.integer({ min: -1000, max: 1000 }), fc.constantFrom(-MAX, MAX, -8.64e15, 8.64e15));
const opArb = fc.oneof(
  fc.record({ kind: fc.constant('add' as const), due: fc.oneof(timeArb, fc.constantFrom(MAX + 10, Number.POSITIVE_INFINITY)), end: timeArb, start: timeArb, flags: fc.integer({ min: 0, max: 255 }) }),
  fc.record({ kind: fc.constant('remove' as const), pick: fc.nat() }),
  fc.record({ kind: fc.constant('due' as const), wm: fc.oneof(timeArb, fc.double({ min: -1100, max: 1100, noNaN: true }), fc.constantFrom(Number.NEGATIVE_INFINITY, Number.POSITIVE_INFINITY, MAX + 10)) }),
  // a watermark at, just before or just after a timer's due time
  fc.record({ kind: fc.constant('near' as const), pick: fc.nat(), delta: fc.constantFrom(-1, -0.5, 0, 0.5) }),
);

describe('TimerIndex', () => {
  it('yields exactly the timers due at a watermark, in (due, end, start) order, like a sorted list', () => {
    fc.assert(
      fc.property(fc.array(opArb, { maxLength: 80 }), (ops) => {
        const store = new InMemoryStore();
        const keys = new WindowKeys('win');
        const other = new WindowKeys('win2'); // an operator sharing the store, with its own timers
        const timers = new TimerIndex(store, keys);
        const foreign = new TimerIndex(store, other);
        foreign.add(0, 1, 0, 9);
        let model: Array<Model & { key: Uint8Array }> = [];
        for (const op of ops) {
          if (op.kind === 'add') {
            const key = timers.add(op.due, op.end, op.start, op.flags);
            model = model.filter((m) => byKey(m, op) !== 0);
            model.push({ due: clamp(op.due), end: op.end, start: op.start, flags: op.flags, key });
          } else if (op.kind === 'remove') {
            if (model.length === 0) continue;
            const victim = model[op.pick % model.length]!;
            timers.remove(victim.key);
            model = model.filter((m) => m !== victim);
          } else {
            const wm = op.kind === 'due' ? op.wm : model.length === 0 ? 0 : model[op.pick % model.length]!.due + op.delta;
            const sorted = [...model].sort(byKey);
            const expected = sorted.filter((m) => m.due <= wm).map(({ due, end, start, flags }) => ({ due, end, start, flags }));
            expect(timers.dueAt(wm).map(({ due, end, start, flags }) => ({ due, end, start, flags }))).toEqual(expected);
            expect(timers.earliest()).toBe(sorted[0]?.due ?? Number.POSITIVE_INFINITY);
          }
        }
        expect(timers.all()).toHaveLength(model.length);
        expect(foreign.all()).toHaveLength(1);
      }),
      { numRuns: 300 },
    );
  });

  it('lives in the store: a snapshot restored elsewhere holds the same timers', () => {
    const store = new InMemoryStore();
    const keys = new WindowKeys('w');
    const timers = new TimerIndex(store, keys);
    timers.add(19, 10, 0, 1);
    timers.add(9, 10, 0, 0);
    const removed = timers.add(5, 20, 10, 0);
    timers.remove(removed);
    const fresh = new InMemoryStore();
    fresh.restore(StateSnapshot.decode(store.snapshot().encode()));
    const restored = new TimerIndex(fresh, keys);
    expect(restored.all().map(({ due, end, start, flags }) => [due, end, start, flags])).toEqual([
      [9, 10, 0, 0],
      [19, 10, 0, 1],
    ]);
    expect(restored.dueAt(18.5).map((t) => t.due)).toEqual([9]);
    expect(restored.dueAt(8.99)).toEqual([]);
  });
});
