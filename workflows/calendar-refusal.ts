// Whether a running case takes a calendar offered to it (the publishCalendar Update's validator and
// handler): only a case with clocks, still running, offered a newer snapshot of its own region's calendar.
import type { WorkingCalendar } from '../process/calendar.ts';
import type { CaseClocks } from '../process/case-clocks.ts';
import type { CaseMachine, MachineProblem } from '../process/case-machine.ts';

export function calendarRefusal(
  machine: CaseMachine,
  clocks: CaseClocks | undefined,
  offered: WorkingCalendar,
): MachineProblem | undefined {
  if (machine.outcome !== undefined)
    return { code: 'case-closed', message: `The case is closed (${machine.outcome}).` };
  if (!clocks)
    return { code: 'no-clocks', message: 'The case was accepted without a calendar: it has no clocks.' };
  switch (clocks.compare(offered)) {
    case 'newer':
      return undefined;
    case 'current':
      return { code: 'calendar-current', message: 'The case counts with this calendar already.' };
    case 'stale':
      return {
        code: 'calendar-stale',
        message: `The calendar lacks a year the case counts with (${clocks.years().join(', ')}).`,
      };
    case 'other-region':
      return { code: 'other-region', message: `The case counts with another region's calendar.` };
  }
}
