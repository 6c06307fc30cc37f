import type { Json, Source, SourceReader } from '@weir/checkpoint';
import { checkOptionKeys, describeValue, messageOf, optionKeys } from '@weir/state';
import { NexmarkError } from './NexmarkError';
import type { NexmarkEvent } from './model';
import { NEXMARK_CONFIG_KEYS, nexmarkConfig, type NexmarkConfig } from './NexmarkConfig';
import { nexmarkEvent } from './nexmarkEvent';

/** Options of {@link nexmarkSource}: how many events, plus any {@link NexmarkConfig} option. */
export interface NexmarkSourceOptions extends Partial<NexmarkConfig> {
  /** How many events: a non-negative safe integer, or `Infinity` for an endless source. */
  readonly events: number;
}

const KEYS = optionKeys<NexmarkSourceOptions>({ ...NEXMARK_CONFIG_KEYS, events: true });

/**
 * A replayable {@link Source} of the Nexmark stream for `@weir/checkpoint`'s
 * `CheckpointCoordinator`: events `0 .. events - 1`, event `n` being `nexmarkEvent(n, config)`.
 * Each event is a pure function of its number, so a job on it can crash, resume from a
 * checkpoint and still produce exactly the output of an uninterrupted run.
 *
 * **Offset.** The number of the next event (a JSON number `0 .. events`): a reader opened at
 * offset `k` reads event `k` next. Anything else (not an integer, negative, beyond `events`)
 * throws `NexmarkError` `INVALID_OFFSET` naming the offset (which the coordinator reports as a
 * `CheckpointError` `SOURCE`).
 *
 * **Cost.** `read(max)` and `readEach(max, emit)` generate `min(max, remaining)` events, O(1) each (see
 * {@link nexmarkEvent}); opening is O(1) whatever the offset. Memory: the batch returned.
 *
 * @param options - `events` and the {@link NexmarkConfig} options; invalid ones throw a
 *   `NexmarkError` `INVALID_ARGUMENT` naming the option and the value
 * @returns a source whose `describe()` is "nexmark events (N events, seed S, R events/s)"
 *
 * @example
 * ```ts
 * const source = nexmarkSource({ events: 10_000_000, seed: 42 });
 * const reader = await source.open(undefined);
 * reader.read(3);          // [person 1000, auction 1000, auction 1001]
 * const at = reader.offset(); // 3
 * (await source.open(at)).read(1); // [auction 1002]
 * ```
 */
export function nexmarkSource(options: NexmarkSourceOptions): Source<NexmarkEvent> {
  const kind = 'nexmarkSource';
  if (options === null || typeof options !== 'object') {
    throw new NexmarkError('INVALID_ARGUMENT', `${kind}: expected options { events, seed?, baseTime?, firstEventRate? }, got ${describeValue(options)}`);
  }
  checkOptionKeys(kind, options, KEYS, (message) => new NexmarkError('INVALID_ARGUMENT', message));
  const { events } = options;
  if (!(events === Infinity || (Number.isSafeInteger(events) && events >= 0))) {
    throw new NexmarkError('INVALID_ARGUMENT', `${kind}: option \`events\` must be a non-negative integer or Infinity, got ${describeValue(events)}`);
  }
  let config: NexmarkConfig;
  try {
    config = nexmarkConfig({ seed: options.seed, baseTime: options.baseTime, firstEventRate: options.firstEventRate });
  } catch (err) {
    throw new NexmarkError('INVALID_ARGUMENT', `${kind}: ${messageOf(err).replace(/^nexmarkConfig: /, '')}`, { cause: err });
  }
  const description = `nexmark events (${events} events, seed ${config.seed}, ${config.firstEventRate} events/s)`;

  return {
    describe: () => description,
    open(offset: Json | undefined): SourceReader<NexmarkEvent> {
      let next = 0;
      if (offset !== undefined) {
        if (typeof offset !== 'number' || !Number.isSafeInteger(offset) || offset < 0 || offset > events) {
          throw new NexmarkError(
            'INVALID_OFFSET',
            `${kind} (${description}): offset must be the next event number, an integer from 0 to ${events}, got ${describeValue(offset)}`,
          );
        }
        next = offset;
      }
      /** Makes up to `max` events and hands each downstream as soon as it exists (see SourceReader.readEach). */
      const each = (method: string, max: number, emit: (event: NexmarkEvent) => void): number => {
        if (!Number.isSafeInteger(max) || max < 1) {
          throw new NexmarkError('INVALID_ARGUMENT', `${kind} (${description}): ${method}(max) needs a positive integer, got ${describeValue(max)}`);
        }
        const start = next;
        const end = Math.min(events, next + max);
        while (next < end) emit(nexmarkEvent(next++, config));
        return next - start;
      };
      return {
        read(max: number): readonly NexmarkEvent[] {
          const out: NexmarkEvent[] = [];
          each('read', max, (event) => out.push(event));
          return out;
        },
        readEach: (max: number, emit: (event: NexmarkEvent) => void): number => each('readEach', max, emit),
        offset: () => next,
      };
    },
  };
}
