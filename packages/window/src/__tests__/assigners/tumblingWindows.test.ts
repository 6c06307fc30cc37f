import fc from 'fast-check';
import { tumblingWindows } from '../../assigners/tumblingWindows';
import { MAX_TIMESTAMP, MAX_WINDOW_SIZE, MIN_TIMESTAMP } from '../../limits';
import { windowContains } from '../../Window';
import { WindowError } from '../../WindowError';
import { alignedExact, offset, timestamp } from '../arbitraries';

const size = (): fc.Arbitrary<number> =>
  fc.oneof(fc.integer({ min: 1, max: 100 }), fc.integer({ min: 1, max: MAX_WINDOW_SIZE }));

describe('tumblingWindows', () => {
  it('assigns the window of size containing t, before and after the epoch', () => {
    const w = tumblingWindows(1000);
    expect(w.assign(0)).toEqual([{ start: 0, end: 1000 }]);
    expect(w.assignOne(999)).toEqual({ start: 0, end: 1000 });
    expect(w.assignOne(1000)).toEqual({ start: 1000, end: 2000 });
    expect(w.assignOne(-1)).toEqual({ start: -1000, end: 0 });
    expect(w.assignOne(-1000)).toEqual({ start: -1000, end: 0 });
    expect(w.assignOne(-1001)).toEqual({ start: -2000, end: -1000 });
    expect(w.windowStart(-1)).toBe(-1000);
    expect(w.windowStart(123_456)).toBe(123_000);
  });

  it('normalises the offset with a floor modulus', () => {
    const a = tumblingWindows(10, -3);
    expect(a.offset).toBe(7);
    expect(tumblingWindows(10, 23).offset).toBe(3);
    expect(tumblingWindows(10, -20).offset).toBe(0);
    expect(a.assign(-4)).toEqual([{ start: -13, end: -3 }]);
    expect(a.assign(-3)).toEqual([{ start: -3, end: 7 }]);
    expect(a.assign(6)).toEqual([{ start: -3, end: 7 }]);
    expect(a.assign(7)).toEqual([{ start: 7, end: 17 }]);
    for (let t = -50; t <= 50; t++) expect(tumblingWindows(10, 7).assign(t)).toEqual(a.assign(t));
  });

  it('aligns days to a fixed UTC offset', () => {
    const day = 86_400_000;
    const utcPlus2Days = tumblingWindows(day, -2 * 3_600_000);
    expect(utcPlus2Days.assignOne(Date.UTC(2024, 0, 1, 23))).toEqual({
      start: Date.UTC(2024, 0, 1, 22),
      end: Date.UTC(2024, 0, 2, 22),
    });
  });

  it('exposes its configuration and kind, and is frozen', () => {
    const a = tumblingWindows(60_000, 5);
    expect(a.kind).toBe('tumbling');
    expect(a.size).toBe(60_000);
    expect(a.offset).toBe(5);
    expect(Object.isFrozen(a)).toBe(true);
  });

  it('assignOne reuses the frozen window while t stays inside it', () => {
    const a = tumblingWindows(1000);
    const w = a.assignOne(10);
    expect(Object.isFrozen(w)).toBe(true);
    expect(a.assignOne(999)).toBe(w);
    const next = a.assignOne(1000);
    expect(next).not.toBe(w);
    expect(a.assignOne(0)).toEqual(w);
  });

  it('works at the ends of the timestamp range', () => {
    const a = tumblingWindows(MAX_WINDOW_SIZE);
    for (const t of [MIN_TIMESTAMP, MAX_TIMESTAMP]) {
      const w = a.assignOne(t);
      expect(windowContains(w, t)).toBe(true);
      expect(Number.isSafeInteger(w.start) && Number.isSafeInteger(w.end)).toBe(true);
    }
  });

  it('rejects bad configuration naming the assigner and value', () => {
    for (const bad of [0, -1000, 1.5, NaN, Infinity, MAX_WINDOW_SIZE + 1, '1000' as unknown as number]) {
      expect(() => tumblingWindows(bad)).toThrow(WindowError);
    }
    expect(() => tumblingWindows(-1000)).toThrow(/^tumblingWindows: size must be .* got number -1000$/);
    expect(() => tumblingWindows(1000, 0.5)).toThrow(/^tumblingWindows: offset must be .* got number 0\.5$/);
    expect(() => tumblingWindows(1000, NaN)).toThrow(WindowError);
  });

  it('rejects bad timestamps naming the configuration', () => {
    const a = tumblingWindows(1000, 10);
    for (const t of [NaN, Infinity, 1.5, MAX_TIMESTAMP + 1, '5' as unknown as number]) {
      for (const call of [() => a.assign(t), () => a.assignOne(t), () => a.windowStart(t)]) {
        expect(call).toThrow(WindowError);
      }
    }
    expect(() => a.windowStart(NaN)).toThrow(/^tumblingWindows\(size=1000, offset=10\): timestamp .* got number NaN$/);
  });

  it('property: exactly one window, containing t, aligned to offset, of length size', () => {
    fc.assert(
      fc.property(size(), offset(), timestamp(), (sz, off, t) => {
        const a = tumblingWindows(sz, off);
        const ws = a.assign(t);
        expect(ws).toHaveLength(1);
        const w = ws[0]!;
        expect(windowContains(w, t)).toBe(true);
        expect(w.end - w.start).toBe(sz);
        expect(alignedExact(w.start, off, sz)).toBe(true);
        expect(a.windowStart(t)).toBe(w.start);
        expect(a.assignOne(t)).toEqual(w);
      }),
    );
  });

  it('property: windows partition the line (neighbours abut, every instant maps to its window)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 1e9 }), offset(), fc.integer({ min: -1e15, max: 1e15 }), (sz, off, t) => {
        const a = tumblingWindows(sz, off);
        const w = a.assignOne(t);
        expect(a.assignOne(w.start)).toEqual(w);
        expect(a.assignOne(w.end - 1)).toEqual(w);
        expect(a.assignOne(w.end).start).toBe(w.end);
        expect(a.assignOne(w.start - 1).end).toBe(w.start);
      }),
    );
  });

  it('property: agrees with a brute-force scan of candidate starts', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 60 }), offset(), timestamp(), (sz, off, t) => {
        const found = [];
        for (let s = t - sz + 1; s <= t; s++) {
          if ((((s - off) % sz) + sz) % sz === 0) found.push({ start: s, end: s + sz });
        }
        expect(tumblingWindows(sz, off).assign(t)).toEqual(found);
      }),
    );
  });
});
