import { count, tumblingWindow, type WindowResult } from '@weir/window';
import { tap } from 'rxjs';
import { CheckpointCoordinator, MemoryCheckpointStorage, arraySource, collectingSink, type CheckpointReport, type Source, type SourceView } from '../index';

interface Click {
  readonly page: string;
  readonly ts: number;
}

const clicks = (n: number): Click[] => Array.from({ length: n }, (_, i) => ({ page: `p${(i * 7) % 5}`, ts: i * 10 + ((i * 37) % 200) }));

describe('JobView (job.view())', () => {
  it('reads sources, operators, stores and recent checkpoints, during and after a run', async () => {
    const reports: Array<{ report: CheckpointReport; recent: number[]; read: number }> = [];
    const job = await CheckpointCoordinator.open({
      storage: new MemoryCheckpointStorage(),
      interval: { events: 40 },
      batchSize: 10,
      onCheckpoint: (report) => reports.push({ report, recent: view.recentCheckpoints().map((c) => c.id), read: view.sources()[0]!.recordsRead }),
    });
    const view = job.view();
    expect(job.view()).toBe(view);
    expect(view.running).toBe(false);
    expect(view.operators().size).toBe(0);
    expect(view.queries().size).toBe(0);
    const sink = collectingSink<WindowResult<string, number>>();
    const views = tumblingWindow({ size: 1_000, key: (c: Click) => c.page, aggregate: count(), store: job.store('views'), name: 'views', checkpoint: job });
    const out$ = job.source('clicks', arraySource(clicks(600)), { timestamp: (c) => c.ts, maxOutOfOrderness: 300 }).pipe(views, job.sink('out', sink));
    expect(view.sources()).toEqual([{ name: 'clicks', recordsRead: 0, watermark: -Infinity, maxTimestamp: -Infinity, exhausted: false, partitions: undefined }]);
    const summary = await job.run(out$);

    // mid-run: each checkpoint is listed before onCheckpoint hears of it, at most 10 of them
    expect(reports.length).toBeGreaterThan(10);
    for (const { report, recent, read } of reports) {
      expect(recent[recent.length - 1]).toBe(report.id);
      expect(recent.length).toBe(Math.min(10, report.id));
      expect(read).toBeGreaterThan(0);
    }
    const recent = view.recentCheckpoints();
    expect(recent.map((c) => c.id)).toEqual(reports.slice(-10).map((r) => r.report.id));
    const last = recent[recent.length - 1]!;
    const lastReport = reports[reports.length - 1]!.report;
    expect(last).toMatchObject({ id: summary.lastCheckpoint, durationMs: lastReport.durationMs, alignmentMs: lastReport.alignmentMs, pauseMs: lastReport.pauseMs, sizeBytes: lastReport.sizeBytes });

    expect(view.running).toBe(false);
    expect(view.sources()).toEqual([{ name: 'clicks', recordsRead: 600, watermark: Infinity, maxTimestamp: Math.max(...clicks(600).map((c) => c.ts)), exhausted: true, partitions: undefined }]);
    expect([...view.operators().keys()]).toEqual(['views']);
    expect(view.operators().get('views')).toBe(views.metrics);
    expect([...view.queries().keys()]).toEqual(['views']); // the window offers a key query
    expect(view.query('views')).toBe(view.queries().get('views'));
    expect(view.query('views')?.kind).toBe('windows');
    expect(view.query('nope')).toBeUndefined();
    expect(views.metrics).toMatchObject({ recordsIn: 600, recordsOut: sink.committed().length });
    expect(view.storeNames()).toEqual(['views']);
    expect(view.store('views')).toBe(job.store('views'));
    expect(view.store('nope')).toBeUndefined();
  });

  it('lists the partitions of a partitioned source', async () => {
    const source: Source<{ p: string; ts: number }> = {
      describe: () => 'two partitions',
      open: () => {
        let i = 0;
        return {
          read: async () => [],
          readEach: (_max, emit) => {
            if (i >= 4) return 0;
            i++;
            emit({ p: 'a', ts: i * 100 }, 'a');
            emit({ p: 'b', ts: i * 10 }, 'b');
            return 2;
          },
          offset: () => i,
          ended: () => i >= 4,
        };
      },
    };
    const job = await CheckpointCoordinator.open({ storage: new MemoryCheckpointStorage() });
    let mid: SourceView[] = [];
    const out$ = job.source('ab', source, { timestamp: (v) => v.ts, maxOutOfOrderness: 5 }).pipe(
      tap(() => (mid = job.view().sources())),
      job.sink('out', collectingSink()),
    );
    await job.run(out$);
    expect(mid[0]!.partitions).toEqual([
      { partition: 'a', watermark: expect.any(Number), maxTimestamp: expect.any(Number), idle: false, recordsRead: expect.any(Number) },
      { partition: 'b', watermark: expect.any(Number), maxTimestamp: expect.any(Number), idle: false, recordsRead: expect.any(Number) },
    ]);
    const after = job.view().sources()[0]!;
    expect(after.recordsRead).toBe(8);
    expect(after.partitions!.map((p) => [p.partition, p.maxTimestamp])).toEqual([['a', 400], ['b', 40]]);
    // each partition's count of records delivered, adding up to the source's
    expect(after.partitions!.map((p) => p.recordsRead)).toEqual([4, 4]);
  });
});
