import fc from 'fast-check';
import { TimeQueue } from '../TimeQueue';

interface Item {
  readonly ts: number;
  readonly seq: number;
  removed: boolean;
}

const order = (a: Item, b: Item): number => a.ts - b.ts || a.seq - b.seq;

describe('TimeQueue against a sorted-array model', () => {
  it('pops live items in (ts, seq) order whatever the arrival order, skipping removed ones', () => {
    const op = fc.oneof(
      // mostly in order, sometimes far behind (the heap part), sometimes far ahead
      { weight: 5, arbitrary: fc.record({ kind: fc.constant('push' as const), dt: fc.integer({ min: -30, max: 8 }) }) },
      { weight: 2, arbitrary: fc.record({ kind: fc.constant('pop' as const) }) },
      { weight: 1, arbitrary: fc.record({ kind: fc.constant('remove' as const), pick: fc.nat() }) },
      { weight: 1, arbitrary: fc.record({ kind: fc.constant('peek' as const) }) },
    );
    fc.assert(
      fc.property(fc.array(op, { maxLength: 400, size: 'max' }), (ops) => {
        const q = new TimeQueue<Item>();
        let model: Item[] = [];
        let now = 0;
        let seq = 0;
        for (const o of ops) {
          if (o.kind === 'push') {
            now += o.dt > 0 ? o.dt : 0;
            const item = { ts: now + Math.min(0, o.dt), seq: seq++, removed: false };
            q.push(item);
            model.push(item);
            model.sort(order);
          } else if (o.kind === 'remove') {
            if (model.length === 0) continue;
            const item = model[o.pick % model.length]!;
            item.removed = true;
            model = model.filter((m) => m !== item);
          } else if (o.kind === 'peek') {
            expect(q.peek()).toBe(model[0]);
          } else {
            expect(q.pop()).toBe(model.shift());
          }
        }
        while (model.length > 0) expect(q.pop()).toBe(model.shift());
        expect(q.pop()).toBeUndefined();
      }),
      { numRuns: 200 },
    );
  });

  it('keeps its order across the run compacting itself (long in-order runs, a few rows behind)', () => {
    const q = new TimeQueue<Item>();
    const live: Item[] = []; // the model: live items, sorted
    for (let i = 0; i < 20_000; i++) {
      const item = { ts: i % 97 === 0 ? i - 50 : i, seq: i, removed: false };
      q.push(item);
      let at = live.length;
      while (at > 0 && order(live[at - 1]!, item) > 0) at--;
      live.splice(at, 0, item);
      if (i % 3 !== 0) expect(q.pop()).toBe(live.shift());
    }
    while (live.length > 0) expect(q.pop()).toBe(live.shift());
    expect(q.peek()).toBeUndefined();
  });
});
