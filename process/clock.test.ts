import { describe, expect, it } from 'vitest';
import cn from '../processes/calendars/CN.json' with { type: 'json' };
import {
  addWorkingDays,
  addWorkingHours,
  CalendarRangeError,
  calendarFromStateCouncilJson,
  workingMsBetween,
} from './calendar.ts';
import {
  type Alarm,
  budgetMs,
  type ClockPause,
  type ClockSpan,
  type ClockWarning,
  clockState,
  deadlineOf,
  type FiredAlarms,
  nextAlarm,
  projectedDeadline,
  type StartedSpan,
  spanAt,
  validateLimit,
  validateWarning,
  warningThresholdMs,
  workingDayMs,
} from './clock.ts';
import type { TimeLimit } from './definition.ts';

const CN = calendarFromStateCouncilJson(cn);
const HOUR = 3_600_000;
const MINUTE = 60_000;

/** An instant given in Beijing time, parsed independently of the modules under test. */
const at = (date: string, time = '10:00') => Date.parse(`${date}T${time}:00+08:00`);
/** The Beijing local date and time of an instant, for readable assertions. */
const bj = (ms: number | undefined) =>
  ms === undefined ? undefined : new Date(ms + 8 * HOUR).toISOString().slice(0, 16).replace('T', ' ');

const span = (startedAt: number, pauses: ClockPause[] = [], stoppedAt?: number): StartedSpan =>
  stoppedAt === undefined ? { startedAt, pauses } : { startedAt, pauses, stoppedAt };
const supplement = (from: number, to?: number): ClockPause =>
  to === undefined ? { from, reason: 'supplement' } : { from, to, reason: 'supplement' };
const special = (from: number, to?: number): ClockPause =>
  to === undefined ? { from, reason: 'special-stage' } : { from, to, reason: 'special-stage' };

/** Deterministic pseudo-random numbers for property checks. */
function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1_664_525) + 1_013_904_223) >>> 0;
    return s / 2 ** 32;
  };
}

// A five-working-day step accepted on Monday 2026-09-07 10:00 (no holiday nearby): deadline Monday
// 2026-09-14 17:00; budget 7 h (rest of Monday) + 5 x 8 h = 47 h.
const SEP7 = at('2026-09-07');
const FIVE: TimeLimit = { days: 5 };

describe('validateLimit', () => {
  it.each([[{ days: 1 }], [{ days: 20 }], [{ hours: 1 }], [{ hours: 0.5 }]] as [TimeLimit][])(
    'accepts %j',
    (limit) => {
      expect(validateLimit(limit)).toEqual([]);
    },
  );

  it.each([
    [{ days: -1 }, 'days must not be negative, got -1'],
    [{ hours: -2 }, 'hours must not be negative, got -2'],
    [{ days: 1, hours: 2 }, 'give either days or hours, not both'],
    [{ days: 1.5 }, 'days must be a whole number, got 1.5'],
    [{ days: 0 }, 'days must be at least 1 (a same-day promise is given in hours)'],
    [{ hours: 0 }, 'hours must be more than 0'],
    [{}, 'a time limit needs days or hours'],
    [{ days: Number.NaN }, 'days must be a number, got NaN'],
    [{ hours: Number.POSITIVE_INFINITY }, 'hours must be a number, got Infinity'],
    [{ days: '3' as unknown as number }, 'days must be a number, got 3'],
  ] as [TimeLimit, string][])('rejects %j', (limit, message) => {
    expect(validateLimit(limit)).toContain(message);
  });

  it('lists every problem at once', () => {
    expect(validateLimit({ days: -1.5, hours: 0 })).toEqual([
      'give either days or hours, not both',
      'days must not be negative, got -1.5',
      'hours must be more than 0',
    ]);
  });

  it('rejects a non-object', () => {
    expect(validateLimit(null as unknown as TimeLimit)).toEqual([
      'a time limit must be an object {days} or {hours}',
    ]);
  });

  it('deadlineOf, budgetMs, clockState and nextAlarm throw RangeError for an invalid limit', () => {
    const s = span(SEP7);
    expect(() => deadlineOf(CN, s, { days: -1 })).toThrow(RangeError);
    expect(() => deadlineOf(CN, s, { days: 0 })).toThrow(/days must be at least 1/);
    expect(() => budgetMs(CN, SEP7, { days: 2, hours: 1 })).toThrow(/not both/);
    expect(() => clockState(CN, s, { days: 1.5 }, SEP7)).toThrow(/whole number/);
    expect(() => nextAlarm(CN, s, {}, {}, SEP7, { yellow: false, red: false })).toThrow(
      /needs days or hours/,
    );
  });
});

describe('validateWarning', () => {
  it('accepts fractions in [0, 1) and working days >= 0', () => {
    expect(validateWarning({})).toEqual([]);
    expect(validateWarning({ fraction: 0.2, workingDays: 1 })).toEqual([]);
    expect(validateWarning({ fraction: 0, workingDays: 0.5 })).toEqual([]);
  });

  it('rejects out-of-range values, all at once', () => {
    expect(validateWarning({ fraction: 1, workingDays: -1 })).toEqual([
      'fraction must be a number in [0, 1), got 1',
      'workingDays must be a number >= 0, got -1',
    ]);
    expect(validateWarning({ fraction: -0.1 })).toHaveLength(1);
    expect(validateWarning({ workingDays: Number.NaN })).toHaveLength(1);
    expect(() => clockState(CN, span(SEP7), FIVE, SEP7, { fraction: 2 })).toThrow(RangeError);
  });
});

describe('budgetMs and the warning threshold', () => {
  it('a days limit is the working time to addWorkingDays: 7 h today + 8 h per working day', () => {
    expect(budgetMs(CN, SEP7, FIVE)).toBe(47 * HOUR);
    expect(budgetMs(CN, at('2026-09-07', '09:00'), { days: 1 })).toBe(16 * HOUR);
  });

  it('after hours the next working day is the start day and is counted in full', () => {
    expect(budgetMs(CN, at('2026-09-30', '18:00'), { days: 1 })).toBe(16 * HOUR);
    expect(budgetMs(CN, at('2026-10-03'), { days: 1 })).toBe(16 * HOUR); // holiday
  });

  it('an hours limit is the hours', () => {
    expect(budgetMs(CN, SEP7, { hours: 1.5 })).toBe(1.5 * HOUR);
  });

  it('one working day is the office hours', () => {
    expect(workingDayMs(CN)).toBe(8 * HOUR);
    expect(workingDayMs({ ...CN, officeHours: { start: '08:30', end: '17:30' } })).toBe(9 * HOUR);
  });

  it('takes the larger rule; no yellow phase when the threshold would swallow the whole budget', () => {
    const budget = 47 * HOUR;
    expect(warningThresholdMs(CN, budget, { fraction: 0.2 })).toBe(9.4 * HOUR);
    expect(warningThresholdMs(CN, budget, { workingDays: 1 })).toBe(8 * HOUR);
    expect(warningThresholdMs(CN, budget, { fraction: 0.2, workingDays: 1 })).toBe(9.4 * HOUR);
    expect(warningThresholdMs(CN, budget, { fraction: 0.1, workingDays: 1 })).toBe(8 * HOUR);
    expect(warningThresholdMs(CN, budget, {})).toBe(0);
    expect(warningThresholdMs(CN, 4 * HOUR, { workingDays: 1 })).toBe(0);
    expect(warningThresholdMs(CN, 8 * HOUR, { workingDays: 1 })).toBe(0);
  });
});

describe('deadlineOf across real calendar edges', () => {
  it('a step accepted the day before National Day 2026 ends after the holiday, counting make-up Saturday 10-10', () => {
    const start = at('2026-09-30'); // Wednesday; 10-01..10-07 off, Saturday 10-10 a make-up workday
    expect(bj(deadlineOf(CN, span(start), { days: 1 }))).toBe('2026-10-08 17:00');
    expect(bj(deadlineOf(CN, span(start), { days: 2 }))).toBe('2026-10-09 17:00');
    expect(bj(deadlineOf(CN, span(start), { days: 3 }))).toBe('2026-10-10 17:00'); // the make-up Saturday
    expect(bj(deadlineOf(CN, span(start), { days: 4 }))).toBe('2026-10-12 17:00'); // Sunday 10-11 skipped
    expect(budgetMs(CN, start, { days: 3 })).toBe(31 * HOUR);
  });

  it('a make-up Sunday before National Day counts (2026-09-20)', () => {
    expect(bj(deadlineOf(CN, span(at('2026-09-18')), { days: 1 }))).toBe('2026-09-20 17:00');
    expect(bj(deadlineOf(CN, span(at('2026-09-18')), { days: 2 }))).toBe('2026-09-21 17:00');
  });

  it('across Spring Festival 2026: make-up Saturday 02-14, nine days off, make-up Saturday 02-28', () => {
    const start = at('2026-02-13'); // Friday
    expect(bj(deadlineOf(CN, span(start), { days: 1 }))).toBe('2026-02-14 17:00');
    expect(bj(deadlineOf(CN, span(start), { days: 2 }))).toBe('2026-02-24 17:00');
    expect(bj(deadlineOf(CN, span(start), { days: 5 }))).toBe('2026-02-27 17:00');
    expect(bj(deadlineOf(CN, span(start), { days: 6 }))).toBe('2026-02-28 17:00');
  });

  it('accepted after hours or on a holiday: counted from the next working day', () => {
    expect(bj(deadlineOf(CN, span(at('2026-09-30', '18:00')), { days: 1 }))).toBe('2026-10-09 17:00');
    expect(bj(deadlineOf(CN, span(at('2026-10-04')), { days: 1 }))).toBe('2026-10-09 17:00');
  });

  it('without pauses equals addWorkingDays / addWorkingHours for every start hour around National Day', () => {
    for (let t = at('2026-09-25', '00:00'); t < at('2026-10-13', '00:00'); t += HOUR + 7 * MINUTE) {
      for (const days of [1, 2, 3, 5, 8]) {
        expect(deadlineOf(CN, span(t), { days })).toBe(addWorkingDays(CN, t, days));
      }
      for (const hours of [0.25, 1, 4, 7.5, 9, 20]) {
        expect(deadlineOf(CN, span(t), { hours })).toBe(addWorkingHours(CN, t, hours));
      }
    }
  });

  it('a supplement pause in the middle pushes the deadline by exactly the paused working time', () => {
    // Paused Wednesday 09-09 14:00 to Thursday 09-10 11:00: 3 h + 2 h = 5 working hours.
    const pause = supplement(at('2026-09-09', '14:00'), at('2026-09-10', '11:00'));
    expect(workingMsBetween(CN, pause.from, pause.to!)).toBe(5 * HOUR);
    expect(bj(deadlineOf(CN, span(SEP7), FIVE))).toBe('2026-09-14 17:00');
    expect(bj(deadlineOf(CN, span(SEP7, [pause]), FIVE))).toBe('2026-09-15 14:00');
  });

  it('a pause over a weekend counts only its working hours, not wall time', () => {
    // Friday 15:00 to Monday 10:00 = 2 h + 1 h.
    const pause = supplement(at('2026-09-11', '15:00'), at('2026-09-14', '10:00'));
    expect(bj(deadlineOf(CN, span(SEP7, [pause]), FIVE))).toBe('2026-09-15 12:00');
  });

  it('a pause entirely outside office hours changes nothing', () => {
    const pause = supplement(at('2026-09-08', '18:00'), at('2026-09-09', '08:30'));
    expect(deadlineOf(CN, span(SEP7, [pause]), FIVE)).toBe(at('2026-09-14', '17:00'));
  });

  it('a special stage across National Day pushes the deadline by the working days it covered', () => {
    const start = at('2026-09-28', '09:00'); // Monday; 5 days: 09-29, 09-30, 10-08, 10-09, 10-10
    expect(bj(deadlineOf(CN, span(start), FIVE))).toBe('2026-10-10 17:00');
    // Site inspection 09-29 09:00 .. 10-09 09:00: 09-29, 09-30, 10-08 = 24 working hours (holiday not counted).
    const stage = special(at('2026-09-29', '09:00'), at('2026-10-09', '09:00'));
    expect(workingMsBetween(CN, stage.from, stage.to!)).toBe(24 * HOUR);
    expect(bj(deadlineOf(CN, span(start, [stage]), FIVE))).toBe('2026-10-14 17:00');
  });

  it('overlapping pauses count once; a nested pause adds nothing', () => {
    const a = supplement(at('2026-09-09', '14:00'), at('2026-09-10', '11:00'));
    const b = special(at('2026-09-10', '10:00'), at('2026-09-10', '15:00'));
    // Union 09-09 14:00 .. 09-10 15:00 = 3 h + 6 h = 9 h: 09-14 17:00 + 9 h = 09-16 10:00.
    expect(bj(deadlineOf(CN, span(SEP7, [a, b]), FIVE))).toBe('2026-09-16 10:00');
    expect(bj(deadlineOf(CN, span(SEP7, [b, a]), FIVE))).toBe('2026-09-16 10:00'); // order does not matter
    const nested = special(at('2026-09-09', '15:00'), at('2026-09-09', '16:00'));
    expect(deadlineOf(CN, span(SEP7, [a, nested]), FIVE)).toBe(deadlineOf(CN, span(SEP7, [a]), FIVE));
  });

  it('two separate pauses add up', () => {
    const a = supplement(at('2026-09-08', '09:00'), at('2026-09-08', '11:00')); // 2 h
    const b = special(at('2026-09-10', '13:00'), at('2026-09-10', '17:00')); // 4 h
    expect(bj(deadlineOf(CN, span(SEP7, [a, b]), FIVE))).toBe('2026-09-15 15:00');
  });

  it('the part of a pause before acceptance is ignored', () => {
    const early = supplement(at('2026-09-04', '10:00'), at('2026-09-07', '11:00')); // only 10:00-11:00 counts
    expect(bj(deadlineOf(CN, span(SEP7, [early]), FIVE))).toBe('2026-09-15 10:00');
  });

  it('a pause that ends before it starts is a RangeError', () => {
    expect(() => deadlineOf(CN, span(SEP7, [supplement(at('2026-09-09'), at('2026-09-08'))]), FIVE)).toThrow(
      RangeError,
    );
  });

  it('an open pause: unknown deadline, projectedDeadline as if it ended now, recomputed on resume', () => {
    const from = at('2026-09-09', '14:00');
    const open = span(SEP7, [supplement(from)]);
    expect(deadlineOf(CN, open, FIVE)).toBeUndefined();
    const now = at('2026-09-10', '11:00');
    expect(bj(projectedDeadline(CN, open, FIVE, now))).toBe('2026-09-15 14:00');
    // Resumed at that instant: the same deadline, now known.
    expect(deadlineOf(CN, span(SEP7, [supplement(from, now)]), FIVE)).toBe(
      projectedDeadline(CN, open, FIVE, now),
    );
    // Without an open pause projectedDeadline is deadlineOf.
    expect(projectedDeadline(CN, span(SEP7), FIVE, now)).toBe(at('2026-09-14', '17:00'));
  });

  it('an open pause begun after the budget ran out leaves the (past) deadline known', () => {
    const s = span(SEP7, [supplement(at('2026-09-15', '10:00'))]);
    expect(bj(deadlineOf(CN, s, FIVE))).toBe('2026-09-14 17:00');
  });

  it('a stopped clock treats an open pause as ended at the decision', () => {
    const from = at('2026-09-09', '14:00');
    const decided = at('2026-09-10', '11:00');
    expect(deadlineOf(CN, span(SEP7, [supplement(from)], decided), FIVE)).toBe(at('2026-09-15', '14:00'));
  });

  it('property: with random pauses the used time reaches the budget exactly at the deadline, not a ms before', () => {
    const rnd = lcg(20261001);
    for (let i = 0; i < 300; i++) {
      const start =
        at('2026-09-01', '00:00') + Math.floor(rnd() * 40 * 24) * HOUR + Math.floor(rnd() * 60) * MINUTE;
      const pauses: ClockPause[] = [];
      for (let k = Math.floor(rnd() * 4); k > 0; k--) {
        const from = start + Math.floor((rnd() - 0.1) * 10 * 24) * HOUR + Math.floor(rnd() * 60) * MINUTE;
        const to = from + Math.floor(rnd() * 5 * 24 * 60) * MINUTE;
        pauses.push(rnd() < 0.5 ? supplement(from, to) : special(from, to));
      }
      const limit: TimeLimit =
        rnd() < 0.5 ? { days: 1 + Math.floor(rnd() * 10) } : { hours: 0.5 + Math.floor(rnd() * 30) / 2 };
      const budget = budgetMs(CN, start, limit);
      const deadline = deadlineOf(CN, span(start, pauses), limit)!;
      expect(workingMsBetween(CN, start, deadline, pauses)).toBe(budget);
      expect(workingMsBetween(CN, start, deadline - 1, pauses)).toBe(budget - 1);
      // Never earlier than without pauses.
      expect(deadline).toBeGreaterThanOrEqual(deadlineOf(CN, span(start), limit)!);
    }
  });
});

describe('hours-based (same-day) promises', () => {
  it('4 working hours from Friday 15:00 end Monday 11:00', () => {
    const start = at('2026-09-11', '15:00');
    expect(bj(deadlineOf(CN, span(start), { hours: 4 }))).toBe('2026-09-14 11:00');
  });

  it('2 working hours from the Friday before make-up Saturday 10-10 end on that Saturday', () => {
    expect(bj(deadlineOf(CN, span(at('2026-10-09', '16:00')), { hours: 2 }))).toBe('2026-10-10 10:00');
  });

  it('a limit used up at closing time ends at closing time', () => {
    expect(bj(deadlineOf(CN, span(at('2026-09-11', '15:00')), { hours: 2 }))).toBe('2026-09-11 17:00');
  });

  it('yellow and red across the weekend; a 1-day warning swallows a 4 h budget: no yellow phase', () => {
    const s = span(at('2026-09-11', '15:00'));
    const state = clockState(CN, s, { hours: 4 }, at('2026-09-11', '16:00'), { fraction: 0.25 });
    expect(state).toMatchObject({ state: 'green', usedMs: HOUR, remainingMs: 3 * HOUR, thresholdMs: HOUR });
    expect(bj(state.yellowAt)).toBe('2026-09-14 10:00');
    expect(bj(state.redAt)).toBe('2026-09-14 11:00');
    // Saturday: nothing used since Friday's close.
    expect(clockState(CN, s, { hours: 4 }, at('2026-09-12', '12:00'), { fraction: 0.25 })).toMatchObject({
      state: 'green',
      usedMs: 2 * HOUR,
    });
    const noYellow = clockState(CN, s, { hours: 4 }, at('2026-09-14', '10:30'), { workingDays: 1 });
    expect(noYellow).toMatchObject({ state: 'green', thresholdMs: 0 });
    expect(noYellow.yellowAt).toBeUndefined();
    expect(
      nextAlarm(CN, s, { hours: 4 }, { workingDays: 1 }, s.startedAt, { yellow: false, red: false }),
    ).toEqual({
      kind: 'red',
      at: at('2026-09-14', '11:00'),
    });
  });
});

describe('clockState', () => {
  const fired0: FiredAlarms = { yellow: false, red: false };

  it('green, yellow from 20% of the limit, red at the deadline (fraction)', () => {
    const s = span(SEP7);
    const w: ClockWarning = { fraction: 0.2 };
    // Threshold 9.4 h = 9 h 24 min: yellow when 37 h 36 min are used, Friday 09-11 15:36.
    const green = clockState(CN, s, FIVE, at('2026-09-09', '12:00'), w);
    expect(green).toEqual({
      deadline: at('2026-09-14', '17:00'),
      usedMs: 18 * HOUR,
      budgetMs: 47 * HOUR,
      remainingMs: 29 * HOUR,
      thresholdMs: 9.4 * HOUR,
      state: 'green',
      level: 'green',
      yellowAt: at('2026-09-11', '15:36'),
      redAt: at('2026-09-14', '17:00'),
    });
    expect(clockState(CN, s, FIVE, at('2026-09-11', '15:35'), w).state).toBe('green');
    expect(clockState(CN, s, FIVE, at('2026-09-11', '15:36'), w)).toMatchObject({
      state: 'yellow',
      remainingMs: 9.4 * HOUR,
    });
    expect(clockState(CN, s, FIVE, at('2026-09-13'), w).state).toBe('yellow'); // Sunday
    expect(clockState(CN, s, FIVE, at('2026-09-14', '16:59'), w)).toMatchObject({
      state: 'yellow',
      remainingMs: MINUTE,
    });
    expect(clockState(CN, s, FIVE, at('2026-09-14', '17:00'), w)).toMatchObject({
      state: 'red',
      remainingMs: 0,
    });
    expect(clockState(CN, s, FIVE, at('2026-09-15', '10:30'), w)).toMatchObject({
      state: 'red',
      level: 'red',
      remainingMs: -1.5 * HOUR,
      usedMs: 48.5 * HOUR,
    });
  });

  it('yellow one working day before the deadline (workingDays), i.e. at the previous close of office', () => {
    const s = span(SEP7);
    const w: ClockWarning = { workingDays: 1 };
    const st = clockState(CN, s, FIVE, SEP7, w);
    expect(bj(st.yellowAt)).toBe('2026-09-11 17:00');
    expect(clockState(CN, s, FIVE, at('2026-09-11', '16:59'), w).state).toBe('green');
    expect(clockState(CN, s, FIVE, at('2026-09-11', '17:00'), w).state).toBe('yellow');
    expect(clockState(CN, s, FIVE, at('2026-09-14', '09:00'), w).state).toBe('yellow');
    // Both rules: the larger threshold (20% = 9.4 h > 8 h) wins.
    expect(bj(clockState(CN, s, FIVE, SEP7, { fraction: 0.2, workingDays: 1 }).yellowAt)).toBe(
      '2026-09-11 15:36',
    );
    expect(bj(clockState(CN, s, FIVE, SEP7, { fraction: 0.1, workingDays: 1 }).yellowAt)).toBe(
      '2026-09-11 17:00',
    );
  });

  it('the warning day across National Day is the last working day before the holiday', () => {
    // Accepted 09-29 10:00, 2 days: 09-30, 10-08 -> deadline 10-08 17:00; one working day before: 09-30 17:00.
    const s = span(at('2026-09-29'));
    const st = clockState(CN, s, { days: 2 }, at('2026-10-05'), { workingDays: 1 });
    expect(bj(st.deadline)).toBe('2026-10-08 17:00');
    expect(bj(st.yellowAt)).toBe('2026-09-30 17:00');
    expect(st).toMatchObject({ state: 'yellow', remainingMs: 8 * HOUR });
  });

  it('no warning configured: green until red', () => {
    const st = clockState(CN, span(SEP7), FIVE, at('2026-09-14', '16:00'));
    expect(st).toMatchObject({ state: 'green', thresholdMs: 0 });
    expect(st.yellowAt).toBeUndefined();
  });

  it('paused: state paused, the used time frozen, the deadline unknown, the level still shown', () => {
    const from = at('2026-09-09', '14:00');
    const s = span(SEP7, [supplement(from)]);
    const st = clockState(CN, s, FIVE, at('2026-09-20'), { fraction: 0.2 });
    // Used: 7 h on Monday, 8 h on Tuesday, 5 h on Wednesday until 14:00.
    expect(st).toMatchObject({ state: 'paused', level: 'green', usedMs: 20 * HOUR, remainingMs: 27 * HOUR });
    expect(st.deadline).toBeUndefined();
    expect(st.yellowAt).toBeUndefined();
    expect(st.redAt).toBeUndefined();
    expect(nextAlarm(CN, s, FIVE, { fraction: 0.2 }, at('2026-09-20'), fired0)).toBeUndefined();
    // Resumed on Monday 09-21 09:00: the deadline is recomputed from the 27 h left.
    const resumed = span(SEP7, [supplement(from, at('2026-09-21', '09:00'))]);
    const after = clockState(CN, resumed, FIVE, at('2026-09-21', '09:00'), { fraction: 0.2 });
    expect(after.state).toBe('green');
    expect(after.usedMs).toBe(20 * HOUR);
    // 27 h left from Monday 09-21 09:00: 09-21, 09-22, 09-23 (24 h) + 3 h on 09-24.
    expect(bj(after.deadline)).toBe('2026-09-24 12:00');
  });

  it('a step overdue before its pause stays red while paused', () => {
    const s = span(SEP7, [supplement(at('2026-09-15', '10:00'))]);
    const st = clockState(CN, s, FIVE, at('2026-09-16'), { fraction: 0.2 });
    expect(st).toMatchObject({ state: 'paused', level: 'red', remainingMs: -HOUR });
    expect(bj(st.deadline)).toBe('2026-09-14 17:00');
    expect(bj(st.redAt)).toBe('2026-09-14 17:00');
  });

  it('a decision before yellow: stopped, finalState green, no yellow or red, no alarms', () => {
    const decided = at('2026-09-09', '12:00');
    const s = span(SEP7, [], decided);
    const w: ClockWarning = { fraction: 0.2, workingDays: 1 };
    const st = clockState(CN, s, FIVE, at('2026-09-30'), w);
    expect(st).toEqual({
      deadline: at('2026-09-14', '17:00'),
      usedMs: 18 * HOUR,
      budgetMs: 47 * HOUR,
      remainingMs: 29 * HOUR,
      thresholdMs: 9.4 * HOUR,
      state: 'stopped',
      level: 'green',
      finalState: 'green',
    });
    for (const now of [decided, at('2026-09-11', '16:00'), at('2026-09-14', '17:00'), at('2026-10-12')]) {
      expect(nextAlarm(CN, s, FIVE, w, now, fired0)).toBeUndefined();
    }
  });

  it('a decision in the yellow phase keeps yellow history, not red', () => {
    const s = span(SEP7, [], at('2026-09-14', '10:00'));
    const st = clockState(CN, s, FIVE, at('2026-09-20'), { fraction: 0.2 });
    expect(st).toMatchObject({ state: 'stopped', finalState: 'yellow', yellowAt: at('2026-09-11', '15:36') });
    expect(st.redAt).toBeUndefined();
  });

  it('decided late: stopped with red history', () => {
    const s = span(SEP7, [], at('2026-09-15', '10:00'));
    const st = clockState(CN, s, FIVE, at('2026-10-12'), { fraction: 0.2 });
    expect(st).toMatchObject({
      state: 'stopped',
      finalState: 'red',
      remainingMs: -HOUR,
      yellowAt: at('2026-09-11', '15:36'),
      redAt: at('2026-09-14', '17:00'),
    });
  });

  it('decided at the deadline or after closing on the last day: the limit is used up, red', () => {
    expect(clockState(CN, span(SEP7, [], at('2026-09-14', '16:59')), FIVE, at('2026-09-20')).finalState).toBe(
      'green',
    );
    expect(clockState(CN, span(SEP7, [], at('2026-09-14', '17:00')), FIVE, at('2026-09-20')).finalState).toBe(
      'red',
    );
    expect(clockState(CN, span(SEP7, [], at('2026-09-14', '18:00')), FIVE, at('2026-09-20'))).toMatchObject({
      finalState: 'red',
      remainingMs: 0,
    });
  });

  it('reads the span as known at now: a later decision or pause is not seen (replays agree)', () => {
    const full = span(
      SEP7,
      [supplement(at('2026-09-09', '14:00'), at('2026-09-10', '11:00'))],
      at('2026-09-16'),
    );
    expect(spanAt(full, at('2026-09-08'))).toEqual({ startedAt: SEP7, pauses: [] });
    expect(spanAt(full, at('2026-09-10'))).toEqual({
      startedAt: SEP7,
      pauses: [{ from: at('2026-09-09', '14:00'), reason: 'supplement' }],
    });
    expect(clockState(CN, full, FIVE, at('2026-09-08')).state).toBe('green');
    expect(clockState(CN, full, FIVE, at('2026-09-10')).state).toBe('paused');
    expect(clockState(CN, full, FIVE, at('2026-09-15', '15:00')).state).toBe('red');
    expect(clockState(CN, full, FIVE, at('2026-09-16')).state).toBe('stopped');
  });
});

describe('nextAlarm', () => {
  const none: FiredAlarms = { yellow: false, red: false };
  const w: ClockWarning = { fraction: 0.2 };

  it('yellow, then red, then nothing', () => {
    const s = span(SEP7);
    expect(nextAlarm(CN, s, FIVE, w, SEP7, none)).toEqual({ kind: 'yellow', at: at('2026-09-11', '15:36') });
    expect(nextAlarm(CN, s, FIVE, w, at('2026-09-11', '15:36'), { yellow: true, red: false })).toEqual({
      kind: 'red',
      at: at('2026-09-14', '17:00'),
    });
    expect(nextAlarm(CN, s, FIVE, w, at('2026-09-14', '17:00'), { yellow: true, red: true })).toBeUndefined();
  });

  it('no warning configured: only red', () => {
    expect(nextAlarm(CN, span(SEP7), FIVE, {}, SEP7, none)).toEqual({
      kind: 'red',
      at: at('2026-09-14', '17:00'),
    });
  });

  it('a yellow missed until after the deadline is skipped: red supersedes it', () => {
    expect(nextAlarm(CN, span(SEP7), FIVE, w, at('2026-09-15'), none)).toEqual({
      kind: 'red',
      at: at('2026-09-14', '17:00'),
    });
  });

  it('a yellow missed before the deadline is still due (in the past)', () => {
    expect(nextAlarm(CN, span(SEP7), FIVE, w, at('2026-09-14', '12:00'), none)).toEqual({
      kind: 'yellow',
      at: at('2026-09-11', '15:36'),
    });
  });

  it('paused before yellow: nothing; paused after an unfired yellow: that yellow only', () => {
    const early = span(SEP7, [supplement(at('2026-09-09'))]);
    expect(nextAlarm(CN, early, FIVE, w, at('2026-09-10'), none)).toBeUndefined();
    const late = span(SEP7, [special(at('2026-09-14', '09:00'))]);
    expect(nextAlarm(CN, late, FIVE, w, at('2026-09-14', '12:00'), none)).toEqual({
      kind: 'yellow',
      at: at('2026-09-11', '15:36'),
    });
    expect(
      nextAlarm(CN, late, FIVE, w, at('2026-09-14', '12:00'), { yellow: true, red: false }),
    ).toBeUndefined();
  });

  /**
   * A workflow's alarm loop, driven by a list of signals (pauses, resumes, decision): sleeps until the next
   * alarm or the next signal, whichever is first, like `condition(..., timeout)` in a Temporal workflow.
   */
  function runWorkflow(
    startedAt: number,
    limit: TimeLimit,
    warning: ClockWarning,
    signals: { at: number; apply: (s: ClockSpan) => void }[],
    until: number,
  ): Alarm[] {
    const s: ClockSpan = { startedAt, pauses: [] };
    const fired: FiredAlarms = { yellow: false, red: false };
    const out: Alarm[] = [];
    const pending = [...signals].sort((a, b) => a.at - b.at);
    let now = startedAt;
    for (let guard = 0; guard < 100; guard++) {
      const alarm = nextAlarm(CN, s, limit, warning, now, fired);
      const signal = pending[0];
      if (alarm && (!signal || alarm.at < signal.at)) {
        now = Math.max(now, alarm.at);
        out.push(alarm);
        fired[alarm.kind] = true;
      } else if (signal && signal.at <= until) {
        now = signal.at;
        signal.apply(s);
        pending.shift();
      } else {
        return out;
      }
    }
    throw new Error('alarm loop did not settle');
  }

  it('a workflow loop fires yellow then red exactly once each at the right instants', () => {
    const alarms = runWorkflow(SEP7, FIVE, w, [], at('2026-12-31'));
    expect(alarms.map((a) => [a.kind, bj(a.at)])).toEqual([
      ['yellow', '2026-09-11 15:36'],
      ['red', '2026-09-14 17:00'],
    ]);
  });

  it('a workflow loop with a supplement in the middle fires both later by the paused working time', () => {
    const from = at('2026-09-09', '14:00');
    const to = at('2026-09-10', '11:00');
    const alarms = runWorkflow(
      SEP7,
      FIVE,
      w,
      [
        { at: from, apply: (s) => s.pauses.push(supplement(from)) },
        {
          at: to,
          apply: (s) => {
            s.pauses[0]!.to = to;
          },
        },
      ],
      at('2026-12-31'),
    );
    // Both moved 5 working hours: yellow 09-11 15:36 -> 09-14 12:36, red 09-14 17:00 -> 09-15 14:00.
    expect(alarms.map((a) => [a.kind, bj(a.at)])).toEqual([
      ['yellow', '2026-09-14 12:36'],
      ['red', '2026-09-15 14:00'],
    ]);
  });

  it('a workflow loop paused across yellow time fires nothing until the resume', () => {
    const from = at('2026-09-11', '09:00');
    const to = at('2026-09-21', '09:00'); // a week and a day of working time paused
    const alarms = runWorkflow(
      SEP7,
      FIVE,
      w,
      [
        { at: from, apply: (s) => s.pauses.push(special(from)) },
        {
          at: to,
          apply: (s) => {
            s.pauses[0]!.to = to;
          },
        },
      ],
      at('2026-12-31'),
    );
    // 31 h used before the pause; yellow at 37.6 h -> 09-21 15:36; red at 47 h -> 09-22 17:00.
    expect(alarms.map((a) => [a.kind, bj(a.at)])).toEqual([
      ['yellow', '2026-09-21 15:36'],
      ['red', '2026-09-22 17:00'],
    ]);
    expect(alarms.every((a) => a.at >= to)).toBe(true);
  });

  it('a workflow loop decided before yellow fires nothing', () => {
    const decided = at('2026-09-09', '12:00');
    const alarms = runWorkflow(
      SEP7,
      FIVE,
      { fraction: 0.2, workingDays: 1 },
      [
        {
          at: decided,
          apply: (s) => {
            s.stoppedAt = decided;
          },
        },
      ],
      at('2026-12-31'),
    );
    expect(alarms).toEqual([]);
  });

  it('a workflow loop decided between yellow and red fires only yellow', () => {
    const decided = at('2026-09-14', '10:00');
    const alarms = runWorkflow(
      SEP7,
      FIVE,
      w,
      [
        {
          at: decided,
          apply: (s) => {
            s.stoppedAt = decided;
          },
        },
      ],
      at('2026-12-31'),
    );
    expect(alarms.map((a) => a.kind)).toEqual(['yellow']);
  });
});

describe('past the last published year', () => {
  it('a limit running into 2027 throws the calendar CalendarRangeError, never a guess', () => {
    const start = at('2026-12-28'); // Monday: 12-29, 12-30, 12-31 are the last known working days
    expect(bj(deadlineOf(CN, span(start), { days: 3 }))).toBe('2026-12-31 17:00');
    expect(() => deadlineOf(CN, span(start), { days: 4 })).toThrow(CalendarRangeError);
    try {
      deadlineOf(CN, span(start), { days: 4 });
    } catch (err) {
      expect(err).toBeInstanceOf(CalendarRangeError);
      expect(err).toMatchObject({ region: 'CN', year: 2027, publishedYears: ['2024', '2025', '2026'] });
    }
    expect(() => budgetMs(CN, start, { days: 4 })).toThrow(CalendarRangeError);
    expect(() => clockState(CN, span(start), { days: 4 }, start)).toThrow(CalendarRangeError);
    expect(() => nextAlarm(CN, span(start), { days: 4 }, {}, start, { yellow: false, red: false })).toThrow(
      CalendarRangeError,
    );
  });

  it('hours past the end of 2026 throw', () => {
    expect(() => deadlineOf(CN, span(at('2026-12-31', '16:00')), { hours: 2 })).toThrow(CalendarRangeError);
  });

  it('a pause that pushes a 2026 deadline into 2027 throws', () => {
    const start = at('2026-12-21'); // 3 days -> 12-24 17:00
    expect(bj(deadlineOf(CN, span(start), { days: 3 }))).toBe('2026-12-24 17:00');
    const pause = supplement(at('2026-12-23', '09:00'), at('2026-12-31', '12:00'));
    expect(() => deadlineOf(CN, span(start, [pause]), { days: 3 })).toThrow(CalendarRangeError);
  });

  it('a running clock observed in 2027 throws; an open pause into 2027 does not need 2027 until measured', () => {
    const s = span(at('2026-12-21'));
    expect(() => clockState(CN, s, { days: 3 }, at('2027-01-04'))).toThrow(CalendarRangeError);
    const paused = span(at('2026-12-21'), [supplement(at('2026-12-22'))]);
    expect(clockState(CN, paused, { days: 3 }, at('2027-01-04'))).toMatchObject({
      state: 'paused',
      usedMs: 8 * HOUR,
    });
  });
});
