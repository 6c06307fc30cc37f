// A per-window top-N composes from a window operator and topN: the window's results keyed by the
// window, ranked, with `ttl: 0` so each window's top leaves the store once the watermark passes
// it (docs/architecture.md §4.5). Checked against a batch computation per window.
import fc from 'fast-check';
import { from, lastValueFrom, toArray } from 'rxjs';
import { InMemoryStore } from '@weir/state';
import { applyChanges, values, withEventTime, type Change } from '@weir/stream';
import { count, tumblingWindow, type WindowResult } from '@weir/window';
import { topN } from '../index';

interface Click {
  readonly page: number;
  readonly ts: number;
}

const SIZE = 10;
const N = 2;

/** Per window: the pages by clicks descending (ties: the page whose result came first, i.e. ascending key order as the window emits them), the first N. */
function batch(clicks: readonly Click[]): string[] {
  const counts = new Map<number, Map<number, number>>();
  for (const c of clicks) {
    const start = c.ts - (c.ts % SIZE);
    const w = counts.get(start) ?? new Map<number, number>();
    w.set(c.page, (w.get(c.page) ?? 0) + 1);
    counts.set(start, w);
  }
  return [...counts].flatMap(([start, w]) => [...w].map(([page, n]) => ({ start, page, n })).sort((a, b) => b.n - a.n).slice(0, N).map((r) => `${r.start}/${r.page}/${r.n}`));
}

it('topN over a tumbling window\'s counts, keyed by window with ttl 0, is the batch top-N per window and leaves no state behind', async () => {
  await fc.assert(
    fc.asyncProperty(fc.array(fc.record({ page: fc.nat(5), ts: fc.nat(60) }), { maxLength: 80 }), async (raw) => {
      const clicks = [...raw].sort((a, b) => a.ts - b.ts);
      const windowStore = new InMemoryStore();
      const topStore = new InMemoryStore();
      const ranked = topN<WindowResult<number, number>>({ store: topStore, name: 'top', key: (r) => r.start, n: N, orderBy: (r) => r.value, descending: true, ttl: 0 });
      const out = (await lastValueFrom(
        from(clicks).pipe(
          withEventTime((c: Click) => c.ts, { maxOutOfOrderness: 0 }),
          tumblingWindow({ store: windowStore, name: 'counts', size: SIZE, key: (c: Click) => c.page, aggregate: count() }),
          ranked,
          values(),
          toArray(),
        ),
      )) as Change<WindowResult<number, number>>[];
      const result = [...applyChanges(out, (r) => `${r.start}/${r.key}/${r.value}`).keys()];
      // equal counts within a window: which page is kept depends on emission order, so compare the counts per window
      const shape = (rows: string[]) => rows.map((r) => r.split('/')).map(([s, , n]) => `${s}/${n}`).sort();
      expect(shape(result)).toEqual(shape(batch(clicks)));
      expect(ranked.metrics.expiredKeys).toBe(new Set(clicks.map((c) => c.ts - (c.ts % SIZE))).size);
      expect(topStore.len()).toBe(0);
    }),
    { numRuns: 100 },
  );
});
