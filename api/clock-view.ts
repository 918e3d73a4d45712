// Clock states for display: from a case's timeline (when each step was dispatched, paused, resumed,
// decided), its definition's limits and the calendar, computed at the moment of reading, so green turns
// yellow and red without anyone writing anything. The clocks are the case machine's own: the timeline is
// replayed with the rule the machine moves them by, and read with the same model (process/step-clock.ts).
import type { EventRow } from '../db/cases.ts';
import type { WorkingCalendar } from '../process/calendar.ts';
import type { ClockWarning } from '../process/clock.ts';
import type { ProcessDefinition } from '../process/definition.ts';
import { type ClockReading, readClock, readStepClocks, spansOf } from '../process/step-clock.ts';

export interface ClockView {
  clock: 'promised' | 'statutory';
  deadline: string | null;
  /** Working time used so far (office hours on working days, pauses excluded), in hours. */
  usedHours: number;
  /** green | yellow | red | paused | stopped | unknown */
  state: string;
  /** For a stopped clock: where it stood at the decision. */
  finalState: string | null;
  note?: string;
}

/** A clock reading as the API shows it. */
export function clockView(reading: ClockReading): ClockView {
  if (reading.state === 'unknown') {
    return {
      clock: reading.clock,
      deadline: null,
      usedHours: 0,
      state: 'unknown',
      finalState: null,
      note: reading.note,
    };
  }
  return {
    clock: reading.clock,
    deadline: reading.deadline === undefined ? null : new Date(reading.deadline).toISOString(),
    usedHours: Math.round((reading.usedMs / 3_600_000) * 100) / 100,
    state: reading.state,
    finalState: reading.finalState ?? null,
  };
}

/** The timeline as the clock model takes it. */
const clockEvents = (events: EventRow[]) =>
  events.map((e) => ({ type: e.type, stepId: e.stepId, at: e.at.getTime() }));

export function stepClocks(
  definition: ProcessDefinition,
  events: EventRow[],
  calendar: WorkingCalendar,
  warning: ClockWarning,
  now: number,
): Map<string, ClockView[]> {
  const spans = spansOf(clockEvents(events));
  const result = new Map<string, ClockView[]>();
  for (const step of definition.steps) {
    const span = spans.get(step.id);
    if (!span) continue;
    result.set(step.id, readStepClocks(calendar, step, span, warning, now).map(clockView));
  }
  return result;
}

/** The case's own promise, from intake to closing. */
export function caseClock(
  definition: ProcessDefinition,
  submittedAt: Date,
  closedAt: Date | null,
  calendar: WorkingCalendar,
  warning: ClockWarning,
  now: number,
): ClockView | null {
  if (!definition.promise) return null;
  const span = {
    startedAt: submittedAt.getTime(),
    pauses: [],
    ...(closedAt ? { stoppedAt: closedAt.getTime() } : {}),
  };
  return clockView(readClock(calendar, span, definition.promise, 'promised', now, warning));
}
