// Internal: renders an offending value for the error messages of the aggregates.

/**
 * Describes a value briefly, with its type: `string "12"`, `number NaN`, `undefined`,
 * `array of length 3`, `Map object`. Long strings are cut at 40 characters. O(1).
 */
export function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (value === undefined) return 'undefined';
  switch (typeof value) {
    case 'string': {
      const shown = value.length > 40 ? `${value.slice(0, 40)}...` : value;
      return `string ${JSON.stringify(shown)}`;
    }
    case 'number':
      return `number ${Object.is(value, -0) ? '-0' : String(value)}`;
    case 'bigint':
      return `bigint ${String(value)}n`;
    case 'boolean':
      return `boolean ${String(value)}`;
    case 'object': {
      if (Array.isArray(value)) return `array of length ${value.length}`;
      const name = (value as object).constructor?.name;
      return name ? `${name} object` : 'object';
    }
    default:
      return typeof value;
  }
}

/** The first `max` bytes as hex, with an ellipsis when there are more. O(max). */
export function hexPreview(bytes: Uint8Array, max = 32): string {
  let out = '';
  const n = Math.min(bytes.length, max);
  for (let i = 0; i < n; i++) out += bytes[i]!.toString(16).padStart(2, '0');
  return bytes.length > max ? `${out}...` : out;
}
