import { StreamError } from '@weir/stream';

describe('StreamError', () => {
  it('carries a code, a message and a cause, and matches instanceof', () => {
    const cause = new Error('inner');
    const err = new StreamError('BARRIER_MISALIGNED', 'join: barrier 3 while aligning 2', { cause });
    expect(err).toBeInstanceOf(StreamError);
    expect(err).toBeInstanceOf(Error);
    expect(err.name).toBe('StreamError');
    expect(err.code).toBe('BARRIER_MISALIGNED');
    expect(err.message).toBe('join: barrier 3 while aligning 2');
    expect(err.cause).toBe(cause);
  });
});
