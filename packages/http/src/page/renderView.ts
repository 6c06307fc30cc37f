/* istanbul ignore file -- its functions are also sent to the browser as their source text
   (livePage.ts), which coverage counters would break. */
// The body of the live page as an HTML string: a header line, three inline-SVG charts and the
// tables, from a series of `/status` documents. Pure and self-contained like chartData.ts: the
// browser runs these same functions (their source text, see livePage.ts), and the tests run
// them in Node on sampleJobStatus() series.
import type { JobStatus } from '../JobStatus';
import type { ChartData, ChartSeries } from './chartData';

/**
 * The live page's view of `samples` (`/status` documents, oldest first; `data` what
 * `chartData(samples)` returns) as HTML: the newest
 * sample's header, tables of sources, operators (with late records), stores and recent
 * checkpoints, and charts of records/s per source, records in/s per operator and watermark lag
 * per source over the samples. Every name from the job is escaped. With no sample it says it is
 * waiting. Cost: O(samples x (sources + operators)).
 *
 * @example
 * ```ts
 * document.getElementById('view')!.innerHTML = renderView(samples, chartData(samples));
 * ```
 */
export function renderView(samples: readonly JobStatus[], data: ChartData): string {
  const status = samples[samples.length - 1];
  if (status === undefined) return '<p class="note">waiting for the first /status…</p>';
  const e = escapeHtml;
  const cp = status.checkpoints;
  const p = status.process;
  const header =
    `<h1>${e(status.job)} <span class="${status.running ? 'ok' : 'off'}">${status.running ? 'running' : 'not running'}</span></h1>` +
    `<p class="facts">up ${formatMs(status.uptimeMs)} · checkpoints ${cp.completed} completed, ${cp.failed} failed, ${cp.inFlight} in flight` +
    `${cp.restoredFrom === null ? '' : ` · restored from #${cp.restoredFrom}`} · longest stall ${formatMs(cp.maxStallMs)}` +
    ` · heap ${formatBytes(p.heapUsedBytes)} of ${formatBytes(p.heapTotalBytes)} · rss ${formatBytes(p.rssBytes)}` +
    ` · GC ${p.gcCount}, longest pause ${formatMs(p.gcPauseMaxMs)} · pid ${p.pid}, node ${e(p.node)}</p>`;
  const charts =
    '<div class="charts">' +
    svgChart('records/s per source', data.sourceRates, data.spanSeconds, formatCount) +
    svgChart('records in/s per operator', data.operatorInRates, data.spanSeconds, formatCount) +
    svgChart('watermark lag per source (event time)', data.watermarkLag, data.spanSeconds, (s) => formatMs(s * 1000)) +
    '</div>';
  const sources = htmlTable(
    'sources',
    ['source', 'records read', 'records/s', 'watermark', 'lag', 'state'],
    status.sources.map((s) => [
      s.name,
      formatCount(s.recordsRead),
      formatRate(lastValue(data.sourceRates, s.name)),
      formatInstant(s.watermark),
      s.watermarkLagMs === null ? '–' : formatMs(s.watermarkLagMs),
      s.ended ? 'ended' : 'reading',
    ]),
  );
  const partitionRows: string[][] = [];
  for (const s of status.sources) {
    for (const q of s.partitions ?? []) {
      partitionRows.push([s.name, q.partition, formatInstant(q.watermark), q.watermarkLagMs === null ? '–' : formatMs(q.watermarkLagMs), q.idle ? 'idle' : 'active']);
    }
  }
  const partitions = partitionRows.length === 0 ? '' : htmlTable('partitions', ['source', 'partition', 'watermark', 'lag', 'state'], partitionRows);
  const operators = htmlTable(
    'operators',
    ['operator', 'in', 'out', 'late', 'invalid', 'in/s', 'out/s', 'late/s', 'watermark'],
    status.operators.map((o) => [
      o.name,
      formatCount(o.recordsIn),
      formatCount(o.recordsOut),
      formatCount(o.lateRecords),
      formatCount(o.invalidRecords),
      formatRate(lastValue(data.operatorInRates, o.name)),
      formatRate(lastValue(data.operatorOutRates, o.name)),
      formatRate(lastValue(data.operatorLateRates, o.name)),
      o.ended ? 'ended' : formatInstant(o.watermark),
    ]),
  );
  const stores = htmlTable(
    'stores',
    ['store', 'entries', 'bytes'],
    status.stores.map((s) => [s.name, formatCount(s.entries), formatBytes(s.bytes)]),
  );
  const checkpoints = htmlTable(
    'checkpoints',
    ['checkpoint', 'age', 'duration', 'alignment', 'stall', 'barrier', 'size'],
    [...cp.recent]
      .reverse()
      .map((c) => [`#${c.id}`, formatMs(c.ageMs), formatMs(c.durationMs), formatMs(c.alignmentMs), formatMs(c.stallMs), formatMs(c.barrierMs), formatBytes(c.sizeBytes)]),
  );
  return (
    header +
    charts +
    '<div class="tables">' +
    `<section><h2>Sources</h2>${sources}${partitions}</section>` +
    `<section><h2>Operators and late records</h2>${operators}</section>` +
    `<section><h2>Stores</h2>${stores}</section>` +
    `<section><h2>Recent checkpoints</h2>${checkpoints}</section>` +
    '</div>'
  );
}

/**
 * One chart as an inline `<figure>` with an SVG: a polyline path per series (class `series`,
 * `data-series` its name, `data-points` how many points it has), the y axis from 0 to a round
 * maximum labelled with `format`, the x axis the `spanSeconds` the samples cover (at least 1), and a
 * legend with each series' newest value.
 */
export function svgChart(title: string, series: readonly ChartSeries[], spanSeconds: number, format: (y: number) => string): string {
  const colours = ['#1f77b4', '#d62728', '#2ca02c', '#9467bd', '#ff7f0e', '#17becf', '#8c564b', '#e377c2', '#7f7f7f', '#bcbd22'];
  const width = 350;
  const height = 150;
  const left = 56;
  const right = 8;
  const top = 10;
  const bottom = 22;
  const span = Math.max(spanSeconds, 1);
  let max = 0;
  for (const s of series) for (const [, y] of s.points) if (y !== null && y > max) max = y;
  const yMax = niceCeiling(max);
  const x = (t: number): string => (left + ((t + span) / span) * (width - left - right)).toFixed(1);
  const y = (v: number): string => (top + (1 - v / yMax) * (height - top - bottom)).toFixed(1);
  let svg = `<svg viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" role="img" aria-label="${escapeHtml(title)}">`;
  for (const v of [0, yMax / 2, yMax]) {
    svg += `<line class="grid" x1="${left}" x2="${width - right}" y1="${y(v)}" y2="${y(v)}"/>`;
    svg += `<text class="tick" x="${left - 4}" y="${y(v)}" text-anchor="end" dominant-baseline="middle">${escapeHtml(format(v))}</text>`;
  }
  svg += `<text class="tick" x="${left}" y="${height - 6}">−${span < 10 ? span.toFixed(1) : Math.round(span)} s</text>`;
  svg += `<text class="tick" x="${width - right}" y="${height - 6}" text-anchor="end">now</text>`;
  const legend: string[] = [];
  series.forEach((s, i) => {
    const colour = colours[i % colours.length]!;
    let d = '';
    let points = 0;
    let pen = false;
    let lastPoint: readonly [number, number] | undefined;
    for (const [t, v] of s.points) {
      if (v === null || t < -span) {
        pen = false;
        continue;
      }
      d += `${pen ? 'L' : 'M'}${x(t)} ${y(v)} `;
      pen = true;
      points++;
      lastPoint = [t, v];
    }
    svg += `<path class="series" data-series="${escapeHtml(s.name)}" data-points="${points}" d="${d.trim()}" stroke="${colour}"/>`;
    if (lastPoint !== undefined) svg += `<circle cx="${x(lastPoint[0])}" cy="${y(lastPoint[1])}" r="2.5" fill="${colour}"/>`;
    const newest = s.points[s.points.length - 1];
    const value = newest === undefined || newest[1] === null ? '–' : format(newest[1]);
    legend.push(`<span><i style="background:${colour}"></i>${escapeHtml(s.name)} ${escapeHtml(value)}</span>`);
  });
  if (series.length === 0) svg += `<text class="tick" x="${(left + width) / 2}" y="${height / 2}" text-anchor="middle">none</text>`;
  svg += '</svg>';
  return `<figure class="chart"><figcaption>${escapeHtml(title)}</figcaption>${svg}<div class="legend">${legend.join('')}</div></figure>`;
}

/** A `<table>` with a header row and one row per entry of `rows` (cells escaped); "none" for no rows. */
export function htmlTable(name: string, headers: readonly string[], rows: ReadonlyArray<readonly string[]>): string {
  if (rows.length === 0) return `<p class="note" data-table="${escapeHtml(name)}">none</p>`;
  const head = headers.map((h) => `<th>${escapeHtml(h)}</th>`).join('');
  const body = rows.map((r) => `<tr>${r.map((c) => `<td>${escapeHtml(c)}</td>`).join('')}</tr>`).join('');
  return `<table data-table="${escapeHtml(name)}"><thead><tr>${head}</tr></thead><tbody>${body}</tbody></table>`;
}

/** The smallest of 1, 2 or 5 times a power of ten at or above `v` (1 for 0 and below). */
export function niceCeiling(v: number): number {
  if (!(v > 0) || !Number.isFinite(v)) return 1;
  const power = 10 ** Math.floor(Math.log10(v));
  for (const m of [1, 2, 5, 10]) if (m * power >= v) return m * power;
  return 10 * power;
}

/** `&`, `<`, `>`, `"` and `'` as entities. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => (c === '&' ? '&amp;' : c === '<' ? '&lt;' : c === '>' ? '&gt;' : c === '"' ? '&quot;' : '&#39;'));
}

/**
 * A count in short form, as the live page and `weir top` print counts and rates.
 *
 * @example
 * ```ts
 * [950, 12_345, 4_560_000].map(formatCount); // ['950', '12.3k', '4.56M']
 * ```
 */
export function formatCount(n: number): string {
  const a = Math.abs(n);
  if (a < 1_000) return String(Math.round(n * 10) / 10);
  if (a < 1e6) return `${(n / 1e3).toPrecision(3)}k`;
  if (a < 1e9) return `${(n / 1e6).toPrecision(3)}M`;
  return `${(n / 1e9).toPrecision(3)}G`;
}

/**
 * A rate per second as {@link formatCount} writes it, `–` when unknown (`null`).
 *
 * @example
 * ```ts
 * formatRate(lastValue(chartData([s0, s1]).sourceRates, 'clicks')); // '107k'
 * ```
 */
export function formatRate(n: number | null): string {
  return n === null ? '–' : formatCount(n);
}

/** Bytes in binary units: 512 B, 1.5 KiB, 20.3 MiB, 1.10 GiB. */
export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 ** 2) return `${(n / 1024).toPrecision(3)} KiB`;
  if (n < 1024 ** 3) return `${(n / 1024 ** 2).toPrecision(3)} MiB`;
  return `${(n / 1024 ** 3).toPrecision(3)} GiB`;
}

/**
 * A duration for people, from milliseconds.
 *
 * @example
 * ```ts
 * [0.84, 12.4, 3_400, 303_000].map(formatMs); // ['0.8 ms', '12 ms', '3.40 s', '5 min 3 s']
 * ```
 */
export function formatMs(ms: number): string {
  if (ms < 10) return `${Math.round(ms * 10) / 10} ms`;
  if (ms < 1_000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toPrecision(3)} s`;
  if (ms < 3_600_000) return `${Math.floor(ms / 60_000)} min ${Math.floor((ms % 60_000) / 1000)} s`;
  return `${Math.floor(ms / 3_600_000)} h ${Math.floor((ms % 3_600_000) / 60_000)} min`;
}

/**
 * An instant (ms since the epoch) to the second, in UTC; `–` for `null` (no watermark yet).
 *
 * @example
 * ```ts
 * formatInstant(Date.UTC(2026, 2, 29, 13, 0, 5)); // '2026-03-29 13:00:05'
 * ```
 */
export function formatInstant(ms: number | null): string {
  return ms === null ? '–' : new Date(ms).toISOString().slice(0, 19).replace('T', ' ');
}

/**
 * The newest y of the series named `name`, or `null` (no such series, no point, or a gap): the
 * current rate of a source or operator. O(series).
 *
 * @example
 * ```ts
 * lastValue(chartData([before, now]).operatorLateRates, 'page-views'); // late records/s
 * ```
 */
export function lastValue(series: readonly ChartSeries[], name: string): number | null {
  for (const s of series) {
    if (s.name !== name) continue;
    const last = s.points[s.points.length - 1];
    return last === undefined ? null : last[1];
  }
  return null;
}

/** The functions of this module the live page runs in the browser, as their source text. */
export const RENDER_VIEW_FUNCTIONS: readonly ((...args: never[]) => unknown)[] = [
  renderView,
  lastValue,
  svgChart,
  htmlTable,
  niceCeiling,
  escapeHtml,
  formatCount,
  formatRate,
  formatBytes,
  formatMs,
  formatInstant,
];
