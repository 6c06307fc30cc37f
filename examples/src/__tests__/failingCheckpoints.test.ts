// A job whose checkpoints cannot be written must not exit 0 (issue 13): the window example, run as
// a user the checkpoint directory refuses, prints the failure (naming the storage and EACCES) and
// exits non-zero, with no result committed.
import { spawn } from 'node:child_process';
import { chmod, mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readCommittedLines } from '@weir/checkpoint';
import { generateClicks } from '../window-job/generate';

const ROOT = join(__dirname, '..', '..', '..');

/** Runs the window example's main.ts; as `nobody` when this process is root (root writes anywhere). */
function runMain(dir: string, events: number): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['-r', 'ts-node/register', '-r', 'tsconfig-paths/register', join(ROOT, 'examples', 'src', 'window-job', 'main.ts'), '--dir', dir, '--events', String(events)], {
      cwd: ROOT,
      env: { ...process.env, TS_NODE_TRANSPILE_ONLY: '1', TS_NODE_PROJECT: join(ROOT, 'tsconfig.json') },
      stdio: ['ignore', 'pipe', 'pipe'],
      ...(process.getuid?.() === 0 ? { uid: 65534, gid: 65534 } : {}),
    });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, output }));
  });
}

describe('examples/window-job with checkpoints it cannot write', () => {
  it('prints the failure and exits non-zero, committing nothing', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'weir-window-eacces-'));
    try {
      const events = 3_000;
      await generateClicks(join(dir, 'data'), { events, seed: 3 });
      await mkdir(join(dir, 'results'));
      await mkdir(join(dir, 'checkpoints'));
      await chmod(dir, 0o755);
      await chmod(join(dir, 'data'), 0o777);
      await chmod(join(dir, 'results'), 0o777);
      await chmod(join(dir, 'checkpoints'), process.getuid?.() === 0 ? 0o755 : 0o555); // root's, read-only for the job
      const { code, output } = await runMain(dir, events);
      expect(code).not.toBe(0);
      expect(output).toMatch(/window job failed: CheckpointError STORAGE: checkpoint 1 could not be persisted to checkpoints in .*checkpoints: .*EACCES/);
      for (const result of ['page-views', 'sessions', 'daily-active-users', 'late-clicks']) {
        expect(await readCommittedLines(join(dir, 'results', result)).catch(() => [])).toEqual([]);
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }, 60_000);
});
