import { toHex } from './toHex';

/** Longest rendering of a string or JSON text before it is cut. */
const MAX_CHARS = 80;
/** Bytes of a byte array shown in hex before it is cut. */
const MAX_BYTES = 32;

/**
 * Describes any value briefly for an error message: its type and what it holds, never a dump of
 * a large object. Every weir package names the offending value with it, so all their messages
 * read the same way.
 *
 * - primitives: the type, then the value: `number NaN`, `number -0`, `bigint 5n`,
 *   `boolean true`, `string "ada"` (cut after 80 characters, the full length added), `null`,
 *   `undefined`, `symbol Symbol(id)`, `function parse` (`function` when anonymous)
 * - plain objects and arrays: their JSON, cut after 80 characters (an array cut so also tells
 *   its length); `array of length 3` or `object` when they have no JSON (a cycle, say)
 * - byte arrays: the class, the length and the first 32 bytes in hex: `Uint8Array of 3 bytes 0a0b0c`
 * - other objects: their class: `Map object`, `Date object`
 *
 * Cost: O(1) for primitives, byte arrays and class instances; O(size) for plain objects and
 * arrays, which are serialised to JSON (only error paths should call it).
 *
 * @example
 * ```ts
 * describeValue(NaN);             // 'number NaN'
 * describeValue('x');             // 'string "x"'
 * describeValue({ user: 'ada' }); // '{"user":"ada"}'
 * describeValue([1, 2]);          // '[1,2]'
 * describeValue(new Map());       // 'Map object'
 * throw new StateError('INVALID_ARGUMENT', `myStore.get: key must be a Uint8Array, got ${describeValue(key)}`);
 * ```
 */
export function describeValue(value: unknown): string {
  switch (typeof value) {
    case 'undefined':
      return 'undefined';
    case 'number':
      return `number ${Object.is(value, -0) ? '-0' : String(value)}`;
    case 'bigint':
      return `bigint ${String(value)}n`;
    case 'boolean':
      return `boolean ${String(value)}`;
    case 'string':
      return value.length > MAX_CHARS
        ? `string ${JSON.stringify(`${value.slice(0, MAX_CHARS)}...`)} (length ${value.length})`
        : `string ${JSON.stringify(value)}`;
    case 'symbol':
      return `symbol ${String(value)}`;
    case 'function':
      return value.name === '' ? 'function' : `function ${value.name}`;
    default:
      return value === null ? 'null' : describeObject(value as object);
  }
}

function describeObject(value: object): string {
  if (value instanceof Uint8Array) {
    const n = value.length;
    const shown = n === 0 ? '' : ` ${toHex(value.subarray(0, MAX_BYTES))}${n > MAX_BYTES ? '...' : ''}`;
    return `${value.constructor.name} of ${n} bytes${shown}`;
  }
  const isArray = Array.isArray(value);
  const proto: unknown = Object.getPrototypeOf(value);
  if (!isArray && proto !== Object.prototype && proto !== null) {
    const name = (value as { constructor?: { name?: unknown } }).constructor?.name;
    return typeof name === 'string' && name !== '' ? `${name} object` : 'object';
  }
  const what = isArray ? `array of length ${(value as unknown[]).length}` : 'object';
  let json: string | undefined;
  try {
    json = JSON.stringify(value, (_key, v: unknown) => (typeof v === 'bigint' ? `${v}n` : v));
  } catch {
    return what; // a cycle, or a toJSON that throws
  }
  if (json === undefined) return what;
  if (json.length <= MAX_CHARS) return json;
  return isArray ? `${json.slice(0, MAX_CHARS)}... (${what})` : `${json.slice(0, MAX_CHARS)}...`;
}
