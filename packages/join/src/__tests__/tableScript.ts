// Test support for the table joins (lookupJoin, temporalJoin): random scripts whose right records
// are table changes, some of them tombstones.
import fc from 'fast-check';
import { scriptArb, type Item, type Step } from './joinDriver';

/** A table change: `del` marks a tombstone. */
export interface TableItem extends Item {
  readonly del?: true;
}

/** A random table-join script: {@link scriptArb} whose right records are table changes, some tombstones. */
export function tableScriptArb(): fc.Arbitrary<Step<Item, TableItem>[]> {
  return scriptArb({ tombstones: true });
}

/** Every output record as `left|right@ts`, in emission order. */
export function recordsOf(out: readonly { kind: string; value?: { left: Item | undefined; right: Item | undefined }; timestamp?: number }[]): string[] {
  return out.flatMap((el) => (el.kind === 'record' ? [`${el.value!.left?.id ?? '-'}|${el.value!.right?.id ?? '-'}@${el.timestamp!}`] : []));
}

/** The forwarded watermarks, in order. */
export function watermarksOf(out: readonly { kind: string; timestamp?: number }[]): number[] {
  return out.flatMap((el) => (el.kind === 'watermark' ? [el.timestamp!] : []));
}
