import fc from 'fast-check';
import { StateError, checkOptionKeys, optionKeys } from '../index';
import { nearestOptionKey } from '../checkOptionKeys';

interface Demo {
  readonly allowedLateness?: number;
  readonly timeZone: string;
  readonly key: (v: unknown) => string;
  readonly cacheSize?: number;
}
const KEYS = optionKeys<Demo>({ allowedLateness: true, timeZone: true, key: true, cacheSize: true });
const toError = (message: string): StateError => new StateError('INVALID_ARGUMENT', message);
const check = (options: unknown): void => checkOptionKeys('demo', options, KEYS, toError);

describe('optionKeys', () => {
  it('lists the keys in the order written, frozen', () => {
    expect(KEYS).toEqual(['allowedLateness', 'timeZone', 'key', 'cacheSize']);
    expect(Object.isFrozen(KEYS)).toBe(true);
  });

  it('is checked against the interface by the compiler', () => {
    // @ts-expect-error an option is missing from the list
    optionKeys<Demo>({ allowedLateness: true, timeZone: true, key: true });
    // @ts-expect-error a key the interface does not have
    optionKeys<Demo>({ allowedLateness: true, timeZone: true, key: true, cacheSize: true, zone: true });
  });
});

describe('checkOptionKeys', () => {
  it('accepts every subset of the valid keys, whatever the values (undefined included)', () => {
    fc.assert(
      fc.property(fc.subarray([...KEYS]), fc.array(fc.anything()), (keys, values) => {
        expect(() => check(Object.fromEntries(keys.map((k, i) => [k, values[i]])))).not.toThrow();
      }),
    );
  });

  it('rejects any other key with the caller’s error, naming the function and the key', () => {
    fc.assert(
      fc.property(
        fc.string({ minLength: 1 }).filter((k) => !KEYS.includes(k) && k !== '__proto__'),
        fc.subarray([...KEYS]),
        (bad, good) => {
          const options = { ...Object.fromEntries(good.map((k) => [k, 1])), [bad]: 1 };
          let thrown: unknown;
          try {
            check(options);
          } catch (err) {
            thrown = err;
          }
          expect(thrown).toBeInstanceOf(StateError);
          expect((thrown as StateError).code).toBe('INVALID_ARGUMENT');
          expect((thrown as StateError).message.startsWith(`demo: unknown option \`${bad}\``)).toBe(true);
        },
      ),
    );
  });

  it.each([
    ['allowedLatenes', 'allowedLateness'],
    ['allowedlateness', 'allowedLateness'],
    ['lateness', 'allowedLateness'],
    ['zone', 'timeZone'],
    ['timezone', 'timeZone'],
    ['cachesize', 'cacheSize'],
    ['keys', 'key'],
  ])('suggests the nearest valid key: %s -> %s', (bad, nearest) => {
    expect(() => check({ key: () => 'k', [bad]: 5 })).toThrow(`demo: unknown option \`${bad}\` (did you mean \`${nearest}\`?)`);
  });

  it('lists the valid keys when none is close', () => {
    expect(() => check({ foo: 1 })).toThrow('demo: unknown option `foo`; the options are `allowedLateness`, `timeZone`, `key`, `cacheSize`');
  });

  it('passes the unknown key to the error factory and throws what it returns', () => {
    const factory = jest.fn((message: string, key: string) => new RangeError(`${key}|${message}`));
    expect(() => checkOptionKeys('demo', { tz: 'UTC' }, KEYS, factory)).toThrow(RangeError);
    expect(factory).toHaveBeenCalledTimes(1);
    expect(factory.mock.calls[0]?.[1]).toBe('tz');
  });

  it('leaves non-objects to the caller’s own checks and ignores symbol keys', () => {
    for (const value of [undefined, null, 5, 'options', true]) expect(() => check(value)).not.toThrow();
    expect(() => check({ [Symbol('tag')]: 1, key: () => 'k' })).not.toThrow();
  });

  it('reports keys a spread carried in, and own keys only', () => {
    const base = { key: () => 'k', timeZone: 'UTC' };
    expect(() => check({ ...base, cachSize: 10 })).toThrow('did you mean `cacheSize`?');
    expect(() => check(Object.create({ inherited: 1 }) as object)).not.toThrow();
  });
});

describe('nearestOptionKey', () => {
  it('prefers the key closest with case counted among equally close ones, then the first listed', () => {
    expect(nearestOptionKey('Size', ['size', 'SIZE'])).toBe('size');
    expect(nearestOptionKey('ab', ['ac', 'ad'])).toBe('ac');
    expect(nearestOptionKey('step', ['slide', 'step'])).toBe('step');
  });

  it('suggests nothing from an empty list or for an unrelated key', () => {
    expect(nearestOptionKey('x', [])).toBeUndefined();
    expect(nearestOptionKey('verbose', ['key', 'store'])).toBeUndefined();
  });
});
