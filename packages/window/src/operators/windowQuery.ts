// The key query of a window operator (docs/architecture.md §9): a key's open windows, read from
// the engine's decoded mirror of its state, which is what the write-back cache (StateCache) holds
// in front of the store, so an answer equals what the operator itself would emit next.
import type { KeyPart } from '@weir/state';
import type { OperatorQuery } from '@weir/stream';
import type { GroupKey } from './WindowOptions';
import { normaliseGroupKey } from './resolveOptions';

/** One open window of a key, as its window operator holds it (see {@link WindowKeyState}). */
export interface OpenWindow<R> {
  /** Window start, ms (inclusive). */
  readonly start: number;
  /** Window end, ms (exclusive). */
  readonly end: number;
  /** The aggregate's result over the key's records in the window so far (`aggregate.result(acc)`). */
  readonly result: R;
  /**
   * Whether the window already fired its on-time result and is only kept for late records (within
   * `allowedLateness`): a later record there emits an update.
   */
  readonly fired: boolean;
}

/**
 * The answer of a window operator's key query (`job.view().query(name)?.query(key)`, served as
 * `/query/<operator>?key=…`): the key's open windows, in window order, with each one's running
 * result, read live through the operator's write-back cache.
 */
export interface WindowKeyState<R> {
  readonly kind: 'windows';
  /** The key, normalised as the operator's `key` function result is. */
  readonly key: GroupKey;
  /** The operator's input watermark when it answered (`-Infinity` before the first). */
  readonly watermark: number;
  /** The key's open windows holding records, by start then end (a session operator's sessions). */
  readonly windows: OpenWindow<R>[];
}

/** What an engine gives the query: its open windows holding records of one key. */
export type OpenWindowsOf = (key: GroupKey) => OpenWindow<unknown>[];

/**
 * Internal: the key query of one subscription of a window operator. O(open windows) for an aligned
 * (tumbling, calendar) operator, O(windows × panes per window) for a pane (hopping, cumulative)
 * operator, O(sessions of the key) for a session operator; it allocates only its answer and never
 * changes the operator's state (an accumulator is read by `aggregate.result`, as a firing would).
 */
export function windowQuery<R>(where: string, watermark: () => number, openWindows: OpenWindowsOf): OperatorQuery {
  return {
    kind: 'windows',
    query(raw: KeyPart): WindowKeyState<R> {
      const key = normaliseGroupKey(where, raw);
      const windows = (openWindows(key) as OpenWindow<R>[]).sort((a, b) => a.start - b.start || a.end - b.end);
      return { kind: 'windows', key, watermark: watermark(), windows };
    },
  };
}
