// Clock states for display: from a case's timeline (when each step was dispatched, paused, resumed,
// decided), its definition's limits and the calendar, computed at the moment of reading, so green turns
// yellow and red without anyone writing anything.
import type { EventRow } from '../db/cases.ts';
import type { WorkingCalendar } from '../process/calendar.ts';
import { type ClockSpan, type ClockWarning, clockState } from '../process/clock.ts';
import type { ProcessDefinition, TimeLimit } from '../process/definition.ts';

export interface ClockView {
  clock: 'promised' | 'statutory';
  deadline: string | null;
  /** Working time used so far (office hours on working days, pauses excluded), in hours. */
  usedHours: number;
  /** green | yellow | red | paused | stopped */
  state: string;
  /** For a stopped clock: where it stood at the decision. */
  finalState: string | null;
  note?: string;
}

const PAUSE_OPENS = new Set(['step.supplement_requested', 'step.special_stage_opened']);
const PAUSE_CLOSES = new Set(['step.supplemented', 'step.special_stage_closed']);
const STOPS = new Set(['step.approved', 'step.denied', 'step.terminated', 'step.cancelled']);

/** Each step's clock span, read off the timeline. */
export function spansFromTimeline(events: EventRow[]): Map<string, ClockSpan> {
  const spans = new Map<string, ClockSpan>();
  for (const e of events) {
    if (!e.stepId) continue;
    const at = e.at.getTime();
    if (e.type === 'step.dispatched') spans.set(e.stepId, { startedAt: at, pauses: [] });
    const span = spans.get(e.stepId);
    if (!span) continue;
    if (PAUSE_OPENS.has(e.type))
      span.pauses.push({
        from: at,
        reason: e.type === 'step.supplement_requested' ? 'supplement' : 'special-stage',
      });
    if (PAUSE_CLOSES.has(e.type)) {
      const open = span.pauses.at(-1);
      if (open && open.to === undefined) open.to = at;
    }
    if (STOPS.has(e.type)) span.stoppedAt = at;
  }
  return spans;
}

function view(
  calendar: WorkingCalendar,
  span: ClockSpan,
  limit: TimeLimit,
  clock: ClockView['clock'],
  now: number,
  warning: ClockWarning,
): ClockView {
  try {
    const s = clockState(calendar, span, limit, now, clock === 'promised' ? warning : {});
    return {
      clock,
      deadline: s.deadline === undefined ? null : new Date(s.deadline).toISOString(),
      usedHours: Math.round((s.usedMs / 3_600_000) * 100) / 100,
      state: s.state,
      finalState: s.finalState ?? null,
    };
  } catch (error) {
    if ((error as Error).name !== 'CalendarRangeError') throw error;
    return {
      clock,
      deadline: null,
      usedHours: 0,
      state: 'unknown',
      finalState: null,
      note: (error as Error).message,
    };
  }
}

export function stepClocks(
  definition: ProcessDefinition,
  events: EventRow[],
  calendar: WorkingCalendar,
  warning: ClockWarning,
  now: number,
): Map<string, ClockView[]> {
  const spans = spansFromTimeline(events);
  const result = new Map<string, ClockView[]>();
  for (const step of definition.steps) {
    const span = spans.get(step.id);
    if (!span) continue;
    const clocks: ClockView[] = [];
    if (step.limits?.promised)
      clocks.push(view(calendar, span, step.limits.promised, 'promised', now, warning));
    if (step.limits?.statutory)
      clocks.push(view(calendar, span, step.limits.statutory, 'statutory', now, warning));
    result.set(step.id, clocks);
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
  const span: ClockSpan = {
    startedAt: submittedAt.getTime(),
    pauses: [],
    ...(closedAt ? { stoppedAt: closedAt.getTime() } : {}),
  };
  return view(calendar, span, definition.promise, 'promised', now, warning);
}
