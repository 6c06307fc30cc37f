// Short descriptions of arbitrary values for error messages.

const MAX = 80;

/**
 * Describes any value briefly for an error message (its type and a rendering cut at 80
 * characters), never dumping a large object. Operators use it to name the offending value.
 *
 * @example
 * ```ts
 * describeValue(NaN);            // 'number NaN'
 * describeValue('x');            // 'string "x"'
 * describeValue({ user: 'ada' }); // '{"user":"ada"}'
 * ```
 */
export function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (value === undefined) return 'undefined';
  switch (typeof value) {
    case 'number':
    case 'boolean':
    case 'bigint':
      return `${typeof value} ${String(value)}`;
    case 'string':
      return `string ${JSON.stringify(value.length > MAX ? `${value.slice(0, MAX)}...` : value)}`;
    case 'symbol':
      return String(value);
    case 'function':
      return 'function';
    default:
      return describeObject(value);
  }
}

function describeObject(value: object): string {
  let json: string | undefined;
  try {
    json = JSON.stringify(value, (_key, v: unknown) => (typeof v === 'bigint' ? `${v}n` : v));
  } catch {
    json = undefined;
  }
  const name = Array.isArray(value) ? 'array' : (value.constructor?.name ?? 'object');
  if (json === undefined) return `${name} object`;
  return `${json.length > MAX ? `${json.slice(0, MAX)}...` : json}`;
}
