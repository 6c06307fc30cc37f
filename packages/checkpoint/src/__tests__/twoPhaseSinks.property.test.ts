import fc from 'fast-check';
import { promises as fs } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { collectingSink } from '../collectingSink';
import type { Json } from '../Json';
import { jsonLinesSink, readCommittedLines } from '../jsonLinesSink';
import type { Sink } from '../Sink';

/**
 * The exactly-once contract of a two-phase sink, driven the way the coordinator drives it: a job
 * writes the values 0..n-1 in order; at a checkpoint it pre-commits, the checkpoint may fail to
 * persist, and a persisted one may or may not get its commit before the next step. A crash
 * reopens the sink (a new sink object where the medium allows) from a persisted checkpoint (the
 * newest, or an older one when the newer ones are "corrupt") and replays from its position.
 *
 * Checked: after every commit and every recovery, the visible output is exactly the values the
 * newest committed / restored checkpoint covers; at the end it is 0..n-1, each exactly once.
 */
type Step =
  | { readonly kind: 'write'; readonly count: number }
  | { readonly kind: 'checkpoint'; readonly persist: boolean; readonly commit: boolean }
  | { readonly kind: 'crash'; readonly back: number };

const step: fc.Arbitrary<Step> = fc.oneof(
  { weight: 4, arbitrary: fc.record({ kind: fc.constant('write' as const), count: fc.integer({ min: 1, max: 6 }) }) },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('checkpoint' as const), persist: fc.boolean(), commit: fc.boolean() }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('crash' as const), back: fc.oneof({ weight: 3, arbitrary: fc.constant(0) }, { weight: 1, arbitrary: fc.integer({ min: 1, max: 2 }) }) }) },
);

interface Harness {
  /** A sink over the durable medium, as a restarted process would build it. */
  sink(): Sink<number>;
  visible(): Promise<number[]>;
  pending(): Promise<number>;
}

async function exactlyOnce(h: Harness, steps: readonly Step[], total: number): Promise<void> {
  const range = (n: number) => Array.from({ length: n }, (_, i) => i);
  let w = await h.sink().open(undefined);
  let position = 0; // the next value the source delivers
  let nextId = 1;
  const persisted: Array<{ id: number; position: number; state: Json }> = [];
  let committedUpTo = 0; // values covered by the newest committed checkpoint
  for (const s of steps) {
    if (s.kind === 'write') {
      for (let i = 0; i < s.count && position < total; i++) w.write(position++);
    } else if (s.kind === 'checkpoint') {
      const id = nextId++;
      const state = JSON.parse(JSON.stringify(await w.preCommit(id))) as Json;
      if (!s.persist) continue; // the checkpoint failed: the next one covers this output
      persisted.push({ id, position, state });
      if (!s.commit) continue; // crashed before the commit, or it is still on its way
      await w.commit(id);
      committedUpTo = position;
      expect(await h.visible()).toEqual(range(committedUpTo));
    } else {
      await w.close?.();
      // the newest `back` checkpoints are found corrupt and discarded
      persisted.splice(Math.max(0, persisted.length - s.back), s.back);
      const restored = persisted[persisted.length - 1];
      w = await h.sink().open(restored?.state);
      position = restored?.position ?? 0;
      committedUpTo = position;
      expect(await h.visible()).toEqual(range(position));
      expect(await h.pending()).toBe(0);
    }
  }
  while (position < total) w.write(position++);
  const last = nextId++;
  await w.preCommit(last);
  await w.commit(last);
  expect(await h.visible()).toEqual(range(total));
  await w.close?.();
}

describe('two-phase sinks: exactly once across crashes', () => {
  it('collectingSink', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(step, { maxLength: 40 }), fc.integer({ min: 0, max: 60 }), async (steps, total) => {
        const sink = collectingSink<number>(); // its memory is the durable medium: reopen the same object
        await exactlyOnce({ sink: () => sink, visible: async () => [...sink.committed()] as number[], pending: async () => sink.pending().length }, steps, total);
      }),
      { numRuns: 300 },
    );
  });

  it('jsonLinesSink', async () => {
    const root = await fs.mkdtemp(join(tmpdir(), 'weir-sink-prop-'));
    try {
      let run = 0;
      await fc.assert(
        fc.asyncProperty(fc.array(step, { maxLength: 30 }), fc.integer({ min: 0, max: 50 }), async (steps, total) => {
          const dir = join(root, String(run++));
          await exactlyOnce(
            {
              sink: () => jsonLinesSink<number>(dir, { fsync: false }),
              visible: async () => (await readCommittedLines(dir)).map((l) => JSON.parse(l) as number),
              pending: async () => (await fs.readdir(dir)).filter((f) => f.endsWith('.pending') || f.endsWith('.inprogress')).length,
            },
            steps,
            total,
          );
        }),
        { numRuns: 100 },
      );
    } finally {
      await fs.rm(root, { recursive: true, force: true });
    }
  });
});
