import { zoneOffsetOf } from '../../assigners/zoneOffset';

describe('zoneOffsetOf', () => {
  it('gives the UTC offset in ms, following DST', () => {
    const berlin = zoneOffsetOf('Europe/Berlin')!;
    expect(berlin(Date.UTC(2024, 0, 1))).toBe(3_600_000);
    expect(berlin(Date.UTC(2024, 6, 1))).toBe(7_200_000);
    expect(zoneOffsetOf('America/New_York')!(Date.UTC(2024, 0, 1))).toBe(-5 * 3_600_000);
    expect(zoneOffsetOf('Asia/Kolkata')!(0)).toBe(5.5 * 3_600_000);
    expect(zoneOffsetOf('UTC')!(-1)).toBe(0);
  });

  it('rounds local-mean-time offsets to whole ms and is NaN outside the Date range', () => {
    const kolkata = zoneOffsetOf('Asia/Kolkata')!(Date.UTC(1900, 0, 1)); // Madras time, +5:21:10
    expect(Number.isInteger(kolkata)).toBe(true);
    expect(kolkata).toBe((5 * 3600 + 21 * 60 + 10) * 1000);
    expect(zoneOffsetOf('Africa/Monrovia')!(Date.UTC(1900, 0, 1))).toBe(-(43 * 60 + 8) * 1000);
    expect(zoneOffsetOf('UTC')!(8.64e15 + 1)).toBeNaN();
  });

  it('is undefined for names the runtime does not know', () => {
    expect(zoneOffsetOf('Europe/Berln')).toBeUndefined();
    expect(zoneOffsetOf('')).toBeUndefined();
    expect(zoneOffsetOf(undefined as unknown as string)).toBeUndefined();
  });
});
