// A calendar published after intake, as the case machine and its clocks take it: which calendars a case
// accepts, and the deadlines it records anew (running and paused clocks alike, each as of its last start).
import { describe, expect, it } from 'vitest';
import { bundledNationalCalendar } from '../db/calendars.ts';
import { companyStartup } from '../processes/company-startup.ts';
import type { WorkingCalendar } from './calendar.ts';
import { CaseClocks } from './case-clocks.ts';
import { CaseMachine } from './case-machine.ts';
import type { ProcessDefinition } from './definition.ts';

const at = (local: string) => Date.parse(`${local}+08:00`);
const iso = (local: string) => new Date(at(local)).toISOString();

const CN = bundledNationalCalendar(); // 2024-2026
/** Test data, not the State Council's notice: New Year's Day off. */
const WITH_2027: WorkingCalendar = {
  ...CN,
  years: { ...CN.years, '2027': { offDays: ['2027-01-01'], makeupWorkdays: [] } },
};

// Registration (15 statutory days) and seal (4 hours promised, 20 statutory days) side by side.
const [registration, seal] = companyStartup.steps;
const def: ProcessDefinition = {
  ...companyStartup,
  steps: [registration!, { ...seal!, dependsOn: [], inputs: [] }],
};

function caseOn(calendar: WorkingCalendar) {
  const clocks = new CaseClocks(def, calendar, { fraction: 0.2 });
  const machine = new CaseMachine(def, {
    deadlines: (stepId, clock, now) => clocks.deadlines(stepId, clock, now),
    caseDeadline: (now) => clocks.caseDeadline(now),
    caseYellowAt: (now) => clocks.caseYellowAt(now),
  });
  return { clocks, machine };
}

const staff = { userId: 'u-1', department: 'PSB' };

describe('a calendar published after intake', () => {
  it('is taken only if it is a newer snapshot of the same region', () => {
    const { clocks } = caseOn(CN);
    expect(clocks.compare(WITH_2027)).toBe('newer');
    expect(clocks.compare(structuredClone(CN))).toBe('current');
    const { '2024': _dropped, ...later } = WITH_2027.years;
    expect(clocks.compare({ ...WITH_2027, years: later })).toBe('stale');
    expect(clocks.compare({ ...WITH_2027, region: 'CN-ZJ-HZ' })).toBe('other-region');
    // A correction of a year the case has is newer too (e.g. a holiday extended by the State Council).
    const corrected = structuredClone(CN);
    corrected.years['2026']!.offDays.push('2026-12-31');
    expect(clocks.compare(corrected)).toBe('newer');
  });

  it('makes unknown deadlines known: a running clock, and a paused one as of its last start', () => {
    const { clocks, machine } = caseOn(CN);
    const start = machine.start(at('2026-12-21T10:00'), 'clerk');
    const dispatched = start.events.filter((e) => e.type === 'step.dispatched');
    expect(dispatched.map((e) => 'note' in e && e.note)).toEqual([
      'statutory deadline unknown: the 2027 holiday calendar is not published yet',
      'statutory deadline unknown: the 2027 holiday calendar is not published yet',
    ]);
    // The case's one working day ends on 22 December: known already.
    expect(start.events[0]).toMatchObject({ type: 'case.started', deadline: iso('2026-12-22T17:00') });
    machine.decide(
      {
        stepId: 'seal',
        outcome: 'supplement',
        opinion: '请补正',
        items: [{ item: 'seals', reason: '印章种类' }],
        actor: staff,
      },
      at('2026-12-21T11:00'),
    );

    clocks.adopt(WITH_2027);
    const fx = machine.recountDeadlines('CN', clocks.years(), 'admin-1', at('2026-12-22T09:30'));
    expect(fx.dispatch).toEqual([]);
    expect(fx.events.map((e) => e.type)).toEqual([
      'case.calendar_updated',
      'step.deadlines_updated',
      'step.deadlines_updated',
    ]);
    // The case's promise did not change: the event records the new calendar only.
    expect(fx.events[0]).toMatchObject({
      actor: 'admin-1',
      region: 'CN',
      years: ['2024', '2025', '2026', '2027'],
    });
    expect(fx.events[0]).not.toHaveProperty('deadline');
    // 15 working days after 21 Dec: 8 in December (22-31), 4-8 and 11-12 January (1 January off).
    expect(fx.events[1]).toMatchObject({ stepId: 'registration', statutory: iso('2027-01-12T17:00') });
    expect(fx.events[1]).not.toHaveProperty('note');
    // Seal's clock is paused: its deadlines are those of its start, counted with 2027; the promise unchanged.
    expect(fx.events[2]).toMatchObject({
      stepId: 'seal',
      promised: iso('2026-12-21T14:00'),
      statutory: iso('2027-01-19T17:00'),
    });
    expect(machine.deadlineOf('seal', 'statutory')).toBe(iso('2027-01-19T17:00'));

    // When the supplement arrives the clock resumes, counted with the new calendar: 7 paused office hours.
    const back = machine.supplement('seal', '已补充', [], { userId: 'clerk' }, at('2026-12-22T10:00'));
    expect(back.events[0]).toMatchObject({ type: 'step.supplemented', statutory: iso('2027-01-20T16:00') });

    // Counting again with the same calendar records the calendar, and no deadline: none changed.
    const again = machine.recountDeadlines('CN', clocks.years(), 'admin-1', at('2026-12-22T11:00'));
    expect(again.events.map((e) => e.type)).toEqual(['case.calendar_updated']);
  });

  it("records the case's promise when the new year makes it known", () => {
    const { clocks, machine } = caseOn(CN);
    machine.start(at('2026-12-31T16:00'), 'clerk'); // one working day from New Year's Eve: in 2027
    expect(machine.deadlineOf(undefined, 'promised')).toBeUndefined();
    clocks.adopt(WITH_2027);
    const fx = machine.recountDeadlines('CN', clocks.years(), 'admin-1', at('2027-01-01T09:00'));
    // 1 January is off: the next working day is Monday 4 January.
    expect(fx.events[0]).toMatchObject({ type: 'case.calendar_updated', deadline: iso('2027-01-04T17:00') });
    expect(fx.events[0]).toHaveProperty('yellowAt');
    expect(machine.deadlineOf(undefined, 'promised')).toBe(iso('2027-01-04T17:00'));
  });
});
