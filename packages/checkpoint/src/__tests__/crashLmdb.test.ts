// crash.test.ts with every store on LMDB (@weir/state-lmdb's LmdbStore, through the
// coordinator's storeFactory): killed with SIGKILL at random moments and restarted, the job's
// committed output must equal an uninterrupted run's, byte for byte. Each killed run leaves its
// databases and lock files behind; the next run takes the locks over and starts from the
// checkpoint. Fewer kills by default than the in-memory test (the suite's time); set
// WEIR_CRASH_KILLS for a longer soak.
import { describeCrashRecovery } from './crashHarness';

describeCrashRecovery('crash recovery on LmdbStore (SIGKILL at random moments)', 'lmdb', 7, 11);
