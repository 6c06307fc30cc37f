// Internal: argument checks and the mapping of LMDB and file-system failures to StateError.
import { StateError } from '@weir/state';

/** Describes any value briefly for error messages, without dumping large objects. */
export function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (value === undefined) return 'undefined';
  if (typeof value === 'string') return `string ${JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}...` : value)}`;
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') return `${typeof value} ${String(value)}`;
  if (Array.isArray(value)) return `array of length ${value.length}`;
  if (typeof value === 'object') {
    const name = (value as object).constructor?.name;
    return name ? `${name} object` : 'object';
  }
  return typeof value;
}

/** Throws a TypeError naming the method and the value unless `value` is a Uint8Array (Buffer included). */
export function assertBytes(value: unknown, what: string, where: string): asserts value is Uint8Array {
  if (!(value instanceof Uint8Array)) throw new TypeError(`${where}: ${what} must be a Uint8Array, got ${describeValue(value)}`);
}

/** The message of any thrown value. */
export function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

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
