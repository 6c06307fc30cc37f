import {
  StreamError,
  barrier,
  idleWatermark,
  isBarrier,
  isIdle,
  isRecord,
  isWatermark,
  record,
  watermark,
} from '@weir/stream';
import type { StreamElement } from '@weir/stream';

describe('element constructors', () => {
  it('build the three element kinds', () => {
    expect(record('x', 5)).toEqual({ kind: 'record', value: 'x', timestamp: 5 });
    expect(watermark(7)).toEqual({ kind: 'watermark', timestamp: 7 });
    expect(idleWatermark(7)).toEqual({ kind: 'watermark', timestamp: 7, idle: true });
    expect(barrier(3)).toEqual({ kind: 'barrier', checkpointId: 3 });
  });

  it('accept -Infinity and +Infinity watermarks', () => {
    expect(watermark(-Infinity).timestamp).toBe(-Infinity);
    expect(watermark(Infinity).timestamp).toBe(Infinity);
    expect(idleWatermark(-Infinity).timestamp).toBe(-Infinity);
  });

  it.each([NaN, Infinity, -Infinity, '5', undefined, null])('record rejects timestamp %p', (ts) => {
    expect(() => record('v', ts as number)).toThrow(StreamError);
    try {
      record({ id: 1 }, ts as number);
    } catch (err) {
      expect(err).toBeInstanceOf(StreamError);
      expect((err as StreamError).code).toBe('INVALID_TIMESTAMP');
      expect((err as StreamError).message).toMatch(/^record: timestamp must be a finite number, got .* \(value \{"id":1\}\)$/);
    }
  });

  it.each([NaN, '5', undefined])('watermark and idleWatermark reject timestamp %p', (ts) => {
    expect(() => watermark(ts as number)).toThrow(
      expect.objectContaining({ code: 'INVALID_TIMESTAMP', message: expect.stringMatching(/^watermark: /) }),
    );
    expect(() => idleWatermark(ts as number)).toThrow(expect.objectContaining({ code: 'INVALID_TIMESTAMP' }));
  });

  it.each([-1, 1.5, NaN, Infinity, 2 ** 53, '1'])('barrier rejects checkpoint id %p', (id) => {
    expect(() => barrier(id as number)).toThrow(
      expect.objectContaining({ name: 'StreamError', code: 'INVALID_ELEMENT', message: expect.stringMatching(/^barrier: /) }),
    );
  });
});

describe('element guards', () => {
  const elements: StreamElement<string>[] = [record('a', 1), watermark(2), idleWatermark(2), barrier(1)];

  it('discriminate by kind', () => {
    expect(elements.map(isRecord)).toEqual([true, false, false, false]);
    expect(elements.map(isWatermark)).toEqual([false, true, true, false]);
    expect(elements.map(isIdle)).toEqual([false, false, true, false]);
    expect(elements.map(isBarrier)).toEqual([false, false, false, true]);
  });

  it('narrow the type', () => {
    const values = elements.filter(isRecord).map((r) => r.value.toUpperCase());
    expect(values).toEqual(['A']);
    const ids = elements.filter(isBarrier).map((b) => b.checkpointId);
    expect(ids).toEqual([1]);
  });
});
