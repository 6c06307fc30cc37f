import type { JobStatus } from '../../JobStatus';
import { sampleJobStatus } from '../../testing';
import { chartData } from '../chartData';
import { escapeHtml, formatBytes, formatCount, formatMs, niceCeiling, renderView, svgChart } from '../renderView';

const view = (samples: readonly JobStatus[]): string => renderView(samples, chartData(samples));

/** The `data-points` of every series path in `html`, by chart caption. */
function pathPoints(html: string): Record<string, Record<string, number>> {
  const charts: Record<string, Record<string, number>> = {};
  for (const [, caption, body] of html.matchAll(/<figcaption>([^<]*)<\/figcaption>(.*?)<\/figure>/g)) {
    const paths: Record<string, number> = {};
    for (const [, name, points] of body!.matchAll(/data-series="([^"]*)" data-points="(\d+)"/g)) paths[name!] = Number(points);
    charts[caption!] = paths;
  }
  return charts;
}

describe('renderView', () => {
  it('says it waits before the first sample', () => {
    expect(view([])).toContain('waiting for the first /status');
  });

  it('draws a line per source and operator with a point per sample (rates: per pair of samples)', () => {
    const html = view([0, 1, 2, 3, 4, 5].map(sampleJobStatus));
    expect(pathPoints(html)).toEqual({
      'records/s per source': { clicks: 5 },
      'records in/s per operator': { views: 5 },
      'watermark lag per source (event time)': { clicks: 6 },
    });
    // each path has one move and one line segment per further point
    const d = /data-series="clicks" data-points="5" d="([^"]*)"/.exec(html)![1]!;
    expect(d.match(/[ML]/g)).toEqual(['M', 'L', 'L', 'L', 'L']);
  });

  it('has a table row per source, partition, operator, store and recent checkpoint, newest checkpoint first', () => {
    const status = sampleJobStatus(5);
    const html = view([sampleJobStatus(4), status]);
    const rows = (table: string): string[] => {
      const body = new RegExp(`<table data-table="${table}">.*?<tbody>(.*?)</tbody>`).exec(html)![1]!;
      return [...body.matchAll(/<tr><td>([^<]*)<\/td>/g)].map((m) => m[1]!);
    };
    expect(rows('sources')).toEqual(['clicks']);
    expect(rows('partitions')).toEqual(['clicks', 'clicks', 'clicks']);
    expect(rows('operators')).toEqual(['views']);
    expect(rows('stores')).toEqual(['views']);
    expect(rows('checkpoints')).toEqual(status.checkpoints.recent.map((c) => `#${c.id}`).reverse());
    // the operator's late records and their rate (3 a second in the sample)
    expect(html).toContain(`<td>views</td><td>${formatCount(status.operators[0]!.recordsIn)}</td><td>${formatCount(status.operators[0]!.recordsOut)}</td><td>27</td><td>0</td>`);
    expect(html).toMatch(/<td>27<\/td><td>0<\/td><td>[^<]+<\/td><td>[^<]+<\/td><td>3<\/td>/);
  });

  it('escapes every name the job gives', () => {
    const base = sampleJobStatus(1);
    const evil = '<img src=x onerror="alert(1)">&';
    const status: JobStatus = {
      ...base,
      job: evil,
      sources: base.sources.map((s) => ({ ...s, name: evil })),
      operators: base.operators.map((o) => ({ ...o, name: evil })),
      stores: [{ name: evil, entries: 1, bytes: 2 }],
    };
    const html = view([sampleJobStatus(0), status]);
    expect(html).not.toContain('<img');
    expect(html).toContain(escapeHtml(evil));
  });

  it('says "none" for an empty table and an empty chart', () => {
    const base = sampleJobStatus(0);
    const html = view([{ ...base, sources: [], operators: [], stores: [], checkpoints: { ...base.checkpoints, recent: [], last: null } }]);
    expect(html).toContain('<p class="note" data-table="stores">none</p>');
    expect(html).toContain('<p class="note" data-table="checkpoints">none</p>');
    expect(svgChart('t', [], 0, String)).toContain('>none</text>');
  });
});

describe('formatting', () => {
  it('rounds the y axis up to 1, 2 or 5 times a power of ten', () => {
    expect([0, -1, NaN, 0.3, 1, 1.01, 3, 7, 99_999, 100_001].map(niceCeiling)).toEqual([1, 1, 1, 0.5, 1, 2, 5, 10, 100_000, 200_000]);
  });

  it('writes counts, bytes and durations short', () => {
    expect([950, 12_345, 4_560_000, 1.2e9].map(formatCount)).toEqual(['950', '12.3k', '4.56M', '1.20G']);
    expect([512, 1536, 21_300_000].map(formatBytes)).toEqual(['512 B', '1.50 KiB', '20.3 MiB']);
    expect([0.84, 12.4, 3_400, 303_000, 7_500_000].map(formatMs)).toEqual(['0.8 ms', '12 ms', '3.40 s', '5 min 3 s', '2 h 5 min']);
  });
});
