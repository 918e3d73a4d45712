import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { companyStartup } from '../processes/company-startup.ts';
import { calendarFromStateCouncilJson, type StateCouncilHolidayJson } from './calendar.ts';
import { CaseClocks, type ClockAlarm } from './case-clocks.ts';
import { CaseMachine } from './case-machine.ts';
import type { ClockSpan, ClockWarning } from './clock.ts';
import type { ProcessDefinition } from './definition.ts';

const CN = calendarFromStateCouncilJson(
  JSON.parse(
    readFileSync(new URL('../processes/calendars/CN.json', import.meta.url), 'utf8'),
  ) as StateCouncilHolidayJson,
);

/** An instant given in Beijing time ('2026-09-30T10:00'), parsed independently of the modules under test. */
const at = (local: string) => Date.parse(`${local}+08:00`);
const iso = (local: string) => new Date(at(local)).toISOString();

/** Yellow in the last fifth of the promised limit. */
const WARNING: ClockWarning = { fraction: 0.2 };
const clocksFor = (definition: ProcessDefinition = companyStartup, warning: ClockWarning = WARNING) =>
  new CaseClocks(definition, CN, warning);
const running = (startedAt: number, pauses: ClockSpan['pauses'] = []): ClockSpan => ({ startedAt, pauses });

// Wednesday 2026-09-30 is the last working day before the National Day break (10-01 … 10-07); Saturday
// 10-10 is a make-up working day (调休).
const EVE = at('2026-09-30T10:00');

describe('deadlines of a step', () => {
  it('seal dispatched 2026-09-30 10:00: 4 office hours the same day, 20 working days after the break', () => {
    const deadlines = clocksFor().deadlines('seal', running(EVE), EVE);
    expect(deadlines).toEqual({
      // 10:00 + 4 office hours fits in the day (office closes at 17:00).
      promised: iso('2026-09-30T14:00'),
      // Last fifth of 4 hours = 48 minutes before the deadline.
      yellowAt: iso('2026-09-30T13:12'),
      // Working days 10-08, 10-09, 10-10 (make-up Saturday), 10-12 … the 20th is Tuesday 11-03.
      statutory: iso('2026-11-03T17:00'),
    });
    expect(deadlines.promised).toBe('2026-09-30T06:00:00.000Z');
  });

  it('registration: its own statutory limit of 15 working days', () => {
    const deadlines = clocksFor().deadlines('registration', running(EVE), EVE);
    expect(deadlines.statutory).toBe(iso('2026-10-27T17:00'));
  });

  it('a promise in hours that does not fit before the break lands on 2026-10-08', () => {
    const start = at('2026-09-30T15:00');
    const deadlines = clocksFor().deadlines('seal', running(start), start);
    // 2 office hours on 09-30, none from 10-01 to 10-07, the other 2 on Thursday 10-08.
    expect(deadlines.promised).toBe(iso('2026-10-08T11:00'));
    expect(deadlines.yellowAt).toBe(iso('2026-10-08T10:12'));
    expect(deadlines.note).toBeUndefined();
  });

  it('on resume, the pause does not count: every deadline moves by the working time it covered', () => {
    const resume = at('2026-10-08T10:00');
    const clock = running(EVE, [{ from: at('2026-09-30T11:00'), to: resume, reason: 'supplement' }]);
    const deadlines = clocksFor().deadlines('seal', clock, resume);
    // 1 hour used before the pause (6 office hours of 09-30 covered by it), 3 left from 10-08 10:00.
    expect(deadlines.promised).toBe(iso('2026-10-08T13:00'));
    expect(deadlines.yellowAt).toBe(iso('2026-10-08T12:12'));
    // 7 office hours later than without the pause (11:00-17:00 on 09-30, 09:00-10:00 on 10-08).
    expect(deadlines.statutory).toBe(iso('2026-11-04T16:00'));
    // An open pause counts as ending now: the same answer.
    const open = running(EVE, [{ from: at('2026-09-30T11:00'), reason: 'supplement' }]);
    expect(clocksFor().deadlines('seal', open, resume)).toEqual(deadlines);
  });

  it('nothing for a clock not started or a step without limits', () => {
    const clocks = clocksFor();
    expect(clocks.deadlines('seal', { pauses: [] }, EVE)).toEqual({});
    expect(clocks.deadlines('no-such-step', running(EVE), EVE)).toEqual({});
  });

  it('a deadline past 2026 gives a note instead of throwing (CalendarRangeError handled)', () => {
    const clocks = clocksFor();
    // Sunday 12-20: received on Monday 12-21; the hours fit in 2026, 20 working days do not.
    const sunday = at('2026-12-20T10:00');
    expect(clocks.deadlines('seal', running(sunday), sunday)).toEqual({
      promised: iso('2026-12-21T13:00'),
      yellowAt: iso('2026-12-21T12:12'),
      note: 'statutory deadline unknown: the 2027 holiday calendar is not published yet',
    });
    // New Year's Eve 15:00: even the 4 hours run into 2027.
    const late = at('2026-12-31T15:00');
    const deadlines = clocks.deadlines('seal', running(late), late);
    expect(deadlines.promised).toBeUndefined();
    expect(deadlines.yellowAt).toBeUndefined();
    expect(deadlines.statutory).toBeUndefined();
    expect(deadlines.note).toMatch(/deadline unknown: the 2027 holiday calendar is not published yet/);
  });
});

describe('the case deadline', () => {
  it('company start-up promises one working day: from 2026-09-30 10:00 it ends 2026-10-08 17:00', () => {
    expect(clocksFor().caseDeadline(EVE)).toBe(iso('2026-10-08T17:00'));
    expect(clocksFor().caseDeadline(EVE)).toBe('2026-10-08T09:00:00.000Z');
  });

  it('undefined without a promise, or past the published years', () => {
    expect(clocksFor({ ...companyStartup, promise: undefined }).caseDeadline(EVE)).toBeUndefined();
    expect(clocksFor().caseDeadline(at('2026-12-31T15:00'))).toBeUndefined();
  });
});

describe('next alarm', () => {
  /** Drains the alarms in order, marking each fired, as the workflow's alarm loop does. */
  const drain = (
    clocks: CaseClocks,
    now: number,
    steps: Record<string, { clock: ClockSpan }>,
    caseStartedAt = EVE,
  ) => {
    const fired: ClockAlarm[] = [];
    const next = () => clocks.next(now, caseStartedAt, undefined, steps);
    for (let alarm = next(); alarm; alarm = next()) {
      fired.push(alarm);
      clocks.markFired(alarm);
      expect(fired.length).toBeLessThan(20);
    }
    return fired;
  };

  it('returns the earliest across steps and the case, yellow before red, each once', () => {
    const clocks = clocksFor();
    const steps = { registration: { clock: running(EVE) } };
    expect(drain(clocks, EVE, steps)).toEqual([
      { stepId: 'registration', clock: 'promised', kind: 'yellow', at: at('2026-09-30T13:12') },
      { stepId: 'registration', clock: 'promised', kind: 'red', at: at('2026-09-30T14:00') },
      // The case: 15 working hours (7 on 09-30, 8 on 10-08); yellow with 3 left.
      { clock: 'promised', kind: 'yellow', at: at('2026-10-08T14:00') },
      { clock: 'promised', kind: 'red', at: at('2026-10-08T17:00') },
      // The statutory clock only turns red.
      { stepId: 'registration', clock: 'statutory', kind: 'red', at: at('2026-10-27T17:00') },
    ]);
    expect(clocks.next(EVE, EVE, undefined, steps)).toBeUndefined();
  });

  it('an alarm stays the next one until it is marked fired', () => {
    const clocks = clocksFor();
    const steps = { registration: { clock: running(EVE) } };
    const first = clocks.next(EVE, EVE, undefined, steps);
    expect(clocks.next(at('2026-09-30T13:30'), EVE, undefined, steps)).toEqual(first);
    clocks.markFired(first!);
    expect(clocks.next(EVE, EVE, undefined, steps)).toMatchObject({ stepId: 'registration', kind: 'red' });
  });

  it('picks the step whose alarm comes first', () => {
    const clocks = clocksFor();
    const steps = {
      seal: { clock: running(EVE) },
      tax: { clock: running(at('2026-09-30T09:30')) },
      bank: { clock: { pauses: [] } }, // not dispatched yet
    };
    expect(clocks.next(EVE, EVE, undefined, steps)).toEqual({
      stepId: 'tax',
      clock: 'promised',
      kind: 'yellow',
      at: at('2026-09-30T12:42'),
    });
  });

  it('red when the deadline has passed and the yellow never fired; red also suppresses that yellow', () => {
    const clocks = clocksFor();
    const steps = { registration: { clock: running(EVE) } };
    const late = at('2026-09-30T15:00');
    const red = clocks.next(late, EVE, undefined, steps);
    expect(red).toEqual({
      stepId: 'registration',
      clock: 'promised',
      kind: 'red',
      at: at('2026-09-30T14:00'),
    });
    clocks.markFired(red!);
    // Even asked at an earlier instant, the step's promised clock has nothing left: the case is next.
    expect(clocks.next(EVE, EVE, undefined, steps)).toEqual({
      clock: 'promised',
      kind: 'yellow',
      at: at('2026-10-08T14:00'),
    });
  });

  it('the case clock goes red the same way once its deadline passed', () => {
    const clocks = clocksFor();
    expect(clocks.next(at('2026-10-09T09:00'), EVE, undefined, {})).toEqual({
      clock: 'promised',
      kind: 'red',
      at: at('2026-10-08T17:00'),
    });
  });

  it('nothing for paused or stopped clocks, nor for a closed case', () => {
    const clocks = clocksFor();
    const paused = { clock: running(EVE, [{ from: at('2026-09-30T11:00'), reason: 'supplement' }]) };
    const inStage = {
      clock: running(EVE, [
        { from: at('2026-09-30T10:30'), to: at('2026-09-30T10:45'), reason: 'supplement' },
        { from: at('2026-09-30T11:00'), reason: 'special-stage' },
      ]),
    };
    const stopped = { clock: { ...running(EVE), stoppedAt: at('2026-09-30T12:00') } };
    const steps = { registration: paused, seal: inStage, tax: stopped };
    // Only the case's own promise is left.
    expect(clocks.next(EVE, EVE, undefined, steps)).toEqual({
      clock: 'promised',
      kind: 'yellow',
      at: at('2026-10-08T14:00'),
    });
    expect(clocks.next(EVE, EVE, at('2026-09-30T12:00'), steps)).toBeUndefined();
    // Without a promise there is no case clock at all.
    expect(
      clocksFor({ ...companyStartup, promise: undefined }).next(EVE, EVE, undefined, steps),
    ).toBeUndefined();
  });

  it('a running clock with closed pauses gets its red at the moved deadline', () => {
    const clocks = clocksFor();
    const resume = at('2026-10-08T10:00');
    const clock = running(EVE, [{ from: at('2026-09-30T11:00'), to: resume, reason: 'supplement' }]);
    // The yellow already fired before the pause: red comes next, at the deadline that counts the pause out.
    clocks.markFired({ stepId: 'seal', clock: 'promised', kind: 'yellow', at: at('2026-09-30T10:48') });
    expect(clocks.next(resume, EVE, at('2026-10-08T12:00'), { seal: { clock } })).toEqual({
      stepId: 'seal',
      clock: 'promised',
      kind: 'red',
      at: at('2026-10-08T13:00'),
    });
  });

  // After a pause the yellow alarm moves with the deadline (the same instant deadlines() reports).
  it('after a pause, the yellow alarm is at the recomputed yellowAt (as deadlines() reports)', () => {
    const clocks = clocksFor();
    const resume = at('2026-10-08T10:00');
    const clock = running(EVE, [{ from: at('2026-09-30T11:00'), to: resume, reason: 'supplement' }]);
    expect(clocks.deadlines('seal', clock, resume).yellowAt).toBe(iso('2026-10-08T12:12'));
    expect(clocks.next(resume, EVE, at('2026-10-08T11:00'), { seal: { clock } })).toEqual({
      stepId: 'seal',
      clock: 'promised',
      kind: 'yellow',
      at: at('2026-10-08T12:12'),
    });
  });

  it('a deadline past 2026 sets no alarm and does not throw', () => {
    const clocks = clocksFor();
    const late = at('2026-12-31T15:00');
    expect(clocks.next(late, late, undefined, { seal: { clock: running(late) } })).toBeUndefined();
    // The hours fit in 2026 here; only the statutory clock is unknown.
    const sunday = at('2026-12-20T10:00');
    expect(
      drain(clocks, sunday, { tax: { clock: running(sunday) } }, sunday).map((a) => [
        a.stepId,
        a.clock,
        a.kind,
      ]),
    ).toEqual([
      ['tax', 'promised', 'yellow'],
      ['tax', 'promised', 'red'],
      [undefined, 'promised', 'yellow'],
      [undefined, 'promised', 'red'],
    ]);
  });
});

describe('wired into the case machine', () => {
  it('the events carry the real deadlines and the alarms follow the machine', () => {
    const clocks = clocksFor();
    const machine = new CaseMachine(companyStartup, {
      deadlines: (stepId, clock, now) => clocks.deadlines(stepId, clock, now),
      caseDeadline: (now) => clocks.caseDeadline(now),
    });
    const fx = machine.start(EVE, 'clerk-1');
    expect(fx.events[0]).toMatchObject({ type: 'case.started', deadline: iso('2026-10-08T17:00') });
    expect(fx.events[1]).toMatchObject({
      type: 'step.dispatched',
      stepId: 'registration',
      promised: iso('2026-09-30T14:00'),
      yellowAt: iso('2026-09-30T13:12'),
      statutory: iso('2026-10-27T17:00'),
    });
    expect(machine.deadlineOf(undefined, 'promised')).toBe(iso('2026-10-08T17:00'));
    expect(clocks.next(EVE, machine.startedAt!, machine.closedAt, machine.steps)).toMatchObject({
      stepId: 'registration',
      kind: 'yellow',
      at: at('2026-09-30T13:12'),
    });

    // A supplement request pauses the registration clock: only the case's alarm is left.
    machine.decide(
      {
        stepId: 'registration',
        outcome: 'supplement',
        opinion: '请补正',
        items: [{ item: 'premises-proof', reason: 'expired lease' }],
        actor: { userId: 'samr-1', department: 'SAMR' },
      },
      at('2026-09-30T11:00'),
    );
    expect(clocks.next(at('2026-09-30T11:00'), EVE, undefined, machine.steps)).toMatchObject({
      clock: 'promised',
      kind: 'yellow',
      at: at('2026-10-08T14:00'),
    });
    expect(clocks.next(at('2026-09-30T11:00'), EVE, undefined, machine.steps)?.stepId).toBeUndefined();

    const resumed = machine.supplement(
      'registration',
      'new lease',
      ['premises-proof'],
      { userId: 'applicant-1' },
      at('2026-10-08T10:00'),
    );
    expect(resumed.events[0]).toMatchObject({
      type: 'step.supplemented',
      round: 2,
      promised: iso('2026-10-08T13:00'),
      yellowAt: iso('2026-10-08T12:12'),
      statutory: iso('2026-10-28T16:00'),
    });
  });
});
