import { sampleJobStatus } from '@weir/http/testing';

describe('sampleJobStatus', () => {
  it('is JSON-safe and moves its counters forward step by step', () => {
    const a = sampleJobStatus(0);
    const b = sampleJobStatus(5);
    expect(JSON.parse(JSON.stringify(b))).toEqual(b);
    expect(b.time - a.time).toBe(5_000);
    expect(b.sources[0]!.recordsRead).toBeGreaterThan(a.sources[0]!.recordsRead);
    expect(b.operators[0]!.lateRecords).toBeGreaterThan(a.operators[0]!.lateRecords);
    expect(b.checkpoints.recent.length).toBeGreaterThan(a.checkpoints.recent.length);
    expect(b.checkpoints.last).toEqual(b.checkpoints.recent[b.checkpoints.recent.length - 1]);
    for (const p of b.sources[0]!.partitions!) expect(p.watermarkLagMs).toBe(p.maxTimestamp! - p.watermark!);
  });
});
