// The operator-scoped half of a processing-time window operator's rescale (docs/architecture.md
// §3.6, §6): its META merges as the event-time windows' does; its PT_TIMER entries (one per open
// tumbling or hopping window, the same key in every slice that held the window) are their union.
import { compareBytes, type Entry, type OperatorScopeMerge } from '@weir/state';
import { mergeWindowOperatorScope } from './mergeWindowOperatorScope';
import { PT_TIMER } from './processingTimeState';

const latin1 = (bytes: Uint8Array): string => {
  let s = '';
  for (let i = 0; i < bytes.length; i++) s += String.fromCharCode(bytes[i]!);
  return s;
};

/**
 * The `mergeOperatorScope` of `restoreFromSlices` (`@weir/state`) for the processing-time window
 * operators ({@link processingTimeTumblingWindow}, {@link processingTimeHoppingWindow},
 * {@link processingTimeSessionWindow}): the meta entries merge as {@link mergeWindowOperatorScope}
 * merges them (smallest watermark, largest sequence, summed counters, equal key groups), and the
 * window timers of the slices are united, so every window any slice held fires on the rebuilt
 * instance (a window none of its keys reached fires empty: nothing is emitted). Sessions keep
 * their timer in their keyed entry and need nothing here. Exact when the instances stopped at a
 * common barrier. O(entries log entries).
 *
 * @example
 * ```ts
 * restoreFromSlices(store, slices, { range, mergeOperatorScope: mergeProcessingTimeWindowOperatorScope });
 * ```
 */
export const mergeProcessingTimeWindowOperatorScope: OperatorScopeMerge = (operator, parts, range) => {
  const at = 2 + operator.length; // FF FF P, then the section tag
  const timers = new Map<string, readonly [Uint8Array, Uint8Array]>();
  const rest: Entry[][] = [];
  for (const part of parts) {
    const others: Entry[] = [];
    for (const entry of part) {
      if (entry[0][at] === PT_TIMER) timers.set(latin1(entry[0]), entry);
      else others.push(entry); // META (and anything unknown, which the window merge refuses)
    }
    rest.push(others);
  }
  const out: Array<readonly [Uint8Array, Uint8Array]> = [...mergeWindowOperatorScope(operator, rest, range)];
  out.push(...[...timers.values()].sort((a, b) => compareBytes(a[0], b[0])));
  return out;
};
