import { describeValue } from '@weir/state';
import { assertDuration, assertOffset, assertTimestamp, MAX_TIMESTAMP, MAX_WINDOW_SIZE, MIN_TIMESTAMP } from '../limits';
import { WindowError } from '../WindowError';

describe('limits', () => {
  it('keeps every window bound a safe integer', () => {
    expect(MAX_TIMESTAMP + MAX_WINDOW_SIZE).toBe(Number.MAX_SAFE_INTEGER);
    expect(MIN_TIMESTAMP - MAX_WINDOW_SIZE).toBe(-Number.MAX_SAFE_INTEGER);
    expect(new Date(MIN_TIMESTAMP).getTime()).toBe(MIN_TIMESTAMP);
    expect(new Date(MAX_TIMESTAMP).getTime()).toBe(MAX_TIMESTAMP);
  });

  it('assertTimestamp accepts integers in range and names the caller and value otherwise', () => {
    for (const t of [0, -1, MIN_TIMESTAMP, MAX_TIMESTAMP]) expect(() => assertTimestamp(t, 'here')).not.toThrow();
    for (const t of [NaN, Infinity, -Infinity, 1.5, MAX_TIMESTAMP + 1, MIN_TIMESTAMP - 1, '5' as unknown as number]) {
      let caught: unknown;
      try {
        assertTimestamp(t, 'myAssigner(size=5)');
      } catch (err) {
        caught = err;
      }
      expect(caught).toBeInstanceOf(WindowError);
      expect(caught).toBeInstanceOf(RangeError);
      const err = caught as WindowError;
      expect(err.code).toBe('INVALID_TIMESTAMP');
      expect(err.value).toBe(t);
      expect(err.name).toBe('WindowError');
      expect(err.message).toContain('myAssigner(size=5)');
      expect(err.message).toContain(describeValue(t));
    }
  });

  it('assertDuration wants a positive integer up to MAX_WINDOW_SIZE', () => {
    expect(() => assertDuration(1, 'size', 'f')).not.toThrow();
    expect(() => assertDuration(MAX_WINDOW_SIZE, 'size', 'f')).not.toThrow();
    for (const v of [0, -1, 1.5, NaN, Infinity, MAX_WINDOW_SIZE + 1, '10' as unknown as number, null as unknown as number]) {
      expect(() => assertDuration(v, 'size', 'f')).toThrow(WindowError);
    }
    expect(() => assertDuration(-1, 'slide', 'hop')).toThrow(/^hop: slide must be .* got number -1$/);
  });

  it('assertOffset wants a safe integer of any sign', () => {
    for (const v of [0, -5, 5, Number.MAX_SAFE_INTEGER, -Number.MAX_SAFE_INTEGER]) {
      expect(() => assertOffset(v, 'f')).not.toThrow();
    }
    for (const v of [0.5, NaN, Infinity, 2 ** 53, undefined as unknown as number]) {
      expect(() => assertOffset(v, 'f')).toThrow(/^f: offset must be/);
    }
  });
});
