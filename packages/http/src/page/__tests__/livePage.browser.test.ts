// The live page in a real browser: a small job runs with serveJob on, headless chromium opens
// its page and polls /status for 20 s of virtual time, and the DOM it ends with must hold the
// charts with points and the tables with the job's sources, operators and stores. The
// screenshot goes to a temp file that stays (its path is printed); WEIR_UPDATE_SCREENSHOT=1 also copies it to
// docs/guides/observability.png.
import { copyFile, mkdtemp, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { CheckpointCoordinator, MemoryCheckpointStorage, collectingSink, type Source } from '@weir/checkpoint';
import { mergeEventStreams } from '@weir/stream';
import { count, sessionWindow, tumblingWindow } from '@weir/window';
import { share } from 'rxjs';
import type { JobStatus } from '../../JobStatus';
import { serveJob } from '../../serveJob';
import { findChromium, runChromium } from './chromium';

const DOCS_PNG = resolve(__dirname, '../../../../../docs/guides/observability.png');

/** Event time of the first click. */
const T0 = Date.UTC(2026, 2, 29, 9, 0, 0);

interface Click {
  readonly page: string;
  readonly user: string;
  readonly ts: number;
}

/** Clicks without end, 25 every 2 ms (about 10k/s), every 40th far behind (late), until `stop()`; then the input ends. */
function throttledClicks(): { source: Source<Click>; stop: () => void } {
  let stopped = false;
  const source: Source<Click> = {
    describe: () => 'throttled clicks',
    open: (offset) => {
      let i = typeof offset === 'number' ? offset : 0;
      return {
        read: async () => [],
        readEach: async (max, emit) => {
          if (stopped) return 0;
          await new Promise((r) => setTimeout(r, 2));
          const n = Math.min(max, 25);
          for (let k = 0; k < n; k++, i++) emit({ page: `/page/${(i * 7) % 13}`, user: `u${(i * 31) % 97}`, ts: T0 + (i % 40 === 39 ? i * 5 - 60_000 : i * 5) });
          return n;
        },
        offset: () => i,
      };
    },
  };
  return { source, stop: () => (stopped = true) };
}

describe('the live page in headless chromium', () => {
  it('draws the charts with data and the tables of a running job', async () => {
    findChromium(); // fails (never skips) without chromium
    const job = await CheckpointCoordinator.open({ storage: new MemoryCheckpointStorage(), interval: { events: 5_000 } });
    const { source, stop } = throttledClicks();
    const clicks$ = job.source('clicks', source, { timestamp: (c) => c.ts, maxOutOfOrderness: 2_000 }).pipe(share());
    const views$ = clicks$.pipe(tumblingWindow({ size: 1_000, key: (c: Click) => c.page, aggregate: count(), store: job.store('page-views'), name: 'page-views', checkpoint: job }));
    const sessions$ = clicks$.pipe(sessionWindow({ gap: 2_000, key: (c: Click) => c.user, aggregate: count(), store: job.store('sessions'), name: 'sessions', checkpoint: job }));
    const out = collectingSink<unknown>();
    const server = await serveJob(job, { port: 0, name: 'clicks-demo' });
    const running = job.run(mergeEventStreams(views$, sessions$).pipe(job.sink('out', out)));
    const dir = await mkdtemp(join(tmpdir(), 'weir-live-page-'));
    try {
      // wait until the job has read something and completed a checkpoint
      for (;;) {
        const status = (await (await fetch(`${server.url}/status`)).json()) as JobStatus;
        if (status.sources[0]!.recordsRead > 0 && status.checkpoints.completed > 0) break;
        await new Promise((r) => setTimeout(r, 50));
      }
      const dom = await runChromium(`${server.url}/`, ['--dump-dom']);
      const points = (series: string): number[] => [...dom.matchAll(new RegExp(`data-series="${series}" data-points="(\\d+)"`, 'g'))].map((m) => Number(m[1]));
      // records/s and watermark lag of the source, records in/s of both operators: lines of several points
      expect(points('clicks')).toHaveLength(2);
      for (const n of [...points('clicks'), ...points('page-views'), ...points('sessions')]) expect(n).toBeGreaterThan(2);
      const d = /data-series="clicks" data-points="\d+" d="([^"]*)"/.exec(dom)![1]!;
      expect(d).toMatch(/^M[\d.]+ [\d.]+( L[\d.]+ [\d.]+){2,}$/);
      const firstCells = (table: string): string[] => {
        const body = new RegExp(`<table data-table="${table}">.*?<tbody>(.*?)</tbody>`, 's').exec(dom)?.[1] ?? '';
        return [...body.matchAll(/<tr><td>([^<]*)<\/td>/g)].map((m) => m[1]!);
      };
      expect(firstCells('sources')).toEqual(['clicks']);
      expect(firstCells('operators')).toEqual(['page-views', 'sessions']);
      expect(firstCells('stores')).toEqual(['page-views', 'sessions']);
      expect(firstCells('checkpoints').length).toBeGreaterThan(0);
      expect(dom).toContain('<h1>clicks-demo <span class="ok">running</span></h1>');
      expect(dom).toMatch(/<p id="problem" role="alert"><\/p>/); // no error shown

      const png = join(dir, 'page.png');
      await runChromium(`${server.url}/`, [`--screenshot=${png}`]);
      expect((await stat(png)).size).toBeGreaterThan(10_000);
      if (process.env.WEIR_UPDATE_SCREENSHOT === '1') await copyFile(png, DOCS_PNG);
      console.log(`live page screenshot: ${png}${process.env.WEIR_UPDATE_SCREENSHOT === '1' ? ` (copied to ${DOCS_PNG})` : ''}`);
    } finally {
      stop();
      await running;
      await server.close();
    }
  }, 120_000);
});
