import { describe, expect, it } from 'vitest';
import cn from '../processes/calendars/CN.json' with { type: 'json' };
import {
  addWorkingDays,
  addWorkingHours,
  CalendarRangeError,
  calendarFromStateCouncilJson,
  isWorkingDay,
  type LocalCalendar,
  localDate,
  localTimeToEpochMs,
  mergeCalendars,
  validateCalendar,
  type WorkingCalendar,
  workingMsBetween,
} from './calendar.ts';

const CN = calendarFromStateCouncilJson(cn);
const HOUR = 3_600_000;

/** An instant given in Beijing time, parsed independently of the module under test. */
const at = (date: string, time = '10:00') => Date.parse(`${date}T${time}:00+08:00`);
/** The Beijing local date and time of an instant, for readable assertions. */
const bj = (ms: number) => new Date(ms + 8 * HOUR).toISOString().slice(0, 16).replace('T', ' ');

function allDates(year: number): string[] {
  const out: string[] = [];
  for (let t = Date.UTC(year, 0, 1); t < Date.UTC(year + 1, 0, 1); t += 24 * HOUR) {
    out.push(new Date(t).toISOString().slice(0, 10));
  }
  return out;
}

/** A copy of CN with one year edited, for validation tests. */
function withYear(year: string, offDays: string[], makeupWorkdays: string[] = []): WorkingCalendar {
  return { ...CN, years: { ...CN.years, [year]: { offDays, makeupWorkdays } } };
}

describe('calendarFromStateCouncilJson', () => {
  it('builds a valid CN calendar for exactly 2024-2026 in UTC+8 with default office hours', () => {
    expect(CN.region).toBe('CN');
    expect(CN.timeZoneOffsetMinutes).toBe(480);
    expect(CN.officeHours).toEqual({ start: '09:00', end: '17:00' });
    expect(Object.keys(CN.years).sort()).toEqual(['2024', '2025', '2026']);
    expect(validateCalendar(CN)).toEqual([]);
  });

  it.each(['2024', '2025', '2026'] as const)('%s: counts match the notice', (year) => {
    const src = cn.years[year];
    const y = CN.years[year]!;
    expect(y.offDays).toHaveLength(src.offDayCount);
    expect(y.makeupWorkdays).toHaveLength(src.makeupWorkdayCount);
    expect(y.makeupWorkdays).toEqual([...src.makeupWorkdays].sort());
  });

  it('leaves adjoining weekend days (与周末连休) as ordinary weekend days', () => {
    const y = CN.years['2024']!;
    expect(y.offDays).not.toContain('2024-06-08');
    expect(y.offDays).not.toContain('2024-06-09');
    expect(isWorkingDay(CN, '2024-06-08')).toBe(false);
    expect(isWorkingDay(CN, '2024-06-10')).toBe(false);
    expect(isWorkingDay(CN, '2024-06-11')).toBe(true);
  });

  it('takes a region and office hours', () => {
    const cal = calendarFromStateCouncilJson(cn, 'CN-ZJ', { start: '08:30', end: '17:30' });
    expect(cal.region).toBe('CN-ZJ');
    expect(cal.officeHours).toEqual({ start: '08:30', end: '17:30' });
  });
});

describe('isWorkingDay', () => {
  it.each(['2024', '2025', '2026'] as const)(
    '%s: every day follows the README rule on the raw JSON',
    (year) => {
      const src = cn.years[year];
      const off = new Set(src.holidays.flatMap((h) => h.days));
      const makeup = new Set(src.makeupWorkdays);
      for (const date of allDates(Number(year))) {
        const weekday = new Date(`${date}T00:00:00Z`).getUTCDay();
        const expected = off.has(date) ? false : makeup.has(date) ? true : weekday >= 1 && weekday <= 5;
        expect(isWorkingDay(CN, date), date).toBe(expected);
      }
    },
  );

  // Totals checked by hand: weekdays - weekday holidays + make-up days (2024: 262-19+8, 2025: 261-18+5).
  it.each([
    [2024, 251],
    [2025, 248],
    [2026, 248],
  ])('%i has %i working days', (year, count) => {
    expect(allDates(year).filter((d) => isWorkingDay(CN, d))).toHaveLength(count);
  });

  const cases: [string, boolean, string][] = [
    // Spring Festival 2024: 除夕 was still a working day.
    ['2024-02-04', true, 'Sun make-up'],
    ['2024-02-09', true, '除夕 2024 not a holiday'],
    ['2024-02-10', false, '初一'],
    ['2024-02-17', false, 'last day'],
    ['2024-02-18', true, 'Sun make-up'],
    // Spring Festival 2025: 01-28 (除夕) .. 02-04.
    ['2025-01-25', false, 'ordinary Sat'],
    ['2025-01-26', true, 'Sun make-up'],
    ['2025-01-27', true, 'Mon before'],
    ['2025-01-28', false, '除夕 first statutory'],
    ['2025-02-01', false, 'Sat in break'],
    ['2025-02-04', false, 'last day (Tue)'],
    ['2025-02-05', true, 'Wed after'],
    ['2025-02-08', true, 'Sat make-up'],
    ['2025-02-09', false, 'ordinary Sun'],
    // Spring Festival 2026: 02-15 .. 02-23, make-up Sat 02-14 and Sat 02-28.
    ['2026-02-13', true, 'Fri before'],
    ['2026-02-14', true, 'Sat make-up'],
    ['2026-02-15', false, 'first day (Sun)'],
    ['2026-02-17', false, '初一'],
    ['2026-02-23', false, 'last day (Mon)'],
    ['2026-02-24', true, 'Tue after'],
    ['2026-02-28', true, 'Sat make-up'],
    ['2026-03-01', false, 'ordinary Sun'],
    // National Day 2024: 10-01 .. 10-07, make-up Sun 09-29 and Sat 10-12.
    ['2024-09-28', false, 'ordinary Sat'],
    ['2024-09-29', true, 'Sun make-up'],
    ['2024-09-30', true, 'Mon before'],
    ['2024-10-07', false, 'last day (Mon)'],
    ['2024-10-08', true, 'Tue after'],
    ['2024-10-12', true, 'Sat make-up'],
    ['2024-10-13', false, 'ordinary Sun'],
    // National Day + Mid-Autumn 2025: 10-01 .. 10-08, make-up Sun 09-28 and Sat 10-11.
    ['2025-09-27', false, 'ordinary Sat'],
    ['2025-09-28', true, 'Sun make-up'],
    ['2025-09-30', true, 'Tue before'],
    ['2025-10-06', false, 'Mid-Autumn inside the break'],
    ['2025-10-08', false, 'last day (Wed)'],
    ['2025-10-09', true, 'Thu after'],
    ['2025-10-11', true, 'Sat make-up'],
    ['2025-10-12', false, 'ordinary Sun'],
    // Mid-Autumn 09-25 .. 09-27 and National Day 10-01 .. 10-07 2026, make-up Sun 09-20 and Sat 10-10.
    ['2026-09-20', true, 'Sun make-up'],
    ['2026-09-25', false, 'Mid-Autumn Fri'],
    ['2026-09-28', true, 'Mon between the breaks'],
    ['2026-09-30', true, 'Wed before'],
    ['2026-10-07', false, 'last day (Wed)'],
    ['2026-10-08', true, 'Thu after'],
    ['2026-10-10', true, 'Sat make-up'],
    ['2026-10-11', false, 'ordinary Sun'],
  ];
  it.each(cases)('%s is working: %s (%s)', (date, working) => {
    expect(isWorkingDay(CN, date)).toBe(working);
  });

  it('throws CalendarRangeError with the year for an unpublished year', () => {
    expect(() => isWorkingDay(CN, '2027-01-04')).toThrow(CalendarRangeError);
    expect(() => isWorkingDay(CN, '2023-12-30')).toThrow(/2023/);
    try {
      isWorkingDay(CN, '2027-06-01');
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(Error);
      expect(e).toBeInstanceOf(CalendarRangeError);
      const err = e as CalendarRangeError;
      expect(err.name).toBe('CalendarRangeError');
      expect(err.year).toBe(2027);
      expect(err.region).toBe('CN');
      expect(err.publishedYears).toEqual(['2024', '2025', '2026']);
      expect(err.message).toContain('2027');
    }
  });

  it('keeps answering CalendarRangeError for an unpublished day, until a calendar publishes its year', () => {
    const first = (() => {
      try {
        return isWorkingDay(CN, '2027-01-05');
      } catch (e) {
        return e;
      }
    })();
    expect(first).toBeInstanceOf(CalendarRangeError);
    expect(() => isWorkingDay(CN, '2027-01-05')).toThrow(first as Error);
    // A calendar with the year published (a new calendar object, as publishing makes) answers it.
    expect(isWorkingDay(withYear('2027', []), '2027-01-05')).toBe(true);
  });

  it('rejects malformed dates', () => {
    expect(() => isWorkingDay(CN, '2025-2-3')).toThrow(RangeError);
    expect(() => isWorkingDay(CN, '2025-02-30')).toThrow(/malformed/);
  });
});

describe('local time helpers', () => {
  it('use the calendar offset, not the process time zone', () => {
    expect(localTimeToEpochMs(CN, '2025-10-01', '00:00')).toBe(Date.parse('2025-09-30T16:00:00Z'));
    expect(localDate(CN, Date.parse('2025-09-30T16:00:00Z'))).toBe('2025-10-01');
    expect(localDate(CN, Date.parse('2025-09-30T15:59:59.999Z'))).toBe('2025-09-30');
    expect(() => localTimeToEpochMs(CN, '2025-10-01', '9:00')).toThrow(RangeError);
  });

  it('give the same deadlines whatever TZ the process runs in', () => {
    const saved = process.env.TZ;
    const results: number[] = [];
    try {
      for (const tz of ['UTC', 'America/Los_Angeles', 'Asia/Shanghai', 'Pacific/Kiritimati']) {
        process.env.TZ = tz;
        results.push(
          addWorkingDays(CN, at('2025-09-30', '23:30'), 1),
          addWorkingHours(CN, at('2025-09-30'), 8),
        );
      }
    } finally {
      if (saved === undefined) delete process.env.TZ;
      else process.env.TZ = saved;
    }
    expect(new Set(results).size).toBe(2);
  });
});

describe('addWorkingDays', () => {
  const deadline = (start: number, n: number) => bj(addWorkingDays(CN, start, n));

  it('National Day 2025: accepted the day before the break, due after it', () => {
    expect(deadline(at('2025-09-30'), 0)).toBe('2025-09-30 17:00');
    expect(deadline(at('2025-09-30'), 1)).toBe('2025-10-09 17:00');
    expect(deadline(at('2025-09-30'), 2)).toBe('2025-10-10 17:00');
    expect(deadline(at('2025-09-30'), 3)).toBe('2025-10-11 17:00'); // make-up Saturday counts
    expect(deadline(at('2025-09-30'), 4)).toBe('2025-10-13 17:00'); // Sunday 10-12 does not
  });

  it('National Day 2024 and 2026 with their make-up days', () => {
    expect(deadline(at('2024-09-27'), 1)).toBe('2024-09-29 17:00'); // Fri -> make-up Sunday
    expect(deadline(at('2024-09-30'), 1)).toBe('2024-10-08 17:00');
    expect(deadline(at('2024-09-30'), 5)).toBe('2024-10-12 17:00');
    expect(deadline(at('2026-09-24'), 1)).toBe('2026-09-28 17:00'); // across Mid-Autumn
    expect(deadline(at('2026-09-30'), 1)).toBe('2026-10-08 17:00');
    expect(deadline(at('2026-09-30'), 3)).toBe('2026-10-10 17:00');
    expect(deadline(at('2026-09-18'), 1)).toBe('2026-09-20 17:00'); // Fri -> make-up Sunday
  });

  it('Spring Festival 2025 and 2026', () => {
    expect(deadline(at('2025-01-24'), 1)).toBe('2025-01-26 17:00'); // make-up Sunday
    expect(deadline(at('2025-01-27'), 1)).toBe('2025-02-05 17:00');
    expect(deadline(at('2025-01-27'), 4)).toBe('2025-02-08 17:00'); // make-up Saturday
    expect(deadline(at('2025-01-27'), 5)).toBe('2025-02-10 17:00');
    expect(deadline(at('2026-02-13', '15:00'), 1)).toBe('2026-02-14 17:00');
    expect(deadline(at('2026-02-13', '15:00'), 2)).toBe('2026-02-24 17:00');
    expect(deadline(at('2026-02-14'), 1)).toBe('2026-02-24 17:00');
  });

  it('counts a start outside office hours or on a day off from the next working day', () => {
    expect(deadline(at('2025-09-30', '08:00'), 1)).toBe('2025-10-09 17:00'); // before opening: same day
    expect(deadline(at('2025-09-30', '16:59'), 1)).toBe('2025-10-09 17:00');
    expect(deadline(at('2025-09-30', '17:00'), 1)).toBe('2025-10-10 17:00'); // closing time is after hours
    expect(deadline(at('2025-09-30', '22:00'), 0)).toBe('2025-10-09 17:00');
    expect(deadline(at('2025-10-03'), 0)).toBe('2025-10-09 17:00'); // on a holiday
    expect(deadline(at('2025-10-03'), 1)).toBe('2025-10-10 17:00');
    expect(deadline(at('2025-09-27'), 1)).toBe('2025-09-29 17:00'); // Sat -> make-up Sun is the start day
    expect(deadline(at('2025-09-28', '18:00'), 0)).toBe('2025-09-29 17:00');
  });

  it('uses the Beijing date of the instant, not the UTC date', () => {
    // 2025-09-29T16:30Z is 00:30 on 09-30 in Beijing: before opening on a working day.
    expect(addWorkingDays(CN, Date.parse('2025-09-29T16:30:00Z'), 1)).toBe(
      Date.parse('2025-10-09T09:00:00Z'),
    );
  });

  it('statutory limits: 20 and 45 working days across National Day 2026', () => {
    expect(deadline(at('2026-09-15'), 20)).toBe('2026-10-19 17:00');
    expect(deadline(at('2026-09-15'), 45)).toBe('2026-11-23 17:00');
  });

  it('throws CalendarRangeError when the deadline runs into 2027', () => {
    expect(deadline(at('2026-12-31'), 0)).toBe('2026-12-31 17:00');
    expect(() => addWorkingDays(CN, at('2026-12-31'), 1)).toThrow(CalendarRangeError);
    expect(() => addWorkingDays(CN, at('2026-12-15'), 20)).toThrow(/2027/);
    expect(() => addWorkingDays(CN, at('2027-01-04'), 0)).toThrow(CalendarRangeError);
  });

  it('rejects a negative or fractional number of days', () => {
    expect(() => addWorkingDays(CN, at('2025-09-30'), -1)).toThrow(RangeError);
    expect(() => addWorkingDays(CN, at('2025-09-30'), 1.5)).toThrow(RangeError);
  });
});

describe('addWorkingHours', () => {
  const due = (start: number, hours: number) => bj(addWorkingHours(CN, start, hours));

  it('2 hours from 16:00 before a holiday land after it', () => {
    expect(due(at('2025-09-30', '16:00'), 2)).toBe('2025-10-09 10:00'); // National Day 2025
    expect(due(at('2024-06-07', '16:00'), 2)).toBe('2024-06-11 10:00'); // Fri before Dragon Boat 2024
    expect(due(at('2025-05-30', '16:00'), 2)).toBe('2025-06-03 10:00'); // Fri before Dragon Boat 2025
    expect(due(at('2025-01-27', '16:00'), 2)).toBe('2025-02-05 10:00'); // Spring Festival 2025
  });

  it('counts make-up workdays', () => {
    expect(due(at('2026-02-13', '16:00'), 2)).toBe('2026-02-14 10:00');
    expect(due(at('2025-01-24', '16:00'), 9)).toBe('2025-01-26 17:00');
    expect(due(at('2025-01-24', '16:00'), 10)).toBe('2025-01-27 10:00');
  });

  it('ends at closing time when the limit is used up exactly then', () => {
    expect(due(at('2025-09-30', '15:00'), 2)).toBe('2025-09-30 17:00');
    expect(due(at('2025-09-30', '09:00'), 8)).toBe('2025-09-30 17:00');
    expect(due(at('2025-09-30', '09:00'), 8.5)).toBe('2025-10-09 09:30');
  });

  it('starts at opening time when begun before hours or on a day off', () => {
    expect(due(at('2025-09-30', '07:00'), 1)).toBe('2025-09-30 10:00');
    expect(due(at('2025-10-03', '12:00'), 1)).toBe('2025-10-09 10:00');
    expect(due(at('2025-09-30', '18:00'), 0.5)).toBe('2025-10-09 09:30');
  });

  it('returns the start for 0 hours and rejects negative hours', () => {
    expect(addWorkingHours(CN, at('2025-10-03', '12:00'), 0)).toBe(at('2025-10-03', '12:00'));
    expect(() => addWorkingHours(CN, at('2025-09-30'), -1)).toThrow(RangeError);
    expect(() => addWorkingHours(CN, at('2025-09-30'), Number.NaN)).toThrow(RangeError);
  });

  it('throws CalendarRangeError past the last published year', () => {
    expect(() => addWorkingHours(CN, at('2026-12-31', '16:00'), 2)).toThrow(CalendarRangeError);
  });

  it('is the inverse of workingMsBetween', () => {
    for (const start of [at('2025-09-30', '16:00'), at('2026-02-13', '11:11'), at('2024-10-05', '03:00')]) {
      for (const hours of [0.25, 1, 7.5, 8, 30]) {
        expect(workingMsBetween(CN, start, addWorkingHours(CN, start, hours))).toBe(hours * HOUR);
      }
    }
  });
});

describe('workingMsBetween', () => {
  const hours = (from: number, to: number, pauses: { from: number; to?: number }[] = []) =>
    workingMsBetween(CN, from, to, pauses) / HOUR;

  it('counts office hours on working days only', () => {
    expect(hours(at('2025-09-30', '10:00'), at('2025-09-30', '12:00'))).toBe(2);
    expect(hours(at('2025-09-30', '06:00'), at('2025-09-30', '23:00'))).toBe(8);
    expect(hours(at('2025-09-30', '16:00'), at('2025-10-09', '10:00'))).toBe(2);
    expect(hours(at('2025-10-01', '00:00'), at('2025-10-09', '00:00'))).toBe(0);
    // 09-28 (make-up Sun), 09-29, 09-30, 10-09, 10-10, 10-11 (make-up Sat).
    expect(hours(at('2025-09-28', '00:00'), at('2025-10-12', '00:00'))).toBe(48);
    expect(hours(at('2026-02-14', '00:00'), at('2026-03-01', '00:00'))).toBe(6 * 8);
  });

  it('returns 0 for an empty or reversed range', () => {
    expect(hours(at('2025-09-30'), at('2025-09-30'))).toBe(0);
    expect(hours(at('2025-09-30', '12:00'), at('2025-09-30', '10:00'))).toBe(0);
  });

  it('excludes a pause (补正) and counts nested or overlapping pauses once', () => {
    const from = at('2025-09-29', '09:00');
    const to = at('2025-10-10', '17:00'); // 4 working days = 32 h
    expect(hours(from, to)).toBe(32);
    const pause = { from: at('2025-09-29', '13:00'), to: at('2025-09-30', '11:00') }; // 4 + 2 h
    expect(hours(from, to, [pause])).toBe(26);
    expect(hours(from, to, [pause, { from: at('2025-09-29', '14:00'), to: at('2025-09-29', '15:00') }])).toBe(
      26,
    );
    expect(hours(from, to, [pause, pause])).toBe(26);
    // Overlapping: 09-30 10:00 .. 10-09 12:00 adds 09-30 11:00-17:00 and 10-09 09:00-12:00.
    expect(hours(from, to, [{ from: at('2025-09-30', '10:00'), to: at('2025-10-09', '12:00') }, pause])).toBe(
      17,
    );
    // Order does not matter.
    expect(
      hours(from, to, [{ from: at('2025-09-30', '10:00'), to: at('2025-10-09', '12:00') }, pause].reverse()),
    ).toBe(17);
  });

  it('runs an open pause to the end of the range', () => {
    const from = at('2025-09-29', '09:00');
    expect(hours(from, at('2025-10-10', '17:00'), [{ from: at('2025-10-09', '09:00') }])).toBe(16);
    expect(hours(from, at('2025-10-09', '12:00'), [{ from: at('2025-09-30', '16:00') }])).toBe(15);
  });

  it('clips pauses to the range and ignores pauses on days off', () => {
    const from = at('2025-09-30', '09:00');
    const to = at('2025-10-09', '17:00');
    expect(hours(from, to, [{ from: at('2025-09-29', '09:00'), to: at('2025-09-30', '10:00') }])).toBe(15);
    expect(hours(from, to, [{ from: at('2025-10-09', '16:00'), to: at('2025-10-20', '00:00') }])).toBe(15);
    expect(hours(from, to, [{ from: at('2025-10-01', '09:00'), to: at('2025-10-08', '17:00') }])).toBe(16);
    expect(hours(from, to, [{ from: at('2025-09-01'), to: at('2025-09-02') }])).toBe(16);
    expect(hours(from, to, [{ from: at('2025-11-01') }])).toBe(16);
  });

  it('rejects a pause that ends before it starts', () => {
    expect(() =>
      hours(at('2025-09-30'), at('2025-10-09'), [{ from: at('2025-10-02'), to: at('2025-10-01') }]),
    ).toThrow(RangeError);
  });

  it('throws CalendarRangeError for a range into 2027', () => {
    expect(() => hours(at('2026-12-31'), at('2027-01-05'))).toThrow(CalendarRangeError);
  });
});

describe('validateCalendar', () => {
  const paths = (cal: WorkingCalendar) => validateCalendar(cal).map((p) => p.path);

  it('reports a date listed twice', () => {
    const problems = validateCalendar(withYear('2025', ['2025-10-01', '2025-10-02', '2025-10-01']));
    expect(problems).toEqual([
      { path: 'years.2025.offDays[2]', message: expect.stringMatching(/listed twice/) },
    ]);
  });

  it('reports a date that is both off and a make-up workday', () => {
    const problems = validateCalendar(withYear('2025', ['2025-10-11'], ['2025-10-11']));
    expect(problems).toEqual([
      {
        path: 'years.2025.makeupWorkdays[0]',
        message: expect.stringMatching(/both an off day and a make-up/),
      },
    ]);
  });

  it('reports malformed dates and dates outside their year', () => {
    expect(paths(withYear('2025', ['2025-2-3', '2025-02-30', 'x', '2026-01-01']))).toEqual([
      'years.2025.offDays[0]',
      'years.2025.offDays[1]',
      'years.2025.offDays[2]',
      'years.2025.offDays[3]',
    ]);
    expect(validateCalendar(withYear('2025', ['2026-01-01']))[0]?.message).toMatch(/outside its year 2025/);
  });

  it('reports a make-up workday that is not a Saturday or Sunday', () => {
    const problems = validateCalendar(withYear('2025', [], ['2025-09-29']));
    expect(problems).toEqual([
      { path: 'years.2025.makeupWorkdays[0]', message: expect.stringMatching(/Monday/) },
    ]);
  });

  it('reports bad office hours', () => {
    const bad = (start: string, end: string) => paths({ ...CN, officeHours: { start, end } });
    expect(bad('9:00', '17:00')).toEqual(['officeHours.start']);
    expect(bad('09:00', '25:00')).toEqual(['officeHours.end']);
    expect(bad('09:60', '17:00')).toEqual(['officeHours.start']);
    expect(bad('24:00', '24:00')).toEqual(['officeHours.start']);
    expect(bad('17:00', '09:00')).toEqual(['officeHours']);
    expect(bad('09:00', '09:00')).toEqual(['officeHours']);
    expect(bad('00:00', '24:00')).toEqual([]);
  });

  it('reports an empty or unknown region, a wrong offset and no years', () => {
    expect(paths({ ...CN, region: '' })).toEqual(['region']);
    expect(paths({ ...CN, region: 'Hangzhou' })).toEqual(['region']);
    expect(paths({ ...CN, region: 'CN-zj' })).toEqual(['region']);
    expect(paths({ ...CN, region: 'CN-ZJ-HZ' })).toEqual([]);
    expect(paths({ ...CN, timeZoneOffsetMinutes: 0 })).toEqual(['timeZoneOffsetMinutes']);
    expect(paths({ ...CN, timeZoneOffsetMinutes: 480.5 })).toEqual(['timeZoneOffsetMinutes']);
    expect(paths({ ...CN, years: {} })).toEqual(['years']);
    expect(paths({ ...CN, years: { '25': { offDays: [], makeupWorkdays: [] } } })).toEqual(['years.25']);
  });

  it('reports every problem at once', () => {
    const cal: WorkingCalendar = {
      region: '',
      timeZoneOffsetMinutes: 480,
      officeHours: { start: '18:00', end: '09:00' },
      years: {
        '2025': {
          offDays: ['2025-10-01', '2025-10-01', '2025-13-01'],
          makeupWorkdays: ['2025-10-01', '2025-10-10'],
        },
        '2026': { offDays: ['2025-12-31'], makeupWorkdays: [] },
      },
    };
    expect(paths(cal)).toEqual([
      'region',
      'officeHours',
      'years.2025.offDays[1]',
      'years.2025.offDays[2]',
      'years.2025.makeupWorkdays[0]', // both off and make-up
      'years.2025.makeupWorkdays[0]', // and a Wednesday
      'years.2025.makeupWorkdays[1]',
      'years.2026.offDays[0]',
    ]);
  });

  it('does not let functions guess with a broken office-hours window', () => {
    expect(() =>
      addWorkingDays({ ...CN, officeHours: { start: '17:00', end: '09:00' } }, at('2025-09-30'), 1),
    ).toThrow(RangeError);
  });
});

describe('mergeCalendars', () => {
  // Hypothetical city extras, for the mechanism only (not a real local notice).
  const local: LocalCalendar = {
    region: 'CN-ZJ-HZ',
    extends: 'CN',
    years: { '2025': { offDays: ['2025-09-10', '2025-10-11'] } },
    officeHours: { start: '08:30', end: '17:30' },
  };

  it('adds local off days, which win over national make-up workdays', () => {
    const merged = mergeCalendars(CN, local);
    expect(merged.region).toBe('CN-ZJ-HZ');
    expect(merged.timeZoneOffsetMinutes).toBe(480);
    expect(merged.officeHours).toEqual({ start: '08:30', end: '17:30' });
    expect(validateCalendar(merged)).toEqual([]);
    expect(isWorkingDay(merged, '2025-09-10')).toBe(false);
    expect(isWorkingDay(merged, '2025-10-11')).toBe(false);
    expect(isWorkingDay(merged, '2025-09-28')).toBe(true);
    expect(isWorkingDay(merged, '2025-10-03')).toBe(false);
    expect(isWorkingDay(merged, '2026-02-14')).toBe(true); // years without extras are kept
    expect(bj(addWorkingDays(merged, at('2025-09-30'), 3))).toBe('2025-10-13 17:30');
  });

  it('does not modify the base calendar', () => {
    const before = JSON.stringify(CN);
    mergeCalendars(CN, local);
    expect(JSON.stringify(CN)).toBe(before);
    expect(isWorkingDay(CN, '2025-10-11')).toBe(true);
  });

  it('adds local make-up weekends but cannot cancel a national off day', () => {
    const merged = mergeCalendars(CN, {
      region: 'CN-ZJ',
      extends: 'CN',
      years: { '2025': { makeupWorkdays: ['2025-11-15', '2025-10-04'] } },
    });
    expect(isWorkingDay(merged, '2025-11-15')).toBe(true);
    expect(merged.officeHours).toEqual(CN.officeHours);
    expect(validateCalendar(merged)).toEqual([
      { path: 'years.2025.makeupWorkdays[4]', message: expect.stringMatching(/both an off day/) },
    ]);
  });

  it('refuses a base of another region and a year the base does not publish', () => {
    expect(() => mergeCalendars(CN, { ...local, extends: 'CN-ZJ' })).toThrow(/extends CN-ZJ/);
    expect(() => mergeCalendars(CN, { ...local, years: { '2027': { offDays: ['2027-03-01'] } } })).toThrow(
      CalendarRangeError,
    );
  });
});
