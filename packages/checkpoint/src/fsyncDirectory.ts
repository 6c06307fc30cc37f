import { promises as fs } from 'node:fs';

/**
 * Internal: fsyncs directory `path`, so the renames and new entries in it survive a crash of the
 * machine (the file sinks' commit and new directories). Platforms that cannot fsync a directory
 * (EISDIR, EINVAL, EPERM, EBADF) are let be: the entries are as durable as they can be made
 * there. Other errors are thrown as they come, for the caller to name.
 */
export async function fsyncDirectory(path: string): Promise<void> {
  let h: fs.FileHandle | undefined;
  try {
    h = await fs.open(path, 'r');
    await h.sync();
  } catch (err) {
    const code = (err as { code?: unknown }).code;
    if (code !== 'EISDIR' && code !== 'EINVAL' && code !== 'EPERM' && code !== 'EBADF') throw err;
  } finally {
    await h?.close().catch(() => undefined);
  }
}
