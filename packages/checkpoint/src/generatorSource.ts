import { CheckpointError } from './CheckpointError';
import { describeValue, optionKeys } from '@weir/state';
import { checkCheckpointOptionKeys } from './checkCheckpointOptionKeys';
import type { Json } from './Json';
import type { Source, SourceReader } from './Source';

/** Options of {@link generatorSource}. */
export interface GeneratorSourceOptions<T> {
  /** How many values to generate: a non-negative integer, or `Infinity` for an endless source. */
  readonly count: number;
  /** The seed of the pseudo-random generator (a safe integer): the same seed gives the same values. */
  readonly seed: number;
  /**
   * Makes value number `index` (0, 1, 2, ...). `random()` returns uniform numbers in [0, 1) from
   * the source's seeded generator; call it only during this call (any number of times) and use
   * no other randomness, so that a replay produces the same values.
   */
  readonly generate: (index: number, random: () => number) => T;
}

const KEYS = optionKeys<GeneratorSourceOptions<unknown>>({ count: true, seed: true, generate: true });

/**
 * A replayable {@link Source} of `count` generated values: value `i` is `generate(i, random)`,
 * where `random` draws from a seeded pseudo-random generator (sfc32, 128 bits of state). The same
 * options always produce the same sequence, so a job on generated data can crash, resume and
 * still produce exactly the output of an uninterrupted run.
 *
 * **Offset.** `{ index, state }`: the index of the next value and the generator's state (four
 * unsigned 32-bit integers) after the last value returned, so a reader opened at it continues the
 * sequence exactly, whatever number of `random()` calls each value made. An offset that is not
 * of this shape, or lies beyond `count`, throws a `CheckpointError` `SOURCE`.
 *
 * **Cost.** `read(max)` and `readEach(max, emit)` call `generate` once per value; each `random()` is a few
 * integer operations. An error thrown by `generate` becomes a `CheckpointError` `SOURCE` naming
 * the index (the reader's offset stays at the last value returned).
 *
 * @param options - see {@link GeneratorSourceOptions}; invalid ones throw a `CheckpointError`
 *   `INVALID_ARGUMENT` naming the option and the value
 *
 * @example
 * ```ts
 * // a million clicks by 1,000 users, the same on every run
 * const clicks = generatorSource({
 *   count: 1_000_000,
 *   seed: 42,
 *   generate: (i, random) => ({ user: `u${Math.floor(random() * 1000)}`, time: i * 10 }),
 * });
 * ```
 */
export function generatorSource<T>(options: GeneratorSourceOptions<T>): Source<T> {
  const kind = 'generatorSource';
  if (options === null || typeof options !== 'object') {
    throw new CheckpointError('INVALID_ARGUMENT', `${kind}: expected options { count, seed, generate }, got ${describeValue(options)}`);
  }
  checkCheckpointOptionKeys(kind, options, KEYS);
  const { count, seed, generate } = options;
  if (!(count === Infinity || (Number.isSafeInteger(count) && count >= 0))) {
    throw new CheckpointError('INVALID_ARGUMENT', `${kind}: option \`count\` must be a non-negative integer or Infinity, got ${describeValue(count)}`);
  }
  if (!Number.isSafeInteger(seed)) {
    throw new CheckpointError('INVALID_ARGUMENT', `${kind}: option \`seed\` must be a safe integer, got ${describeValue(seed)}`);
  }
  if (typeof generate !== 'function') {
    throw new CheckpointError('INVALID_ARGUMENT', `${kind}: option \`generate\` must be a function (index, random) => value, got ${describeValue(generate)}`);
  }
  const description = `generator of ${count} values (seed ${seed})`;
  const initial = seedState(seed);

  return {
    describe: () => description,
    open(offset: Json | undefined): SourceReader<T> {
      let index = 0;
      const state = new Int32Array(initial);
      if (offset !== undefined) {
        const parsed = parseOffset(offset, count);
        if (parsed === undefined) {
          throw new CheckpointError(
            'SOURCE',
            `${kind} (${description}): offset must be { index: 0..${count}, state: four unsigned 32-bit integers } from this source, got ${describeValue(offset)}`,
          );
        }
        index = parsed.index;
        state.set(parsed.state);
      }
      let drawing = false;
      const random = (): number => {
        if (!drawing) {
          throw new CheckpointError('SOURCE', `${kind} (${description}): random() was called outside generate(); a replay could not reproduce its values`);
        }
        return sfc32(state);
      };
      /** Generates up to `max` values and hands each to `emit`; on a throw, stands after the last one handed over. */
      const each = (method: string, max: number, emit: (value: T) => void): number => {
        if (!Number.isSafeInteger(max) || max < 1) {
          throw new CheckpointError('INVALID_ARGUMENT', `${kind} (${description}): ${method}(max) needs a positive integer, got ${describeValue(max)}`);
        }
        const start = index;
        const end = Math.min(count, index + max);
        const saved = new Int32Array(4);
        while (index < end) {
          saved.set(state);
          drawing = true;
          let value: T;
          try {
            value = generate(index, random);
          } catch (err) {
            state.set(saved);
            throw new CheckpointError('SOURCE', `${kind} (${description}): generate threw for index ${index}: ${String(err)}`, { cause: err });
          } finally {
            drawing = false;
          }
          index++;
          emit(value);
        }
        return index - start;
      };
      return {
        read(max: number): readonly T[] {
          const out: T[] = [];
          const startIndex = index;
          const startState = Int32Array.from(state);
          try {
            each('read', max, (value) => out.push(value));
          } catch (err) {
            // nothing was returned: the offset stays where the last read left it
            index = startIndex;
            state.set(startState);
            throw err;
          }
          return out;
        },
        readEach: (max: number, emit: (value: T) => void): number => each('readEach', max, emit),
        offset: () => ({ index, state: [state[0]! >>> 0, state[1]! >>> 0, state[2]! >>> 0, state[3]! >>> 0] }),
      };
    },
  };
}

/**
 * One step of sfc32 (Chris Doty-Humphrey's Small Fast Counting generator, from PractRand): state
 * `[a, b, c, counter]` as 32-bit integers, updated in place; returns a float in [0, 1).
 */
function sfc32(s: Int32Array): number {
  const a = s[0]!;
  const b = s[1]!;
  const c = s[2]!;
  const d = s[3]!;
  const t = (((a + b) | 0) + d) | 0;
  s[3] = (d + 1) | 0;
  s[0] = b ^ (b >>> 9);
  s[1] = (c + (c << 3)) | 0;
  s[2] = (((c << 21) | (c >>> 11)) + t) | 0;
  return (t >>> 0) / 4294967296;
}

/** The generator state for a seed: its low and high 32 bits, a constant, a counter, then 15 warm-up steps. */
function seedState(seed: number): Int32Array {
  const s = new Int32Array([0x9e3779b9, seed >>> 0, Math.floor(seed / 4294967296) >>> 0, 1]);
  for (let i = 0; i < 15; i++) sfc32(s);
  return s;
}

function parseOffset(offset: Json, count: number): { index: number; state: number[] } | undefined {
  if (offset === null || typeof offset !== 'object' || Array.isArray(offset)) return undefined;
  const { index, state } = offset as { readonly [key: string]: Json };
  if (typeof index !== 'number' || !Number.isSafeInteger(index) || index < 0 || index > count) return undefined;
  if (!Array.isArray(state) || state.length !== 4) return undefined;
  const words: number[] = [];
  for (const w of state as readonly Json[]) {
    if (typeof w !== 'number' || !Number.isInteger(w) || w < 0 || w > 0xffffffff) return undefined;
    words.push(w);
  }
  return { index, state: words };
}
