// The command-line options of a benchmark, read with node:util's parseArgs (strict: a misspelled
// option is refused, not ignored).
import { parseArgs } from 'node:util';

/**
 * Reads `--name value` options whose defaults are given; each number must parse as a finite
 * number. Strings (comma lists, labels) are returned as they are.
 *
 * @example
 * ```ts
 * const { events, keys } = benchOptions({ events: 1_000_000, keys: 10_000 });
 * ```
 */
export function benchOptions<O extends Record<string, number | string>>(defaults: O): { [K in keyof O]: O[K] extends number ? number : string } {
  const { values } = parseArgs({
    options: Object.fromEntries(Object.keys(defaults).map((name) => [name, { type: 'string' as const }])),
    strict: true,
  });
  const out: Record<string, number | string> = {};
  for (const [name, fallback] of Object.entries(defaults)) {
    const given = values[name];
    if (given === undefined || typeof given !== 'string') {
      out[name] = fallback;
    } else if (typeof fallback === 'number') {
      const n = Number(given.replace(/_/g, ''));
      if (!Number.isFinite(n)) throw new Error(`--${name} must be a number, got ${JSON.stringify(given)}`);
      out[name] = n;
    } else {
      out[name] = given;
    }
  }
  return out as { [K in keyof O]: O[K] extends number ? number : string };
}
