// Internal: the mapping of LMDB and file-system failures to StateError.
import { StateError, messageOf } from '@weir/state';

/** The errno code (`ENOENT`, `EACCES`, ...) of a Node or LMDB error, if it has one. */
export function codeOf(err: unknown): string | undefined {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

/**
 * A failure of LMDB or the file system as a StateError: a StateError passes through; a full map
 * or disk is `CAPACITY_EXCEEDED`; anything else `IO`. `what` names the operation and the path.
 */
export function toStateError(what: string, err: unknown): StateError {
  if (err instanceof StateError) return err;
  const message = messageOf(err);
  const full = /MDB_MAP_FULL|ENOSPC|EFBIG|EDQUOT/.test(message) || ['ENOSPC', 'EFBIG', 'EDQUOT'].includes(codeOf(err) ?? '');
  return new StateError(full ? 'CAPACITY_EXCEEDED' : 'IO', `${what}: ${message}`, { cause: err });
}
