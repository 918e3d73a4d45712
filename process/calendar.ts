// Working-day calendar for time limits (承诺时限 / 法定时限). Pure and deterministic: imported by workflow
// code, so no I/O, no clock, no process time zone. All local-time arithmetic is done on epoch ms shifted by
// the calendar's fixed UTC offset (China: +08:00, no DST). The holiday schedule is data published yearly by
// the State Council (processes/calendars/CN.json), never code.

const DAY_MS = 86_400_000;
const MINUTE_MS = 60_000;
const HOUR_MS = 3_600_000;

/** China Standard Time, UTC+8 all year. */
export const CHINA_OFFSET_MINUTES = 480;
export const DEFAULT_OFFICE_HOURS: OfficeHours = { start: '09:00', end: '17:00' };

/** One published year: dates are local 'YYYY-MM-DD' strings. */
export interface CalendarYear {
  /** Days off, including weekend days inside a holiday break; weekdays here are not working days. */
  offDays: string[];
  /** 调休: Saturdays or Sundays declared working days. */
  makeupWorkdays: string[];
}

/** One daily window of office hours, local 'HH:MM' ('24:00' allowed as an end). */
export interface OfficeHours {
  start: string;
  end: string;
}

export interface WorkingCalendar {
  /** 'CN' or a subdivision such as 'CN-ZJ' or 'CN-ZJ-HZ'. */
  region: string;
  timeZoneOffsetMinutes: number;
  /** Only the years listed here are known: any date in another year throws CalendarRangeError. */
  years: Record<string, CalendarYear>;
  officeHours: OfficeHours;
}

/**
 * A city's or province's additions to a base calendar. A region may give MORE days off than the State
 * Council (a local off day wins over a national make-up workday), never fewer: a local make-up workday does
 * not cancel a national off day, the merged calendar then fails validateCalendar ("both off and make-up").
 */
export interface LocalCalendar {
  region: string;
  /** Region of the base calendar this one extends, e.g. 'CN'. */
  extends: string;
  years?: Record<string, Partial<CalendarYear>>;
  /** Replaces the base office hours. */
  officeHours?: OfficeHours;
}

/** Thrown when a date falls in a year the calendar does not publish: a deadline must not guess. */
export class CalendarRangeError extends Error {
  override readonly name = 'CalendarRangeError';
  constructor(
    readonly region: string,
    readonly year: number,
    readonly publishedYears: string[],
  ) {
    super(
      `calendar ${region} has no published schedule for ${year} (published: ${publishedYears.join(', ') || 'none'})`,
    );
  }
}

export interface CalendarProblem {
  path: string;
  message: string;
}

/** The shape of processes/calendars/CN.json (only what is read here). */
export interface StateCouncilHolidayJson {
  years: Record<
    string,
    {
      holidays: { days: string[]; makeupWorkdays?: string[]; adjoiningWeekendDays?: string[] }[];
      makeupWorkdays: string[];
    }
  >;
}

/** Pause of a step's clock (补正, 特别程序); an open pause (no `to`) runs to the end of the measured range. */
export interface Pause {
  from: number;
  to?: number;
}

// ---------------------------------------------------------------------------------------------------------
// Conversion and merging

/**
 * Converts the State Council JSON: holidays[].days are off days; the year's and each holiday's
 * makeupWorkdays are working days; adjoiningWeekendDays are ordinary weekends and need no entry.
 * Off days are copied as listed (not de-duplicated) so validateCalendar can report a bad source.
 */
export function calendarFromStateCouncilJson(
  json: StateCouncilHolidayJson,
  region = 'CN',
  officeHours: OfficeHours = DEFAULT_OFFICE_HOURS,
): WorkingCalendar {
  const years: Record<string, CalendarYear> = {};
  for (const [year, entry] of Object.entries(json.years)) {
    const offDays = entry.holidays.flatMap((h) => h.days);
    const makeup = [...entry.makeupWorkdays];
    for (const d of entry.holidays.flatMap((h) => h.makeupWorkdays ?? [])) {
      if (!makeup.includes(d)) makeup.push(d);
    }
    years[year] = { offDays, makeupWorkdays: makeup.sort() };
  }
  return { region, timeZoneOffsetMinutes: CHINA_OFFSET_MINUTES, years, officeHours: { ...officeHours } };
}

/**
 * Base calendar plus a region's extras. Only the base's published years exist in the result: extras for
 * another year throw CalendarRangeError (a city cannot publish a national year). Neither input is modified.
 */
export function mergeCalendars(base: WorkingCalendar, local: LocalCalendar): WorkingCalendar {
  if (local.extends !== base.region) {
    throw new Error(`calendar ${local.region} extends ${local.extends}, not ${base.region}`);
  }
  const published = Object.keys(base.years);
  for (const year of Object.keys(local.years ?? {})) {
    if (!(year in base.years)) throw new CalendarRangeError(base.region, Number(year), published);
  }
  const years: Record<string, CalendarYear> = {};
  for (const [year, b] of Object.entries(base.years)) {
    const extra = local.years?.[year];
    const localOff = extra?.offDays ?? [];
    years[year] = {
      offDays: union(b.offDays, localOff),
      makeupWorkdays: union(
        b.makeupWorkdays.filter((d) => !localOff.includes(d)),
        extra?.makeupWorkdays ?? [],
      ),
    };
  }
  return {
    region: local.region,
    timeZoneOffsetMinutes: base.timeZoneOffsetMinutes,
    years,
    officeHours: { ...(local.officeHours ?? base.officeHours) },
  };
}

function union(a: string[], b: string[]): string[] {
  return [...new Set([...a, ...b])].sort();
}

// ---------------------------------------------------------------------------------------------------------
// Validation

const REGION = /^CN(-[A-Z0-9]{1,12})*$/;
const WEEKDAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];

/** Every problem at once (一次告知 applies to data too); an empty list means valid. */
export function validateCalendar(cal: WorkingCalendar): CalendarProblem[] {
  const problems: CalendarProblem[] = [];
  const add = (path: string, message: string) => problems.push({ path, message });

  if (typeof cal.region !== 'string' || cal.region === '') add('region', 'region is empty');
  else if (!REGION.test(cal.region)) {
    add('region', `unknown region "${cal.region}": expected CN or a subdivision such as CN-ZJ or CN-ZJ-HZ`);
  }

  const offset = cal.timeZoneOffsetMinutes;
  if (!Number.isInteger(offset) || offset < -720 || offset > 840) {
    add('timeZoneOffsetMinutes', `offset ${offset} is not a whole number of minutes in [-720, 840]`);
  } else if (cal.region?.startsWith('CN') && offset !== CHINA_OFFSET_MINUTES) {
    add('timeZoneOffsetMinutes', `China has one time zone without DST: expected 480, got ${offset}`);
  }

  const start = parseTime(cal.officeHours?.start, false);
  const end = parseTime(cal.officeHours?.end, true);
  if (start === undefined) add('officeHours.start', `"${cal.officeHours?.start}" is not a time HH:MM`);
  if (end === undefined) add('officeHours.end', `"${cal.officeHours?.end}" is not a time HH:MM`);
  if (start !== undefined && end !== undefined && start >= end) {
    add('officeHours', `office hours ${cal.officeHours.start}-${cal.officeHours.end} are empty or reversed`);
  }

  const years = Object.entries(cal.years ?? {});
  if (years.length === 0) add('years', 'no published year');
  for (const [year, entry] of years) {
    const base = `years.${year}`;
    if (!/^\d{4}$/.test(year)) add(base, `year key "${year}" is not a four-digit year`);
    const seen = new Map<string, { list: string; path: string }>(); // where each date was first listed
    for (const list of ['offDays', 'makeupWorkdays'] as const) {
      const dates: unknown = entry?.[list];
      if (!Array.isArray(dates)) {
        add(`${base}.${list}`, 'must be an array of YYYY-MM-DD dates');
        continue;
      }
      for (const [i, date] of dates.entries()) {
        const path = `${base}.${list}[${i}]`;
        const day = typeof date === 'string' ? parseDate(date) : undefined;
        if (day === undefined) {
          add(path, `malformed date ${JSON.stringify(date)}: expected YYYY-MM-DD`);
          continue;
        }
        if (!date.startsWith(`${year}-`)) add(path, `${date} is outside its year ${year}`);
        const first = seen.get(date);
        if (first?.list === list) add(path, `${date} is listed twice (also ${first.path})`);
        else if (first) add(path, `${date} is both an off day and a make-up workday (also ${first.path})`);
        else seen.set(date, { list, path });
        const weekday = dayOfWeek(day);
        if (list === 'makeupWorkdays' && weekday !== 0 && weekday !== 6) {
          add(path, `make-up workday ${date} is a ${WEEKDAYS[weekday]}, not a Saturday or Sunday`);
        }
      }
    }
  }
  return problems;
}

// ---------------------------------------------------------------------------------------------------------
// Dates and instants

/** Days since 1970-01-01 for a valid 'YYYY-MM-DD', else undefined (rejects 2025-02-30). */
function parseDate(date: string): number | undefined {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
  if (!m) return undefined;
  const day = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])) / DAY_MS;
  return Number.isInteger(day) && formatDay(day) === date ? day : undefined;
}

function formatDay(day: number): string {
  return new Date(day * DAY_MS).toISOString().slice(0, 10);
}

/** 0 = Sunday; 1970-01-01 was a Thursday. */
function dayOfWeek(day: number): number {
  return (((day + 4) % 7) + 7) % 7;
}

/** Minutes after midnight for 'HH:MM' (00:00-23:59, or exactly 24:00 when allowed), else undefined. */
function parseTime(time: unknown, allow24: boolean): number | undefined {
  const m = typeof time === 'string' ? /^(\d{2}):(\d{2})$/.exec(time) : null;
  if (!m) return undefined;
  const h = Number(m[1]);
  const min = Number(m[2]);
  if (min > 59 || h > 24 || (h === 24 && (!allow24 || min !== 0))) return undefined;
  return h * 60 + min;
}

function offsetMs(cal: WorkingCalendar): number {
  return cal.timeZoneOffsetMinutes * MINUTE_MS;
}

/** Local calendar day (days since epoch) of an instant. */
function localDay(cal: WorkingCalendar, epochMs: number): number {
  return Math.floor((epochMs + offsetMs(cal)) / DAY_MS);
}

/** Local date 'YYYY-MM-DD' of an instant in the calendar's time zone. */
export function localDate(cal: WorkingCalendar, epochMs: number): string {
  return formatDay(localDay(cal, epochMs));
}

/** The instant of a local date and time ('HH:MM', default midnight) in the calendar's time zone. */
export function localTimeToEpochMs(cal: WorkingCalendar, date: string, time = '00:00'): number {
  const day = parseDate(date);
  const minutes = parseTime(time, true);
  if (day === undefined || minutes === undefined) throw new RangeError(`bad local time ${date} ${time}`);
  return day * DAY_MS + minutes * MINUTE_MS - offsetMs(cal);
}

/** Office-hours window [start, end) of a local day, in epoch ms. */
// Clock arithmetic asks the same questions of the same calendar over and over (every deadline walks its
// days): both answers are memoised per calendar object. A calendar is data and never mutated in place,
// so the memo is exact; WeakMaps let a finished case's calendar go.
const officeMinutes = new WeakMap<WorkingCalendar, [number, number]>();
// Per calendar and day: working or not, or the error for a day of a year the calendar does not publish.
// In December every deadline of a few weeks runs into the next year until it is published, and without
// the error kept each clock computation walked to it and built it again.
const workingDays = new WeakMap<WorkingCalendar, Map<number, boolean | CalendarRangeError>>();

function officeWindow(cal: WorkingCalendar, day: number): [number, number] {
  let window = officeMinutes.get(cal);
  if (!window) {
    const start = parseTime(cal.officeHours.start, false);
    const end = parseTime(cal.officeHours.end, true);
    if (start === undefined || end === undefined || start >= end) {
      throw new RangeError(`bad office hours ${cal.officeHours.start}-${cal.officeHours.end}`);
    }
    window = [start, end];
    officeMinutes.set(cal, window);
  }
  const midnight = day * DAY_MS - offsetMs(cal);
  return [midnight + window[0] * MINUTE_MS, midnight + window[1] * MINUTE_MS];
}

function isWorkingDayNumber(cal: WorkingCalendar, day: number): boolean {
  let known = workingDays.get(cal);
  if (!known) {
    known = new Map();
    workingDays.set(cal, known);
  }
  const cached = known.get(day);
  if (typeof cached === 'boolean') return cached;
  if (cached) throw cached;
  try {
    const working = computeWorkingDay(cal, day);
    known.set(day, working);
    return working;
  } catch (error) {
    if (error instanceof CalendarRangeError) known.set(day, error);
    throw error;
  }
}

function computeWorkingDay(cal: WorkingCalendar, day: number): boolean {
  const date = formatDay(day);
  const year = cal.years[date.slice(0, 4)];
  if (!year) throw new CalendarRangeError(cal.region, Number(date.slice(0, 4)), Object.keys(cal.years));
  if (year.offDays.includes(date)) return false;
  if (year.makeupWorkdays.includes(date)) return true;
  const weekday = dayOfWeek(day);
  return weekday !== 0 && weekday !== 6;
}

/**
 * Off days are off, make-up workdays work, otherwise Monday-Friday work. Throws CalendarRangeError for a
 * year the calendar does not publish, RangeError for a malformed date.
 */
export function isWorkingDay(cal: WorkingCalendar, date: string): boolean {
  const day = parseDate(date);
  if (day === undefined) throw new RangeError(`malformed date ${JSON.stringify(date)}: expected YYYY-MM-DD`);
  return isWorkingDayNumber(cal, day);
}

// ---------------------------------------------------------------------------------------------------------
// Time limits

/**
 * Deadline of a limit of n working days (n a whole number >= 0) counted from an instant.
 *
 * Convention (as for 期间: the day the period starts is not counted): the start day is the local day of
 * `startEpochMs` if it is a working day and the instant is before the end of office hours; otherwise
 * (after hours, weekend, holiday) the application counts as received on the next working day, which becomes
 * the start day. The limit ends at the end of office hours of the n-th working day after the start day, so
 * n = 0 means "by close of office on the start day" (当日办结). Make-up workdays count as working days.
 */
export function addWorkingDays(cal: WorkingCalendar, startEpochMs: number, n: number): number {
  if (!Number.isInteger(n) || n < 0)
    throw new RangeError(`working days must be a whole number >= 0, got ${n}`);
  let day = localDay(cal, startEpochMs);
  if (!isWorkingDayNumber(cal, day) || startEpochMs >= officeWindow(cal, day)[1]) {
    day = nextWorkingDay(cal, day);
  }
  for (let i = 0; i < n; i++) day = nextWorkingDay(cal, day);
  return officeWindow(cal, day)[1];
}

/** Terminates: every step either finds a working day or reaches an unpublished year and throws. */
function nextWorkingDay(cal: WorkingCalendar, day: number): number {
  let d = day + 1;
  while (!isWorkingDayNumber(cal, d)) d++;
  return d;
}

/**
 * Deadline of a limit in working hours (fractions allowed): the earliest instant t >= start such that
 * workingMsBetween(start, t) equals the limit. Only office hours of working days count, so 2 hours from
 * 16:00 the day before a holiday end one office hour into the first working day after it. A limit that is
 * used up exactly at closing time ends at closing time, not the next morning; 0 hours returns the start.
 */
export function addWorkingHours(cal: WorkingCalendar, startEpochMs: number, hours: number): number {
  if (!Number.isFinite(hours) || hours < 0) throw new RangeError(`working hours must be >= 0, got ${hours}`);
  let remaining = Math.round(hours * HOUR_MS);
  let cursor = startEpochMs;
  let day = localDay(cal, cursor);
  while (remaining > 0) {
    if (isWorkingDayNumber(cal, day)) {
      const [open, close] = officeWindow(cal, day);
      cursor = Math.max(cursor, open);
      const take = Math.max(0, Math.min(remaining, close - cursor));
      cursor += take;
      remaining -= take;
      if (remaining === 0) break;
    }
    day++;
  }
  return cursor;
}

/**
 * Working time in ms (office hours on working days) between two instants, minus paused intervals. Pauses
 * are clipped to [fromMs, toMs]; an open pause runs to toMs; overlapping or nested pauses count once.
 * Returns 0 when toMs <= fromMs. Throws RangeError for a pause that ends before it starts.
 */
export function workingMsBetween(
  cal: WorkingCalendar,
  fromMs: number,
  toMs: number,
  pauses: Pause[] = [],
): number {
  if (toMs <= fromMs) return 0;
  const clipped: [number, number][] = [];
  for (const p of pauses) {
    if (p.to !== undefined && p.to < p.from) {
      throw new RangeError(`pause ends (${p.to}) before it starts (${p.from})`);
    }
    const end = p.to ?? toMs; // an open pause that starts after toMs clips to nothing below
    const a = Math.max(p.from, fromMs);
    const b = Math.min(end, toMs);
    if (a < b) clipped.push([a, b]);
  }
  clipped.sort((x, y) => x[0] - y[0]);

  // Walk the un-paused segments between the merged pauses.
  let total = 0;
  let cursor = fromMs;
  for (const [a, b] of clipped) {
    if (a > cursor) total += workingMsIn(cal, cursor, a);
    cursor = Math.max(cursor, b);
  }
  if (cursor < toMs) total += workingMsIn(cal, cursor, toMs);
  return total;
}

/** Working ms in [from, to) without pauses; checks every local day touched (so unpublished years throw). */
function workingMsIn(cal: WorkingCalendar, from: number, to: number): number {
  let total = 0;
  const last = localDay(cal, to - 1);
  for (let day = localDay(cal, from); day <= last; day++) {
    if (!isWorkingDayNumber(cal, day)) continue;
    const [open, close] = officeWindow(cal, day);
    total += Math.max(0, Math.min(close, to) - Math.max(open, from));
  }
  return total;
}
