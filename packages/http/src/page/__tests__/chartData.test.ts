import fc from 'fast-check';
import type { JobStatus } from '../../JobStatus';
import { sampleJobStatus } from '../../testing';
import { chartData } from '../chartData';

/** `sampleJobStatus(0)` with the source's counter, the time and the lag replaced. */
function withSource(base: JobStatus, time: number, recordsRead: number, lagMs: number | null): JobStatus {
  return { ...base, time, sources: base.sources.map((s) => ({ ...s, recordsRead, watermarkLagMs: lagMs })) };
}

describe('chartData', () => {
  it('has no points and no span without samples, one lag point and no rate with one', () => {
    const none = chartData([]);
    expect(none).toEqual({ sourceRates: [], operatorInRates: [], operatorOutRates: [], operatorLateRates: [], watermarkLag: [], spanSeconds: 0 });
    const one = chartData([sampleJobStatus(0)]);
    expect(one.sourceRates).toEqual([{ name: 'clicks', points: [] }]);
    expect(one.watermarkLag).toEqual([{ name: 'clicks', points: [[0, 30]] }]);
    expect(one.spanSeconds).toBe(0);
  });

  it('gives the rate of each counter between consecutive samples, at seconds before the newest', () => {
    const samples = [0, 1, 2, 3].map(sampleJobStatus);
    const data = chartData(samples);
    const rate = (i: number, f: (s: JobStatus) => number): number => (f(samples[i]!) - f(samples[i - 1]!)) / ((samples[i]!.time - samples[i - 1]!.time) / 1000);
    const read = (s: JobStatus): number => s.sources[0]!.recordsRead;
    expect(data.sourceRates).toEqual([{ name: 'clicks', points: [[-2, rate(1, read)], [-1, rate(2, read)], [0, rate(3, read)]] }]);
    expect(data.operatorLateRates[0]!.points.map(([, y]) => y)).toEqual([3, 3, 3]);
    expect(data.operatorOutRates[0]!.name).toBe('views');
    expect(data.spanSeconds).toBe(3);
  });

  it('matches a reference computation on random series, with gaps where a counter goes back or time stands still', () => {
    const step = fc.record({ dt: fc.integer({ min: 0, max: 5_000 }), delta: fc.integer({ min: -1_000, max: 1_000_000 }), lag: fc.option(fc.integer({ min: 0, max: 600_000 })) });
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 1e6 }), fc.array(step, { maxLength: 30 }), (start, steps) => {
        const base = sampleJobStatus(0);
        const samples: JobStatus[] = [withSource(base, 1_000_000, start, 0)];
        for (const s of steps) {
          const last = samples[samples.length - 1]!;
          samples.push(withSource(base, last.time + s.dt, last.sources[0]!.recordsRead + s.delta, s.lag));
        }
        const newest = samples[samples.length - 1]!.time;
        const expected: Array<[number, number | null]> = [];
        for (let i = 1; i < samples.length; i++) {
          const dt = samples[i]!.time - samples[i - 1]!.time;
          const delta = samples[i]!.sources[0]!.recordsRead - samples[i - 1]!.sources[0]!.recordsRead;
          expected.push([(samples[i]!.time - newest) / 1000, dt > 0 && delta >= 0 ? (delta * 1000) / dt : null]);
        }
        const data = chartData(samples);
        expect(data.sourceRates).toHaveLength(1);
        const got = data.sourceRates[0]!.points;
        expect(got).toHaveLength(expected.length);
        got.forEach(([x, y], i) => {
          expect(x).toBeCloseTo(expected[i]![0], 9);
          if (expected[i]![1] === null) expect(y).toBeNull();
          else expect(y).toBeCloseTo(expected[i]![1]!, 6);
          expect(y === null || (Number.isFinite(y) && y >= 0)).toBe(true);
        });
        expect(data.watermarkLag[0]!.points.map(([, y]) => y)).toEqual(samples.map((s) => (s.sources[0]!.watermarkLagMs === null ? null : s.sources[0]!.watermarkLagMs / 1000)));
        expect(data.spanSeconds).toBeCloseTo((newest - samples[0]!.time) / 1000, 9);
      }),
    );
  });

  it('matches series by name, in the order of first appearance, with no point where one is missing', () => {
    const s0 = sampleJobStatus(0);
    const s1 = sampleJobStatus(1);
    const extra = { ...s1.sources[0]!, name: 'orders', recordsRead: 10 };
    const s2 = { ...sampleJobStatus(2), sources: [extra, sampleJobStatus(2).sources[0]!] };
    const s3 = { ...sampleJobStatus(3), sources: [{ ...extra, recordsRead: 30 }] };
    const data = chartData([s0, s1, s2, s3]);
    expect(data.sourceRates.map((s) => s.name)).toEqual(['clicks', 'orders']);
    expect(data.sourceRates[0]!.points.map(([x]) => x)).toEqual([-2, -1]);
    // orders first appears in s2: a gap there (nothing to compare with), 20 records/s in s3
    expect(data.sourceRates[1]!.points).toEqual([[-1, null], [0, 20]]);
    expect(data.watermarkLag[1]!.points.map(([x]) => x)).toEqual([-1, 0]);
  });
});
