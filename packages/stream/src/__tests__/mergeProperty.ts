// Shared by the merge tests: a fast-check property over random inputs and random interleavings
// of N element streams, checking the merged stream's watermark, record and barrier invariants.
import fc from 'fast-check';
import { Subject } from 'rxjs';
import type { Observable } from 'rxjs';
import type { IndexedValue, StreamElement } from '@weir/stream';

/** A record's payload in the property: which input, and its position among that input's records. */
export interface Tag {
  readonly input: number;
  readonly seq: number;
}

type Op = { t: 'rec'; ts: number } | { t: 'wm'; inc: number } | { t: 'idle' } | { t: 'barrier' };

const opArb: fc.Arbitrary<Op> = fc.oneof(
  { weight: 4, arbitrary: fc.integer({ min: 0, max: 200 }).map((ts): Op => ({ t: 'rec', ts })) },
  { weight: 3, arbitrary: fc.integer({ min: 0, max: 30 }).map((inc): Op => ({ t: 'wm', inc })) },
  { weight: 1, arbitrary: fc.constant<Op>({ t: 'idle' }) },
  { weight: 1, arbitrary: fc.constant<Op>({ t: 'barrier' }) },
);

/** Turns ops into a valid element sequence: monotonic watermarks, barrier ids 1, 2, 3... */
function toElements(input: number, ops: readonly Op[]): StreamElement<Tag>[] {
  let wm = -Infinity;
  let seq = 0;
  let checkpoint = 0;
  return ops.map((op): StreamElement<Tag> => {
    switch (op.t) {
      case 'rec':
        return { kind: 'record', value: { input, seq: seq++ }, timestamp: op.ts };
      case 'wm':
        wm = (wm === -Infinity ? 0 : wm) + op.inc;
        return { kind: 'watermark', timestamp: wm };
      case 'idle':
        return { kind: 'watermark', timestamp: wm, idle: true };
      case 'barrier':
        return { kind: 'barrier', checkpointId: ++checkpoint };
    }
  });
}

/**
 * For random element sequences on `inputs` inputs, pushed in a random interleaving (completion
 * included), the merged stream: has monotonic watermarks, each finite one at most every
 * never-idle open input's watermark and at most the largest input watermark; ends with
 * +Infinity and completes; emits every record exactly once, in per-input order; emits each
 * barrier id once, in increasing order, with exactly the records that preceded it on every
 * input that delivered it.
 */
export function checkMergeProperty(
  inputs: number,
  merge: (sources: Observable<StreamElement<Tag>>[]) => Observable<StreamElement<IndexedValue<Tag>>>,
  numRuns = 300,
): void {
  const scenario = fc.record({
    ops: fc.array(fc.array(opArb, { maxLength: 30 }), { minLength: inputs, maxLength: inputs }),
    schedule: fc.array(fc.nat({ max: inputs - 1 }), { maxLength: 200 }),
  });
  fc.assert(
    fc.property(scenario, ({ ops, schedule }) => {
      const elements = ops.map((o, i) => toElements(i, o));
      const subjects = elements.map(() => new Subject<StreamElement<Tag>>());
      // What has been pushed so far, per input (the merge has seen at most this).
      const pushedWm = elements.map(() => -Infinity);
      const everIdle = elements.map(() => false);
      const pushedDone = elements.map(() => false);
      const cursor = elements.map(() => 0);

      const out: StreamElement<IndexedValue<Tag>>[] = [];
      // Checked after the run: an expect failing inside `next` would be reported asynchronously.
      const violations: string[] = [];
      let completed = false;
      let error: unknown;
      merge(subjects).subscribe({
        next: (el) => {
          out.push(el);
          if (el.kind === 'watermark' && Number.isFinite(el.timestamp)) {
            for (let i = 0; i < inputs; i++) {
              if (!pushedDone[i] && !everIdle[i] && el.timestamp > pushedWm[i]!) {
                violations.push(`watermark ${el.timestamp} exceeds active input ${i}'s ${pushedWm[i]}`);
              }
            }
            if (el.timestamp > Math.max(...pushedWm)) violations.push(`watermark ${el.timestamp} exceeds every input's`);
          }
        },
        error: (err: unknown) => (error = err),
        complete: () => (completed = true),
      });

      const step = (i: number): void => {
        const list = elements[i]!;
        const c = cursor[i]!;
        if (c < list.length) {
          const el = list[c]!;
          cursor[i] = c + 1;
          if (el.kind === 'watermark') {
            pushedWm[i] = Math.max(pushedWm[i]!, el.timestamp);
            if (el.idle === true) everIdle[i] = true;
          }
          subjects[i]!.next(el);
        } else if (c === list.length) {
          cursor[i] = c + 1;
          pushedDone[i] = true;
          pushedWm[i] = Infinity;
          subjects[i]!.complete();
        }
      };
      for (const i of schedule) step(i);
      for (let i = 0; i < inputs; i++) while (cursor[i]! <= elements[i]!.length) step(i);

      expect(error).toBeUndefined();
      expect(violations).toEqual([]);
      expect(completed).toBe(true);

      // Watermarks: monotonic, ending with +Infinity.
      const wms = out.filter((el) => el.kind === 'watermark').map((el) => el.timestamp);
      for (let k = 1; k < wms.length; k++) expect(wms[k]!).toBeGreaterThanOrEqual(wms[k - 1]!);
      expect(out[out.length - 1]).toEqual({ kind: 'watermark', timestamp: Infinity });
      expect(wms.filter((w) => w === Infinity)).toHaveLength(1);

      // Records: each exactly once, in per-input order, timestamps kept.
      const seen = elements.map(() => [] as number[]);
      for (const el of out) {
        if (el.kind !== 'record') continue;
        const { input, value } = el.value;
        expect(value.input).toBe(input);
        const original = elements[input]!.filter((e) => e.kind === 'record')[value.seq];
        expect(original).toEqual({ kind: 'record', value, timestamp: el.timestamp });
        seen[input]!.push(value.seq);
      }
      elements.forEach((list, i) => {
        const count = list.filter((e) => e.kind === 'record').length;
        expect(seen[i]).toEqual([...Array(count).keys()]);
      });

      // Barriers: every delivered id once, increasing, aligned with each delivering input.
      const delivered = Math.max(0, ...elements.map((list) => list.filter((e) => e.kind === 'barrier').length));
      const barrierPositions = out.flatMap((el, p) => (el.kind === 'barrier' ? [[el.checkpointId, p] as const] : []));
      expect(barrierPositions.map(([id]) => id)).toEqual([...Array(delivered).keys()].map((k) => k + 1));
      for (const [id, p] of barrierPositions) {
        elements.forEach((list, i) => {
          const at = list.findIndex((e) => e.kind === 'barrier' && e.checkpointId === id);
          if (at < 0) return;
          const before = list.slice(0, at).filter((e) => e.kind === 'record').length;
          const emittedBefore = out
            .slice(0, p)
            .filter((el) => el.kind === 'record' && el.value.input === i).length;
          expect(emittedBefore).toBe(before);
        });
      }
    }),
    { numRuns },
  );
}
