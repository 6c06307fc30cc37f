/* istanbul ignore file -- its functions are also sent to the browser as their source text
   (livePage.ts), which coverage counters would break. */
// Turns a series of `/status` documents into the lines the live page draws and the rates
// `weir top` prints. Pure and self-contained: every function here uses only its arguments and
// the other functions listed in CHART_DATA_FUNCTIONS (no imports at run time, no module
// constants), because livePage.ts sends their source text to the browser as they are.
import type { JobStatus } from '../JobStatus';

/**
 * One line of a chart: its name and its points `[x, y]`, x in seconds relative to the newest
 * sample (so the newest point is at 0 and older ones are negative), y `null` where there is no
 * value (a gap in the line: a counter that went back, a lag not known yet).
 */
export interface ChartSeries {
  readonly name: string;
  readonly points: ReadonlyArray<readonly [number, number | null]>;
}

/**
 * What the live page draws, from a series of {@link JobStatus} samples oldest first: rates are
 * the difference of a counter between two consecutive samples over the difference of their
 * `time` (one point per sample but the first), lags are read from each sample as they are.
 */
export interface ChartData {
  /** Records read per second, one series per source. */
  readonly sourceRates: readonly ChartSeries[];
  /** Records in per second, one series per stateful operator. */
  readonly operatorInRates: readonly ChartSeries[];
  /** Records out per second, one series per stateful operator. */
  readonly operatorOutRates: readonly ChartSeries[];
  /** Late records per second, one series per stateful operator. */
  readonly operatorLateRates: readonly ChartSeries[];
  /** Watermark lag (`maxTimestamp - watermark`) in seconds of event time, one series per source. */
  readonly watermarkLag: readonly ChartSeries[];
  /** Seconds between the oldest and the newest sample (0 with fewer than two). */
  readonly spanSeconds: number;
}

/**
 * Computes the chart lines of `samples` (`/status` documents, oldest first; any number, empty
 * included). Series are matched by name across samples, in the order of their first
 * appearance; a source or operator missing from a sample has no point there. A counter that
 * went down (the job restarted) or two samples with the same `time` give a gap, never a
 * negative or infinite rate. Cost: O(samples x (sources + operators)).
 *
 * @example
 * ```ts
 * const data = chartData([status0, status1, status2]);
 * data.sourceRates[0]; // { name: 'clicks', points: [[-1, 100000], [0, 98000]] }
 * ```
 */
export function chartData(samples: readonly JobStatus[]): ChartData {
  const newest = samples.length === 0 ? 0 : samples[samples.length - 1]!.time;
  const oldest = samples.length === 0 ? 0 : samples[0]!.time;
  const sources = samples.map((s) => s.sources);
  const operators = samples.map((s) => s.operators);
  return {
    sourceRates: rateSeries(samples, sources, (s) => s.recordsRead, newest),
    operatorInRates: rateSeries(samples, operators, (o) => o.recordsIn, newest),
    operatorOutRates: rateSeries(samples, operators, (o) => o.recordsOut, newest),
    operatorLateRates: rateSeries(samples, operators, (o) => o.lateRecords, newest),
    watermarkLag: valueSeries(samples, sources, (s) => (s.watermarkLagMs === null ? null : s.watermarkLagMs / 1000), newest),
    spanSeconds: (newest - oldest) / 1000,
  };
}

/**
 * Per name, the rate of `counter` between consecutive samples: `(c[i] - c[i-1]) / (t[i] -
 * t[i-1])` per second, at x = `(t[i] - newest) / 1000`. `items[i]` are the named things of
 * `samples[i]`.
 */
export function rateSeries<T extends { readonly name: string }>(
  samples: readonly JobStatus[],
  items: ReadonlyArray<readonly T[]>,
  counter: (item: T) => number,
  newest: number,
): ChartSeries[] {
  const series = new Map<string, Array<readonly [number, number | null]>>();
  for (const list of items) for (const item of list) if (!series.has(item.name)) series.set(item.name, []);
  for (let i = 1; i < samples.length; i++) {
    const dt = (samples[i]!.time - samples[i - 1]!.time) / 1000;
    const before = new Map<string, number>();
    for (const item of items[i - 1]!) before.set(item.name, counter(item));
    for (const item of items[i]!) {
      const previous = before.get(item.name);
      const delta = previous === undefined ? NaN : counter(item) - previous;
      const rate = dt > 0 && delta >= 0 ? delta / dt : null;
      series.get(item.name)!.push([(samples[i]!.time - newest) / 1000, rate]);
    }
  }
  return [...series].map(([name, points]) => ({ name, points }));
}

/** Per name, `value` of each sample at x = `(t[i] - newest) / 1000`; `items[i]` are the named things of `samples[i]`. */
export function valueSeries<T extends { readonly name: string }>(
  samples: readonly JobStatus[],
  items: ReadonlyArray<readonly T[]>,
  value: (item: T) => number | null,
  newest: number,
): ChartSeries[] {
  const series = new Map<string, Array<readonly [number, number | null]>>();
  for (let i = 0; i < samples.length; i++) {
    for (const item of items[i]!) {
      let points = series.get(item.name);
      if (points === undefined) series.set(item.name, (points = []));
      const y = value(item);
      points.push([(samples[i]!.time - newest) / 1000, y !== null && Number.isFinite(y) ? y : null]);
    }
  }
  return [...series].map(([name, points]) => ({ name, points }));
}

/** The functions of this module the live page runs in the browser, as their source text. */
export const CHART_DATA_FUNCTIONS: readonly ((...args: never[]) => unknown)[] = [chartData, rateSeries, valueSeries];
