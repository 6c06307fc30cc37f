// crash.test.ts with every store on LMDB (@weir/state-lmdb's LmdbStore, through the
// coordinator's storeFactory): killed with SIGKILL at random moments and restarted, the job's
// committed output must equal an uninterrupted run's, byte for byte. Each killed run leaves its
// databases and lock files behind; the next run takes the locks over and starts from the
// checkpoint. Fewer kills by default than the in-memory test (the suite's time); set
// WEIR_CRASH_KILLS for a longer soak.
import { rm } from 'node:fs/promises';
import { crashAndResume, crashInput } from './crashHarness';

const KILLS = Number(process.env.WEIR_CRASH_KILLS ?? 7);
const ORDERS = Number(process.env.WEIR_CRASH_ORDERS ?? 20_000);

describe('crash recovery on LmdbStore (SIGKILL at random moments)', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await crashInput(ORDERS);
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it(`the committed output after ${KILLS} kills equals an uninterrupted run's, byte for byte`, async () => {
    const r = await crashAndResume(dir, 'lmdb', KILLS, 11);
    expect(r.clean.stderr).toBe('');
    expect(r.clean.code).toBe(0);
    expect(r.expected.split('\n').length).toBeGreaterThan(ORDERS);
    expect(r.killed).toBe(KILLS);
    expect(r.checkpointed).toBe(true);
    expect(r.final.stderr).toBe('');
    expect(r.final.code).toBe(0);
    expect(r.actual).toBe(r.expected);
  }, 240_000);
});
