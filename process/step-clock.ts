// The one model of a step's clocks (承诺时限 / 法定时限), for everyone who asks about them: the case machine
// (its clocks move here, the deadlines it records at each (re)start come from here), the API's clock views
// (the same spans, rebuilt from the timeline the read model stores) and the worklist's urgency (the colour
// of the deadlines the read model stores). So the workflow and the screens cannot disagree about a clock.
// The arithmetic of one limit on one span is clock.ts; the calendar is data.
//
// Pure and deterministic: imported by workflow code, so no I/O, no Date.now(); `now` is a parameter.
import { CalendarRangeError, type WorkingCalendar, workingMsBetween } from './calendar.ts';
import {
  type ClockLevel,
  type ClockSpan,
  type ClockState,
  type ClockWarning,
  clockState,
  isStarted,
  levelAt,
  type StartedSpan,
  workingDayMs,
} from './clock.ts';
import type { StepDefinition, TimeLimit } from './definition.ts';
import type { CaseEventType, StepDeadlines, StepTiming } from './events.ts';

export type ClockKind = 'promised' | 'statutory';

// ---------------------------------------------------------------------------------------------------------
// How events move a step's clock

/** The events that move a step's clock, and how; every other event leaves it as it is. */
const MOVES = {
  'step.dispatched': 'start',
  'step.supplement_requested': 'pause',
  'step.special_stage_opened': 'pause',
  'step.supplemented': 'resume',
  'step.special_stage_closed': 'resume',
  'step.approved': 'stop',
  'step.denied': 'stop',
  'step.terminated': 'stop',
  'step.cancelled': 'stop',
} as const satisfies Partial<Record<CaseEventType, string>>;

export type ClockEventType = keyof typeof MOVES;

/**
 * The clock after one event of its step at `at` (epoch ms): dispatch starts it afresh, a supplement request
 * or a special stage opens a pause, the supplement or the stage's end closes it, a decision, termination or
 * cancellation stops it. The case machine moves its clocks with this, and the read side replays the
 * timeline with it (spansOf): one rule, so both hold the same span. Returns a new span.
 */
export function clockAfter(clock: ClockSpan, type: string, at: number): ClockSpan {
  switch (MOVES[type as ClockEventType]) {
    case 'start':
      return { startedAt: at, pauses: [] };
    case 'pause':
      return {
        ...clock,
        pauses: [
          ...clock.pauses,
          { from: at, reason: type === 'step.supplement_requested' ? 'supplement' : 'special-stage' },
        ],
      };
    case 'resume': {
      const open = clock.pauses.at(-1);
      if (!open || open.to !== undefined) return clock;
      return { ...clock, pauses: [...clock.pauses.slice(0, -1), { ...open, to: at }] };
    }
    case 'stop':
      return { ...clock, stoppedAt: at };
    default:
      return clock;
  }
}

/** A step event as the read model stores it: type, step, instant. */
export interface ClockEvent {
  type: string;
  stepId?: string | null;
  /** Epoch ms. */
  at: number;
}

/** Each step's clock, replaying a case's timeline in order (steps never dispatched have none). */
export function spansOf(events: Iterable<ClockEvent>): Map<string, StartedSpan> {
  const spans = new Map<string, ClockSpan>();
  for (const e of events) {
    if (!e.stepId) continue;
    spans.set(e.stepId, clockAfter(spans.get(e.stepId) ?? { pauses: [] }, e.type, e.at));
  }
  const started = new Map<string, StartedSpan>();
  for (const [stepId, span] of spans) if (isStarted(span)) started.set(stepId, span);
  return started;
}

// ---------------------------------------------------------------------------------------------------------
// Limits and warnings

/** A step's limits, clock by clock, promised first (the order the API lists them in). */
export function limitsOf(step: Pick<StepDefinition, 'limits'> | undefined): [ClockKind, TimeLimit][] {
  const limits = step?.limits ?? {};
  const out: [ClockKind, TimeLimit][] = [];
  if (limits.promised) out.push(['promised', limits.promised]);
  if (limits.statutory) out.push(['statutory', limits.statutory]);
  return out;
}

/** Only the promise warns (yellow); the statutory clock only turns red: by then the promise is long broken. */
export function warningFor(kind: ClockKind, warning: ClockWarning): ClockWarning {
  return kind === 'promised' ? warning : {};
}

// ---------------------------------------------------------------------------------------------------------
// Reading a clock

/** One clock of a step (or of a case) at an instant. */
export type ClockReading =
  | ({
      clock: ClockKind;
      /** Working time left before the deadline in working days (negative: overdue by that much). */
      workingDaysLeft: number;
    } & ClockState)
  | {
      clock: ClockKind;
      /** The deadline runs past the published calendar years: never a guess. */
      state: 'unknown';
      note: string;
    };

/**
 * One clock at `now`: green, yellow, red, paused or stopped (see clockState), with the working time used,
 * the deadline and yellow instant when known, the working days left; or 'unknown' with the reason when the
 * calendar does not reach that far. Throws RangeError for a clock not started or an invalid limit.
 */
export function readClock(
  calendar: WorkingCalendar,
  span: ClockSpan,
  limit: TimeLimit,
  kind: ClockKind,
  now: number,
  warning: ClockWarning,
): ClockReading {
  try {
    const state = clockState(calendar, span, limit, now, warningFor(kind, warning));
    return { clock: kind, ...state, workingDaysLeft: state.remainingMs / workingDayMs(calendar) };
  } catch (error) {
    if (!(error instanceof CalendarRangeError)) throw error;
    return { clock: kind, state: 'unknown', note: error.message };
  }
}

/** Every clock of a step at `now`, promised first; none before the step is dispatched. */
export function readStepClocks(
  calendar: WorkingCalendar,
  step: Pick<StepDefinition, 'limits'> | undefined,
  span: ClockSpan,
  warning: ClockWarning,
  now: number,
): ClockReading[] {
  if (!isStarted(span)) return [];
  return limitsOf(step).map(([kind, limit]) => readClock(calendar, span, limit, kind, now, warning));
}

// ---------------------------------------------------------------------------------------------------------
// What the machine records, and the colour of what it recorded

/**
 * Deadline and yellow instant of a clock, read as of its last change (so every closed pause counts): what
 * they will be for as long as the span does not change.
 */
export function clockInstants(
  calendar: WorkingCalendar,
  span: StartedSpan,
  limit: TimeLimit,
  warning: ClockWarning,
): { deadline: number | undefined; yellowAt: number | undefined } {
  const asOf = Math.max(span.startedAt, ...span.pauses.map((p) => p.to ?? p.from));
  const { deadline, yellowAt } = clockState(calendar, span, limit, asOf, warning);
  return { deadline, yellowAt };
}

/**
 * The deadlines a step's clock gets when it (re)starts at `now`, as the case machine records them in
 * step.dispatched / step.supplemented / step.special_stage_closed: every open pause taken to end now (they
 * are recomputed whenever the clock resumes). A deadline past the published calendar years is left out
 * with a note instead.
 */
export function stepDeadlines(
  calendar: WorkingCalendar,
  step: Pick<StepDefinition, 'limits'> | undefined,
  span: ClockSpan,
  warning: ClockWarning,
  now: number,
): StepDeadlines {
  if (!isStarted(span)) return {};
  const result: StepDeadlines = {};
  const resumed: StartedSpan = { ...span, pauses: span.pauses.map((p) => ({ ...p, to: p.to ?? now })) };
  for (const [kind, limit] of limitsOf(step)) {
    try {
      const { deadline, yellowAt } = clockInstants(calendar, resumed, limit, warningFor(kind, warning));
      if (deadline !== undefined) result[kind] = new Date(deadline).toISOString();
      if (kind === 'promised' && yellowAt !== undefined) result.yellowAt = new Date(yellowAt).toISOString();
    } catch (error) {
      if (!(error instanceof CalendarRangeError)) throw error;
      result.note = `${kind} deadline unknown: the ${error.year} holiday calendar is not published yet`;
    }
  }
  return result;
}

/**
 * How urgent a step awaiting a decision is at `now`, from the deadline and yellow instant recorded for it
 * (its clock runs, so they are its clock's own): the clock's colour (levelAt), or 'none' without a deadline.
 */
export function urgencyOf(
  recorded: { deadline: number | undefined; yellowAt: number | undefined },
  now: number,
): ClockLevel | 'none' {
  return recorded.deadline === undefined ? 'none' : levelAt(recorded, now);
}

// ---------------------------------------------------------------------------------------------------------
// What a clock came to

/**
 * A stopped clock's working time (pauses excluded), the working time it spent paused for supplements, and
 * whether it stopped after its promised deadline. Undefined when the calendar does not reach that far.
 */
export function stepTiming(
  calendar: WorkingCalendar,
  span: StartedSpan,
  promisedDeadline: string | undefined,
): StepTiming | undefined {
  const end = span.stoppedAt ?? span.startedAt;
  const pauses = span.pauses.map((p) => ({ from: p.from, to: Math.min(p.to ?? end, end) }));
  try {
    const supplementPauses = span.pauses.filter((p) => p.reason === 'supplement');
    return {
      workingMs: workingMsBetween(calendar, span.startedAt, end, pauses),
      supplementMs: supplementPauses.reduce(
        (sum, p) => sum + workingMsBetween(calendar, p.from, Math.min(p.to ?? end, end)),
        0,
      ),
      supplements: supplementPauses.length,
      late: promisedDeadline !== undefined && end > Date.parse(promisedDeadline),
    };
  } catch (error) {
    if (error instanceof CalendarRangeError) return undefined;
    throw error;
  }
}
