import fc from 'fast-check';
import { asofMatch, type AsofDirection } from '../index';
import { answer, type AsofCase, type Rec } from './asofOracle';

describe('asofMatch', () => {
  it('does what its TSDoc example says', () => {
    const m = asofMatch('nearest', 5_000);
    expect(m.pick(10_000, [4_000, 8_000, 12_000, 20_000])).toBe(1);
    expect(m.choose(10_000, 8_000, 11_000)).toBe('after');
    expect(m.choose(10_000, 4_000, undefined)).toBeUndefined();
    expect(m.finalAt(10_000, 8_000, undefined)).toBe(11_999);
  });

  it('looks on its side only, within the tolerance', () => {
    const back = asofMatch('backward', 3);
    expect([back.accepts(10, 7), back.accepts(10, 6), back.accepts(10, 10), back.accepts(10, 11)]).toEqual([true, false, true, false]);
    const fwd = asofMatch('forward');
    expect([fwd.accepts(10, 9), fwd.accepts(10, 10), fwd.accepts(10, 1e12)]).toEqual([false, true, true]);
    expect(asofMatch('nearest', 0).accepts(10, 10)).toBe(true);
    expect(asofMatch('nearest', 0).accepts(10, 11)).toBe(false);
  });

  it('picks the latest arrival among candidates with the same time', () => {
    expect(asofMatch('backward').pick(10, [5, 8, 8, 3])).toBe(2);
    expect(asofMatch('forward').pick(10, [12, 15, 12])).toBe(2);
    expect(asofMatch('nearest').pick(10, [10, 9, 10, 11])).toBe(2);
    expect(asofMatch('forward').pick(10, [9, 8])).toBe(-1);
  });

  it('a right record at the left time answers every direction', () => {
    expect(asofMatch('backward').choose(10, 10, 10)).toBe('before');
    expect(asofMatch('forward').choose(10, 10, 10)).toBe('after');
    expect(asofMatch('nearest', 0).choose(10, 10, 10)).toBe('before');
  });

  it('finalAt: backward at t, forward at the first right time at or after t or t + tolerance, nearest also at t + d - 1', () => {
    expect(asofMatch('backward', 5).finalAt(10, undefined, 12)).toBe(10);
    expect(asofMatch('forward').finalAt(10, 9, 12)).toBe(12);
    expect(asofMatch('forward', 1).finalAt(10, 9, 12)).toBe(11);
    expect(asofMatch('forward').finalAt(10, 9, undefined)).toBe(Infinity);
    expect(asofMatch('nearest').finalAt(10, 10, undefined)).toBe(10); // d = 0: nothing can beat it
    expect(asofMatch('nearest').finalAt(10, 9, undefined)).toBe(10);
    expect(asofMatch('nearest').finalAt(10, 4, 20)).toBe(15);
    expect(asofMatch('nearest').finalAt(10, 4, 13)).toBe(13);
    expect(asofMatch('nearest', 5).finalAt(10, 4, undefined)).toBe(15); // 4 is out of reach
    expect(asofMatch('nearest').finalAt(10, undefined, undefined)).toBe(Infinity);
  });

  it('pick agrees with the plain-loop oracle on random candidates', () => {
    fc.assert(
      fc.property(
        fc.constantFrom<AsofDirection>('backward', 'forward', 'nearest'),
        fc.option(fc.integer({ min: 0, max: 6 }), { nil: undefined }),
        fc.integer({ min: 0, max: 20 }),
        fc.array(fc.integer({ min: 0, max: 20 }), { maxLength: 12 }),
        (direction, tolerance, t, times) => {
          const c: AsofCase = { direction, tolerance, type: 'inner' };
          const rights: Rec[] = times.map((ts, i) => ({ id: `r${i}`, k: 0, ts, step: i }));
          const expected = answer({ id: 'l', k: 0, ts: t, step: 0 }, rights, c);
          expect(asofMatch(direction, tolerance).pick(t, times)).toBe(expected === undefined ? -1 : Number(expected.id.slice(1)));
        },
      ),
      { numRuns: 500 },
    );
  });
});
