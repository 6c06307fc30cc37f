// Joins chain after and before windows: each forwards a watermark no later output falls behind.
import { lastValueFrom, from, toArray } from 'rxjs';
import { InMemoryStore } from '@weir/state';
import { record, values, watermark, type StreamElement } from '@weir/stream';
import { count, sum, tumblingWindow, type WindowResult } from '@weir/window';
import { intervalJoin } from '../index';
import { expectNothingLate } from './joinDriver';

interface Click {
  readonly page: string;
  readonly ms: number;
}

const clicks: StreamElement<Click>[] = [
  record({ page: 'a', ms: 5 }, 1_000),
  record({ page: 'b', ms: 7 }, 1_500),
  record({ page: 'a', ms: 9 }, 2_500),
  watermark(2_999),
  record({ page: 'a', ms: 1 }, 3_100),
  watermark(Infinity),
];

it('a join of two windows matches each window with its twin, and a window after a join sees every row', async () => {
  const counts$ = from(clicks).pipe(tumblingWindow({ size: 1_000, key: (c: Click) => c.page, aggregate: count(), store: new InMemoryStore() }));
  const totals$ = from(clicks).pipe(tumblingWindow({ size: 1_000, key: (c: Click) => c.page, aggregate: sum((c: Click) => c.ms), store: new InMemoryStore() }));
  type W = WindowResult<string, number>;
  const joined = await lastValueFrom(
    counts$.pipe(
      intervalJoin(totals$, { leftKey: (w: W) => `${w.key}@${w.start}`, rightKey: (w: W) => `${w.key}@${w.start}`, lowerBound: 0, upperBound: 0, type: 'full', store: new InMemoryStore() }),
      toArray(),
    ),
  );
  expectNothingLate(joined);
  const rows = joined.flatMap((el) => (el.kind === 'record' ? [`${el.value.left!.key}@${el.value.left!.start}: ${el.value.left!.value} clicks, ${el.value.right!.value} ms`] : []));
  expect(rows.sort()).toEqual(['a@1000: 1 clicks, 5 ms', 'a@2000: 1 clicks, 9 ms', 'a@3000: 1 clicks, 1 ms', 'b@1000: 1 clicks, 7 ms']);

  // and a window over the join's output: matched rows per second
  const perSecond = await lastValueFrom(
    from(joined).pipe(tumblingWindow({ size: 1_000, key: () => 'all', aggregate: count(), store: new InMemoryStore() }), values(), toArray()),
  );
  expect(perSecond.map((r) => [r.start, r.value])).toEqual([
    [1_000, 2],
    [2_000, 1],
    [3_000, 1],
  ]);
});
