// Internal: one LmdbStore per database directory, across processes.
//
// LMDB itself lets several processes share an environment, but an LmdbStore keeps its entry
// count, byte size and pending writes in memory, and by default discards what it finds on open:
// a second store on the same directory would corrupt the first one's view or wipe its data. So
// a store takes a lock file (created with O_EXCL, holding its process id) before touching the
// database, and refuses a directory whose lock is held by a live process. A lock left by a
// process that died (SIGKILL, a crash) is taken over: no process with its pid is running, or the
// pid is this process's own (pid reuse after a container restart) while this process holds no
// such lock.
import { closeSync, openSync, readFileSync, statSync, unlinkSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { StateError } from '@weir/state';
import { codeOf, toStateError } from './storeErrors';

/** The lock file's name inside the database directory. */
export const LOCK_FILE = 'weir-store.lock';

const held = new Set<string>();
let exitHookInstalled = false;

/**
 * Takes the lock of database directory `dir` (which exists) for this process; returns the
 * function that releases it. Throws `StateError` `IO` when another live process, or another
 * store of this process, holds it, or when the lock file cannot be written (a read-only
 * directory). O(1).
 */
export function lockDirectory(dir: string, where: string): () => void {
  const file = join(dir, LOCK_FILE);
  if (held.has(file)) {
    throw new StateError('IO', `${where}: the database in ${dir} is already open in this process; close the other LmdbStore on it first`);
  }
  for (let attempt = 0; attempt < 100; attempt++) {
    let fd: number;
    try {
      fd = openSync(file, 'wx');
    } catch (err) {
      if (codeOf(err) !== 'EEXIST') throw toStateError(`${where}: cannot create the lock file ${file} (is ${dir} writable?)`, err);
      const owner = lockOwner(file);
      if (owner === undefined && isFresh(file)) {
        pause(20); // another process is writing its pid into it right now
        continue;
      }
      if (owner !== undefined && owner !== process.pid && isRunning(owner)) {
        throw new StateError(
          'IO',
          `${where}: the database in ${dir} is in use by process ${owner} (lock file ${file}): an LmdbStore has one owner at a time. ` +
            'If that process does not use it, delete the lock file.',
        );
      }
      try {
        unlinkSync(file); // stale: its process is gone
      } catch (unlinkErr) {
        if (codeOf(unlinkErr) !== 'ENOENT') throw toStateError(`${where}: cannot remove the stale lock file ${file}`, unlinkErr);
      }
      continue;
    }
    try {
      writeSync(fd, `${process.pid}\n`);
    } catch (err) {
      closeSync(fd);
      unlinkQuietly(file);
      throw toStateError(`${where}: cannot write the lock file ${file}`, err);
    }
    closeSync(fd);
    held.add(file);
    installExitHook();
    return () => {
      if (held.delete(file)) unlinkQuietly(file);
    };
  }
  throw new StateError('IO', `${where}: could not take the lock file ${file}: other processes keep creating it`);
}

/** The pid a lock file names, or undefined if it names none (being written, or garbage). */
function lockOwner(file: string): number | undefined {
  try {
    const pid = Number.parseInt(readFileSync(file, 'latin1'), 10);
    return Number.isSafeInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

/** Whether the file was modified in the last second. */
function isFresh(file: string): boolean {
  try {
    return Date.now() - statSync(file).mtimeMs < 1_000;
  } catch {
    return false;
  }
}

function pause(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return codeOf(err) === 'EPERM'; // it exists, but belongs to another user
  }
}

function unlinkQuietly(file: string): void {
  try {
    unlinkSync(file);
  } catch {
    // gone already
  }
}

/** Locks of stores never closed are removed when the process exits normally. */
function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.on('exit', () => {
    for (const file of held) unlinkQuietly(file);
    held.clear();
  });
}
