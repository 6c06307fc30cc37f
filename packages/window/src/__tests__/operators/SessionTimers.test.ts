import fc from 'fast-check';
import { SessionTimers } from '../../operators/SessionTimers';

describe('SessionTimers', () => {
  it('pops entries in (due, seq) order, interleaved with pushes (against a sorted model)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.oneof(fc.record({ push: fc.integer({ min: -5, max: 20 }), seq: fc.nat(30) }), fc.constant({ pop: true as const })), { maxLength: 200 }),
        (ops) => {
          const timers = new SessionTimers<{ seq: number }>();
          const model: Array<{ due: number; s: { seq: number } }> = [];
          for (const op of ops) {
            if ('push' in op) {
              const s = { seq: op.seq };
              timers.push(op.push, s);
              model.push({ due: op.push, s });
            } else if (model.length > 0) {
              model.sort((a, b) => a.due - b.due || a.s.seq - b.s.seq);
              const first = model.shift()!;
              expect(timers.peekDue()).toBe(first.due);
              const popped = timers.pop();
              // equal (due, seq) pairs may come in either order: compare what identifies them
              expect(popped.seq).toBe(first.s.seq);
            }
            expect(timers.size).toBe(model.length);
          }
          if (model.length === 0) expect(timers.peekDue()).toBe(Number.POSITIVE_INFINITY);
        },
      ),
    );
  });
});
