import fc from 'fast-check';
import { calendarWindows } from '../../assigners/calendarWindows';
import type { CalendarUnit } from '../../assigners/calendarWindows';
import { tumblingWindows } from '../../assigners/tumblingWindows';
import { MAX_TIMESTAMP, MIN_TIMESTAMP } from '../../limits';
import { windowContains } from '../../Window';
import type { Window } from '../../Window';
import { WindowError } from '../../WindowError';
import { DateTime } from '../luxon';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const hours = (w: Window): number => (w.end - w.start) / HOUR;
/** Epoch ms of a local wall-clock time in a zone, via luxon. */
const local = (iso: string, zone: string): number => DateTime.fromISO(iso, { zone }).toMillis();
const date = (t: number, zone: string): string => DateTime.fromMillis(t, { zone }).toISODate();

const T_1970 = 0;
const T_2100 = Date.UTC(2100, 0, 1);
const T_1900 = Date.UTC(1900, 0, 1);
const plusOne = { day: { days: 1 }, week: { weeks: 1 }, month: { months: 1 } } as const;

describe('calendarWindows', () => {
  describe('daylight saving time', () => {
    it('Europe/Berlin: 2024-03-31 lasts 23 hours, 2024-10-27 lasts 25, other days 24', () => {
      const days = calendarWindows('day', 'Europe/Berlin');
      const spring = days.assignOne(Date.UTC(2024, 2, 31, 12));
      expect(spring).toEqual({ start: Date.UTC(2024, 2, 30, 23), end: Date.UTC(2024, 2, 31, 22) });
      expect(hours(spring)).toBe(23);
      const autumn = days.assignOne(Date.UTC(2024, 9, 27, 12));
      expect(autumn).toEqual({ start: Date.UTC(2024, 9, 26, 22), end: Date.UTC(2024, 9, 27, 23) });
      expect(hours(autumn)).toBe(25);
      expect(hours(days.assignOne(Date.UTC(2024, 6, 1, 12)))).toBe(24);
      expect(hours(days.assignOne(Date.UTC(2024, 0, 1, 12)))).toBe(24);
    });

    it('America/New_York: 2024-03-10 lasts 23 hours, 2024-11-03 lasts 25', () => {
      const days = calendarWindows('day', 'America/New_York');
      const spring = days.assignOne(Date.UTC(2024, 2, 10, 12));
      expect(spring).toEqual({ start: Date.UTC(2024, 2, 10, 5), end: Date.UTC(2024, 2, 11, 4) });
      expect(hours(spring)).toBe(23);
      const autumn = days.assignOne(Date.UTC(2024, 10, 3, 12));
      expect(autumn).toEqual({ start: Date.UTC(2024, 10, 3, 4), end: Date.UTC(2024, 10, 4, 5) });
      expect(hours(autumn)).toBe(25);
    });

    it.each([
      ['Europe/Berlin', 2000, 2030],
      ['America/New_York', 2007, 2030],
    ])('%s %i-%i: every year has exactly one 23-hour and one 25-hour day, on the rule Sundays', (zone, from, to) => {
      const days = calendarWindows('day', zone);
      let w = days.assignOne(local(`${from}-01-01T00:00`, zone));
      const short: string[] = [];
      const long: string[] = [];
      while (w.start < local(`${to + 1}-01-01T00:00`, zone)) {
        const d = DateTime.fromMillis(w.start, { zone });
        expect([d.hour, d.minute, d.second, d.millisecond]).toEqual([0, 0, 0, 0]);
        const h = hours(w);
        if (h === 23) short.push(d.toISODate());
        else if (h === 25) long.push(d.toISODate());
        else expect(h).toBe(24);
        if (h !== 24) expect(d.weekday).toBe(7);
        const next = days.assignOne(w.end);
        expect(next.start).toBe(w.end);
        w = next;
      }
      expect(short).toHaveLength(to - from + 1);
      expect(long).toHaveLength(to - from + 1);
      if (zone === 'Europe/Berlin') {
        // last Sundays of March and October
        for (const d of short) expect([d.slice(5, 7), Number(d.slice(8)) > 24]).toEqual(['03', true]);
        for (const d of long) expect([d.slice(5, 7), Number(d.slice(8)) > 24]).toEqual(['10', true]);
      } else {
        // second Sunday of March, first Sunday of November
        for (const d of short) expect([d.slice(5, 7), Number(d.slice(8)) >= 8 && Number(d.slice(8)) <= 14]).toEqual(['03', true]);
        for (const d of long) expect([d.slice(5, 7), Number(d.slice(8)) <= 7]).toEqual(['11', true]);
      }
    });

    it('Australia/Lord_Howe changes by half an hour', () => {
      const days = calendarWindows('day', 'Australia/Lord_Howe');
      expect(hours(days.assignOne(local('2024-04-07T12:00', 'Australia/Lord_Howe')))).toBe(24.5);
      expect(hours(days.assignOne(local('2024-10-06T12:00', 'Australia/Lord_Howe')))).toBe(23.5);
    });
  });

  describe('weeks and months', () => {
    it('ISO weeks start on Monday at local midnight', () => {
      const weeks = calendarWindows('week', 'Europe/Berlin');
      const w = weeks.assignOne(Date.UTC(2024, 2, 31, 12)); // Sunday 2024-03-31
      expect(w).toEqual({ start: local('2024-03-25T00:00', 'Europe/Berlin'), end: local('2024-04-01T00:00', 'Europe/Berlin') });
      expect(hours(w)).toBe(167);
      expect(DateTime.fromMillis(w.start, { zone: 'Europe/Berlin' }).weekday).toBe(1);
      expect(weeks.weekStart).toBe(1);
    });

    it('weekStart moves the first day of the week', () => {
      const sundays = calendarWindows('week', 'America/New_York', { weekStart: 7 });
      expect(sundays.weekStart).toBe(7);
      expect(sundays.assignOne(local('2024-03-31T12:00', 'America/New_York'))).toEqual({
        start: local('2024-03-31T00:00', 'America/New_York'),
        end: local('2024-04-07T00:00', 'America/New_York'),
      });
      expect(sundays.assignOne(local('2024-03-30T23:59', 'America/New_York')).start).toBe(local('2024-03-24T00:00', 'America/New_York'));
      const wednesdays = calendarWindows('week', 'UTC', { weekStart: 3 });
      expect(wednesdays.assignOne(0)).toEqual({ start: Date.UTC(1969, 11, 31), end: Date.UTC(1970, 0, 7) });
    });

    it('months run from local midnight of the 1st, with DST and leap years', () => {
      const months = calendarWindows('month', 'Europe/Berlin');
      expect(hours(months.assignOne(Date.UTC(2024, 2, 15)))).toBe(31 * 24 - 1);
      expect(hours(months.assignOne(Date.UTC(2024, 9, 15)))).toBe(31 * 24 + 1);
      expect(hours(months.assignOne(Date.UTC(2024, 1, 15)))).toBe(29 * 24);
      expect(hours(months.assignOne(Date.UTC(2023, 1, 15)))).toBe(28 * 24);
      expect(months.assignOne(Date.UTC(2024, 11, 31, 23, 30))).toEqual({
        start: local('2025-01-01T00:00', 'Europe/Berlin'),
        end: local('2025-02-01T00:00', 'Europe/Berlin'),
      });
    });

    it('works before 1970 (negative timestamps)', () => {
      expect(calendarWindows('day', 'UTC').assignOne(-1)).toEqual({ start: -DAY, end: 0 });
      expect(calendarWindows('day', 'Europe/Berlin').assignOne(-1)).toEqual({ start: -HOUR, end: 23 * HOUR });
      expect(calendarWindows('month', 'UTC').assignOne(-1)).toEqual({ start: Date.UTC(1969, 11, 1), end: 0 });
      expect(calendarWindows('day', 'America/New_York').assignOne(Date.UTC(1969, 6, 20, 20, 17))).toEqual({
        start: local('1969-07-20T00:00', 'America/New_York'),
        end: local('1969-07-21T00:00', 'America/New_York'),
      });
    });
  });

  describe('transitions at local midnight', () => {
    it('America/Santiago 2024-09-08: midnight is skipped, the day starts at 01:00 and lasts 23 hours', () => {
      const w = calendarWindows('day', 'America/Santiago').assignOne(local('2024-09-08T12:00', 'America/Santiago'));
      expect(DateTime.fromMillis(w.start, { zone: 'America/Santiago' }).toISO()).toBe('2024-09-08T01:00:00.000-03:00');
      expect(date(w.start - 1, 'America/Santiago')).toBe('2024-09-07');
      expect(hours(w)).toBe(23);
    });

    it('America/Havana 2023-11-05: midnight happens twice, the day starts at the first and lasts 25 hours', () => {
      const w = calendarWindows('day', 'America/Havana').assignOne(local('2023-11-05T12:00', 'America/Havana'));
      expect(DateTime.fromMillis(w.start, { zone: 'America/Havana' }).toISO()).toBe('2023-11-05T00:00:00.000-04:00');
      expect(hours(w)).toBe(25);
    });

    it('America/St_Johns 2000-10-29: the 00:01 -> 23:01 fall-back keeps the first minute of the 29th in the 28th', () => {
      const days = calendarWindows('day', 'America/St_Johns');
      const the28th = { start: Date.UTC(2000, 9, 28, 2, 30), end: Date.UTC(2000, 9, 29, 3, 30) };
      for (const t of [Date.UTC(2000, 9, 28, 12), Date.UTC(2000, 9, 29, 2, 30), Date.UTC(2000, 9, 29, 2, 31), Date.UTC(2000, 9, 29, 3, 29)]) {
        expect(days.assignOne(t)).toEqual(the28th);
      }
      expect(days.assignOne(Date.UTC(2000, 9, 29, 3, 30))).toEqual({ start: Date.UTC(2000, 9, 29, 3, 30), end: Date.UTC(2000, 9, 30, 3, 30) });
      // luxon agrees for the rest of the 29th
      expect(DateTime.fromMillis(Date.UTC(2000, 9, 29, 12), { zone: 'America/St_Johns' }).startOf('day').toMillis()).toBe(
        Date.UTC(2000, 9, 29, 3, 30),
      );
    });

    it('Pacific/Apia skipped 2011-12-30 entirely: the 29th is followed by the 31st', () => {
      const days = calendarWindows('day', 'Pacific/Apia');
      const the29th = days.assignOne(local('2011-12-29T12:00', 'Pacific/Apia'));
      expect(date(the29th.start, 'Pacific/Apia')).toBe('2011-12-29');
      expect(date(the29th.end, 'Pacific/Apia')).toBe('2011-12-31');
      expect(hours(the29th)).toBe(24);
    });
  });

  describe('cache', () => {
    it('returns the same frozen window while t stays in it, and is right after jumping around', () => {
      const days = calendarWindows('day', 'Europe/Berlin');
      const w = days.assignOne(Date.UTC(2024, 2, 31, 0));
      expect(Object.isFrozen(w)).toBe(true);
      expect(days.assignOne(Date.UTC(2024, 2, 31, 21, 59, 59, 999))).toBe(w);
      expect(days.assign(Date.UTC(2024, 2, 31, 12))[0]).toBe(w);
      expect(days.windowStart(Date.UTC(2024, 2, 31, 12))).toBe(w.start);
      const next = days.assignOne(w.end);
      expect(next).not.toBe(w);
      expect(days.assignOne(w.end - 1)).toEqual(w);
      expect(days.assignOne(w.start - 1).end).toBe(w.start);
    });

    it('property: a shared assigner answers a random sequence like fresh assigners do', () => {
      const shared = calendarWindows('day', 'America/New_York');
      fc.assert(
        fc.property(fc.array(fc.integer({ min: Date.UTC(2024, 0, 1), max: Date.UTC(2024, 0, 10) }), { maxLength: 30 }), (ts) => {
          for (const t of ts) expect(shared.assignOne(t)).toEqual(calendarWindows('day', 'America/New_York').assignOne(t));
        }),
        { numRuns: 30 },
      );
    });
  });

  describe('validation', () => {
    it('rejects an unknown time zone at construction', () => {
      expect(() => calendarWindows('day', 'Europe/Berln')).toThrow(WindowError);
      expect(() => calendarWindows('day', 'Europe/Berln')).toThrow(/^calendarWindows: unknown IANA time zone string "Europe\/Berln"/);
      for (const zone of ['', 'Mars/Olympus', 42 as unknown as string]) {
        let caught: unknown;
        try {
          calendarWindows('day', zone);
        } catch (err) {
          caught = err;
        }
        expect(caught).toBeInstanceOf(WindowError);
        expect((caught as WindowError).code).toBe('INVALID_ARGUMENT');
        expect((caught as WindowError).value).toBe(zone);
      }
    });

    it('rejects an unknown unit and a bad weekStart', () => {
      expect(() => calendarWindows('year' as CalendarUnit, 'UTC')).toThrow(/^calendarWindows: unit must be 'day', 'week' or 'month', got string "year"$/);
      for (const weekStart of [0, 8, 1.5, NaN]) {
        expect(() => calendarWindows('week', 'UTC', { weekStart })).toThrow(/^calendarWindows: weekStart must be/);
      }
    });

    it('rejects bad timestamps, and timestamps too close to the ends of the Date range', () => {
      const days = calendarWindows('day', 'Europe/Berlin');
      for (const t of [NaN, Infinity, 1.5, MAX_TIMESTAMP + 1]) {
        expect(() => days.assignOne(t)).toThrow(/^calendarWindows\(day, Europe\/Berlin\): timestamp must be/);
      }
      for (const t of [MIN_TIMESTAMP, MAX_TIMESTAMP]) {
        let caught: unknown;
        try {
          days.assignOne(t);
        } catch (err) {
          caught = err;
        }
        expect(caught).toBeInstanceOf(WindowError);
        expect((caught as WindowError).code).toBe('INVALID_TIMESTAMP');
        expect((caught as WindowError).message).toContain(String(t));
      }
      expect(days.assignOne(MAX_TIMESTAMP - 5 * DAY).end).toBeLessThanOrEqual(MAX_TIMESTAMP);
      expect(calendarWindows('month', 'UTC').assignOne(MIN_TIMESTAMP + 40 * DAY).start).toBeGreaterThanOrEqual(MIN_TIMESTAMP);
    });

    it('exposes its configuration and kind, and is frozen', () => {
      const a = calendarWindows('month', 'Asia/Tokyo');
      expect([a.kind, a.unit, a.timeZone, a.weekStart]).toEqual(['calendar', 'month', 'Asia/Tokyo', 1]);
      expect(Object.isFrozen(a)).toBe(true);
    });
  });

  describe('properties', () => {
    const units: CalendarUnit[] = ['day', 'week', 'month'];
    // Zones whose transitions since 1970 all happen away from local midnight.
    const regular = ['Europe/Berlin', 'America/New_York', 'UTC', 'Asia/Kolkata', 'Asia/Tokyo', 'Australia/Sydney', 'Australia/Lord_Howe', 'Pacific/Chatham', 'Europe/London'];

    it('regular zones: start and end match luxon startOf(unit) and startOf(unit).plus(1 unit); start is local midnight', () => {
      fc.assert(
        fc.property(fc.constantFrom(...regular), fc.constantFrom(...units), fc.integer({ min: T_1970, max: T_2100 }), (zone, unit, t) => {
          const w = calendarWindows(unit, zone).assignOne(t);
          const expected = DateTime.fromMillis(t, { zone }).startOf(unit);
          expect(w.start).toBe(expected.toMillis());
          expect(w.end).toBe(expected.plus(plusOne[unit]).toMillis());
          const s = DateTime.fromMillis(w.start, { zone });
          expect([s.hour, s.minute, s.second, s.millisecond]).toEqual([0, 0, 0, 0]);
          if (unit === 'week') expect(s.weekday).toBe(1);
          if (unit === 'month') expect(s.day).toBe(1);
        }),
        { numRuns: 400 },
      );
    });

    it('UTC days are tumbling windows of 24 hours', () => {
      const days = calendarWindows('day', 'UTC');
      const tumbling = tumblingWindows(DAY);
      fc.assert(
        fc.property(fc.integer({ min: MIN_TIMESTAMP + 5 * DAY, max: MAX_TIMESTAMP - 5 * DAY }), (t) => {
          expect(days.assignOne(t)).toEqual(tumbling.assignOne(t));
        }),
      );
    });

    const anyZone = [...regular, 'America/Santiago', 'America/Havana', 'America/St_Johns', 'America/Sao_Paulo', 'Asia/Beirut', 'Pacific/Apia', 'America/Asuncion', 'Africa/Cairo', 'Asia/Tehran', 'Pacific/Kiritimati'];

    it('any zone, 1900-2100: the window contains t, abuts its neighbours, and the local calendar enters its period at its start', () => {
      fc.assert(
        fc.property(fc.constantFrom(...anyZone), fc.constantFrom(...units), fc.integer({ min: T_1900, max: T_2100 }), (zone, unit, t) => {
          const a = calendarWindows(unit, zone);
          const w = a.assignOne(t);
          expect(windowContains(w, t)).toBe(true);
          expect(a.assignOne(w.end).start).toBe(w.end);
          expect(a.assignOne(w.start - 1).end).toBe(w.start);
          expect(a.assignOne(w.end - 1)).toEqual(w);
          expect(a.assignOne(w.start)).toEqual(w);
          const before = DateTime.fromMillis(w.start - 1, { zone }).startOf(unit).toISODate();
          const at = DateTime.fromMillis(w.start, { zone }).startOf(unit).toISODate();
          expect(before < at).toBe(true);
          const nominal = { day: [22, 26], week: [7 * 24 - 2, 7 * 24 + 2], month: [28 * 24 - 2, 31 * 24 + 2] }[unit];
          expect(hours(w)).toBeGreaterThanOrEqual(nominal[0]!);
          expect(hours(w)).toBeLessThanOrEqual(nominal[1]!);
        }),
        { numRuns: 400 },
      );
    });

    it('any zone, 1900-2100, days: the local date of t is the window\'s date, except within an hour of its end', () => {
      fc.assert(
        fc.property(fc.constantFrom(...anyZone), fc.integer({ min: T_1900, max: T_2100 }), (zone, t) => {
          const w = calendarWindows('day', zone).assignOne(t);
          if (date(t, zone) !== date(w.start, zone)) expect(w.end - t).toBeLessThanOrEqual(HOUR);
        }),
        { numRuns: 400 },
      );
    });
  });
});
