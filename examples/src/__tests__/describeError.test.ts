import { describeError } from '../common/describeError';

class CodedError extends Error {
  constructor(
    name: string,
    readonly code: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = name;
  }
}

describe('describeError', () => {
  it('prints the error with its code and stack, then every cause with its class and code', () => {
    const fenced = new CodedError('NatsError', 'FENCED', 'another instance took over');
    const sink = new CodedError('CheckpointError', 'SINK', "sink 'views' failed to pre-commit checkpoint 2", { cause: fenced });
    const text = describeError(sink);
    expect(text.split('\n')[0]).toBe("CheckpointError SINK: sink 'views' failed to pre-commit checkpoint 2");
    expect(text).toContain('    at '); // the top error's stack
    expect(text.endsWith('\ncaused by NatsError FENCED: another instance took over')).toBe(true);
  });

  it('copes with errors without a code, causes that are not errors, and cycles', () => {
    const a = new Error('a');
    const b = new Error('b', { cause: a });
    (a as { cause?: unknown }).cause = b; // a cycle
    expect(describeError(b).split('\n').filter((l) => l.startsWith('caused by'))).toEqual(['caused by Error: a']);
    expect(describeError(new Error('x', { cause: 'disk full' })).endsWith('\ncaused by disk full')).toBe(true);
    expect(describeError('plain')).toBe('plain');
  });
});
