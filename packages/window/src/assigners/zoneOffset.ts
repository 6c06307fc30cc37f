// luxon 3 ships no type declarations and @types/luxon is not installed in this repository, so the
// one class used here is typed locally. With @types/luxon present this becomes
// `import { IANAZone } from 'luxon'`.
interface LuxonIANAZone {
  /** Offset from UTC in minutes at epoch-ms `ts`; NaN outside the `Date` range. */
  offset(ts: number): number;
}
interface LuxonZoneApi {
  IANAZone: {
    create(name: string): LuxonIANAZone;
    isValidZone(name: string): boolean;
  };
}
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { IANAZone } = require('luxon') as LuxonZoneApi;

/** Offset of a time zone's wall clock from UTC, in ms, at an instant; NaN when out of range. */
export type ZoneOffset = (t: number) => number;

/**
 * The UTC offset function of an IANA time zone (luxon's `IANAZone`, backed by `Intl`), or
 * `undefined` when the name is not a zone this runtime knows. Each call costs one
 * `Intl.DateTimeFormat#formatToParts` (a few microseconds); luxon caches the formatter per zone.
 * Offsets are rounded to whole milliseconds (local mean time offsets have seconds).
 *
 * @example
 * ```ts
 * zoneOffsetOf('Europe/Berlin')!(Date.UTC(2024, 6, 1)); // 7_200_000 (CEST, UTC+2)
 * zoneOffsetOf('Mars/Olympus');                         // undefined
 * ```
 */
export function zoneOffsetOf(timeZone: string): ZoneOffset | undefined {
  if (typeof timeZone !== 'string' || !IANAZone.isValidZone(timeZone)) return undefined;
  const zone = IANAZone.create(timeZone);
  return (t: number): number => Math.round(zone.offset(t) * 60_000);
}
