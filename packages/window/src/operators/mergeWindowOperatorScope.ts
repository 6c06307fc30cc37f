// The operator-scoped half of a window operator's rescale (docs/architecture.md §6): how the meta
// entries, timers and barrier logs of several workers' slices become one worker's.
import { KeyWriter, StateError, compareBytes, decodeTuple, decodeValue, encodeValue, type OperatorScopeMerge } from '@weir/state';
import { META, TIMER, LOG, readLogChunk, writeLogChunks } from './windowState';
import { TIMER_FIRED } from './TimerIndex';

const min = (a: unknown, b: unknown): unknown => (typeof a === 'number' && typeof b === 'number' ? Math.min(a, b) : (a ?? b));

/**
 * Merges the operator-scoped entries (keys `FF FF P ...`) of one window operator from the slices
 * of several workers, for `restoreFromSlices` of `@weir/state` (its `mergeOperatorScope`), so a
 * worker of a rescaled job continues the operator for the key groups it now owns:
 *
 * - **META**: the minimum of the workers' watermarks (no window fires before every worker's
 *   input passed it), the maximum of their sequence counters (new entries never reuse a number),
 *   counters summed (records in, results emitted, ... over the workers), and the number of key
 *   groups, which must be the same in every slice (else `StateError` `CORRUPTION`).
 * - **TIMER**: the union, one timer per window: the earliest due time, flagged fired only if it
 *   fired in every slice holding it. Exact when the workers' watermarks agree (they read the same
 *   partitions' watermarks); with different watermarks an aligned window's groups still carry
 *   their own emitted flags, but a hopping or cumulative window that fired in one worker only
 *   would fire again for its keys.
 * - **LOG**: the barrier logs' records of owned key groups, in new chunks.
 *
 * Sessions keep no operator-scoped timers (they follow from the sessions and the watermark).
 * Cost: O(entries of the parts).
 *
 * @example
 * ```ts
 * restoreFromSlices(store, [sliceKeyGroups(a, mine), sliceKeyGroups(b, mine)], { range: mine, mergeOperatorScope: mergeWindowOperatorScope });
 * ```
 */
export const mergeWindowOperatorScope: OperatorScopeMerge = (operator, parts, range) => {
  const where = `mergeWindowOperatorScope '${decodeTuple(operator)[0] as string}'`;
  const at = 2 + operator.length; // the section tag
  const scoped = (tag: number): Uint8Array => {
    const k = new Uint8Array(at + 1);
    k[0] = k[1] = 0xff;
    k.set(operator, 2);
    k[at] = tag;
    return k;
  };
  const out: Array<readonly [Uint8Array, Uint8Array]> = [];
  let meta: Record<string, unknown> | undefined;
  const timers = new Map<string, { key: Uint8Array; due: number; fired: boolean }>();
  const logged: Array<[Uint8Array, Uint8Array]> = [];
  for (const part of parts) {
    for (const [key, value] of part) {
      const tag = key[at];
      if (tag === META) {
        const m = decodeValue<Record<string, unknown>>(value, where);
        if (meta === undefined) meta = { ...m };
        else {
          if (m['keyGroups'] !== meta['keyGroups']) {
            throw new StateError('CORRUPTION', `${where}: the slices were written with different numbers of key groups: ${String(meta['keyGroups'])} and ${String(m['keyGroups'])}`);
          }
          meta['watermark'] = min(meta['watermark'], m['watermark']);
          meta['nextSeq'] = Math.max(Number(meta['nextSeq'] ?? 0), Number(m['nextSeq'] ?? 0));
          const a = (meta['counters'] ?? {}) as Record<string, unknown>;
          const b = (m['counters'] ?? {}) as Record<string, unknown>;
          const sum: Record<string, unknown> = { ...a };
          for (const [name, v] of Object.entries(b)) sum[name] = name === 'watermark' ? min(a[name], v) : typeof v === 'number' && typeof a[name] === 'number' ? (a[name] as number) + v : (a[name] ?? v);
          meta['counters'] = sum;
        }
      } else if (tag === TIMER) {
        const [due, end, start] = decodeTuple(key, at + 1) as [number, number, number];
        const id = `${end}/${start}`;
        const fired = ((value[0] ?? 0) & TIMER_FIRED) !== 0;
        const seen = timers.get(id);
        if (seen === undefined) timers.set(id, { key, due, fired });
        else {
          if (due < seen.due) {
            seen.due = due;
            seen.key = key;
          }
          seen.fired &&= fired;
        }
      } else if (tag === LOG) {
        for (const [k, v] of readLogChunk(value, where)) if (k.length >= 2 && range.contains((k[0]! << 8) | k[1]!)) logged.push([k, v]);
      } else {
        throw new StateError('CORRUPTION', `${where}: an operator-scoped entry of unknown section ${tag}`);
      }
    }
  }
  if (meta !== undefined) out.push([scoped(META), encodeValue(meta, where)]);
  for (const t of timers.values()) out.push([t.key, Uint8Array.of(t.fired ? TIMER_FIRED : 0)]);
  logged.sort((a, b) => compareBytes(a[0], b[0]));
  writeLogChunks(logged, (i, chunk) => out.push([new KeyWriter().raw(scoped(LOG)).int(i).finish(), chunk]));
  return out;
};
