import { nexmarkConfig, nexmarkEvents, nexmarkSource } from '../index';

// The rest of the libraries' options-taking functions are checked in
// packages/checkpoint/src/__tests__/unknownOptions.test.ts.
describe('an unknown option key', () => {
  it('is rejected by nexmarkSource with an INVALID_ARGUMENT error naming the nearest option', () => {
    expect(() => nexmarkSource({ events: 10 })).not.toThrow();
    let thrown: unknown;
    try {
      nexmarkSource({ events: 10, firstEventRte: 5 } as never);
    } catch (err) {
      thrown = err;
    }
    expect(thrown).toBeInstanceOf(Error);
    expect((thrown as { code?: unknown }).code).toBe('INVALID_ARGUMENT');
    expect((thrown as Error).message).toBe('nexmarkSource: unknown option `firstEventRte` (did you mean `firstEventRate`?)');
    expect(() => nexmarkSource({ event: 10 } as never)).toThrow('nexmarkSource: unknown option `event` (did you mean `events`?)');
  });

  it('is rejected by nexmarkConfig, and so by nexmarkEvents', () => {
    expect(() => nexmarkConfig({ seeds: 1 } as never)).toThrow('nexmarkConfig: unknown option `seeds` (did you mean `seed`?)');
    expect(() => nexmarkEvents(1, { basetime: 0 } as never)).toThrow('nexmarkConfig: unknown option `basetime` (did you mean `baseTime`?)');
  });
});
