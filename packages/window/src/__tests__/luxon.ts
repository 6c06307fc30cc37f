// luxon ships no type declarations and @types/luxon is not installed: type the slice tests use.
export interface LuxonDateTime {
  readonly year: number;
  readonly month: number;
  readonly day: number;
  readonly hour: number;
  readonly minute: number;
  readonly second: number;
  readonly millisecond: number;
  readonly weekday: number;
  toMillis(): number;
  toISO(): string;
  toISODate(): string;
  startOf(unit: 'day' | 'week' | 'month'): LuxonDateTime;
  plus(duration: Partial<Record<'days' | 'weeks' | 'months', number>>): LuxonDateTime;
}
// eslint-disable-next-line @typescript-eslint/no-require-imports
export const { DateTime } = require('luxon') as {
  DateTime: {
    fromMillis(ms: number, options: { zone: string }): LuxonDateTime;
    fromISO(text: string, options: { zone: string }): LuxonDateTime;
  };
};
