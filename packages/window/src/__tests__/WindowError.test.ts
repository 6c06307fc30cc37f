import { WindowError } from '../WindowError';

describe('WindowError', () => {
  it('is a RangeError with a code, the value and an optional cause', () => {
    const cause = new Error('inner');
    const err = new WindowError('INVALID_ARGUMENT', 'tumblingWindows: bad size', 0, { cause });
    expect(err).toBeInstanceOf(WindowError);
    expect(err).toBeInstanceOf(RangeError);
    expect(err).toBeInstanceOf(Error);
    expect(err.name).toBe('WindowError');
    expect(err.code).toBe('INVALID_ARGUMENT');
    expect(err.value).toBe(0);
    expect(err.cause).toBe(cause);
    expect(err.message).toBe('tumblingWindows: bad size');
  });
});
