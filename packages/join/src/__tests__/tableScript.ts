// Test support for the table joins (lookupJoin, temporalJoin): random scripts whose right records
// are table changes, some of them tombstones.
import fc from 'fast-check';
import type { Item, Step } from './joinDriver';

/** A table change: `del` marks a tombstone. */
export interface TableItem extends Item {
  readonly del?: true;
}

/**
 * A random table-join script, built like `scriptArb`: records on both sides with keys 0..2 and
 * times 0..`maxTs`, out of order, and per-side watermarks that only move forward; about one right
 * record in four is a tombstone (`del`). Watermarks are denser than `scriptArb`'s so that the
 * join's watermark (the minimum of both sides') moves in most scripts and records are late or
 * held often. Ids are `l0, l1, ...` and `r0, r1, ...`.
 */
export function tableScriptArb(options: { maxTs?: number; maxLength?: number } = {}): fc.Arbitrary<Step<Item, TableItem>[]> {
  const maxTs = options.maxTs ?? 60;
  const op = fc.oneof(
    {
      weight: 3,
      arbitrary: fc.record({
        kind: fc.constant('record' as const),
        side: fc.constantFrom('left' as const, 'right' as const),
        k: fc.integer({ min: 0, max: 2 }),
        ts: fc.integer({ min: 0, max: maxTs }),
        del: fc.integer({ min: 0, max: 3 }).map((d) => d === 0),
      }),
    },
    { weight: 2, arbitrary: fc.record({ kind: fc.constant('watermark' as const), side: fc.constantFrom('left' as const, 'right' as const), ts: fc.integer({ min: -5, max: maxTs + 5 }) }) },
  );
  return fc.array(op, { maxLength: options.maxLength ?? 50, size: 'max' }).map((ops) => {
    let nl = 0;
    let nr = 0;
    const wm = { left: -Infinity, right: -Infinity };
    const steps: Step<Item, TableItem>[] = [];
    for (const o of ops) {
      if (o.kind === 'record') {
        if (o.side === 'left') steps.push({ side: 'left', el: { kind: 'record', value: { id: `l${nl++}`, k: o.k }, timestamp: o.ts } });
        else steps.push({ side: 'right', el: { kind: 'record', value: { id: `r${nr++}`, k: o.k, ...(o.del ? { del: true as const } : {}) }, timestamp: o.ts } });
      } else if (o.ts > wm[o.side]) {
        wm[o.side] = o.ts;
        steps.push({ side: o.side, el: { kind: 'watermark', timestamp: o.ts } });
      }
    }
    return steps;
  });
}

/** Every output record as `left|right@ts`, in emission order. */
export function recordsOf(out: readonly { kind: string; value?: { left: Item | undefined; right: Item | undefined }; timestamp?: number }[]): string[] {
  return out.flatMap((el) => (el.kind === 'record' ? [`${el.value!.left?.id ?? '-'}|${el.value!.right?.id ?? '-'}@${el.timestamp!}`] : []));
}

/** The forwarded watermarks, in order. */
export function watermarksOf(out: readonly { kind: string; timestamp?: number }[]): number[] {
  return out.flatMap((el) => (el.kind === 'watermark' ? [el.timestamp!] : []));
}
