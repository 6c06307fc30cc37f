// The exactly-once promise, tested the hard way: the job of crashJob.ts is killed with SIGKILL
// at random moments and restarted, over and over; its committed output must equal that of an
// uninterrupted run byte for byte (crashHarness.ts). The same test runs on LMDB stores in
// packages/state-lmdb/test/crash.test.ts.
import { rm } from 'node:fs/promises';
import { crashAndResume, crashInput } from './crashHarness';

const KILLS = Number(process.env.WEIR_CRASH_KILLS ?? 20);
const ORDERS = Number(process.env.WEIR_CRASH_ORDERS ?? 20_000);

describe('crash recovery (SIGKILL at random moments)', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await crashInput(ORDERS);
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it(`the committed output after ${KILLS} kills equals an uninterrupted run's, byte for byte`, async () => {
    const r = await crashAndResume(dir, 'memory', KILLS);
    expect(r.clean.stderr).toBe('');
    expect(r.clean.code).toBe(0);
    expect(r.expected.split('\n').length).toBeGreaterThan(ORDERS);
    expect(r.killed).toBe(KILLS);
    expect(r.checkpointed).toBe(true); // it got somewhere
    expect(r.final.stderr).toBe('');
    expect(r.final.code).toBe(0);
    expect(r.actual).toBe(r.expected);
  }, 240_000);
});
