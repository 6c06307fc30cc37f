// The exactly-once promise, tested the hard way: the job of crashJob.ts is killed with SIGKILL
// at random moments and restarted, over and over; its committed output must equal that of an
// uninterrupted run byte for byte (crashHarness.ts). The same test runs on LMDB stores in
// crashLmdb.test.ts.
import { describeCrashRecovery } from './crashHarness';

describeCrashRecovery('crash recovery (SIGKILL at random moments)', 'memory', 20);
