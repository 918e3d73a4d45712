// The clocks of a case as the law counts them: per step a promised (承诺) and a statutory (法定) limit in
// working days, started when the step is dispatched, paused while a supplement request or a special stage
// is open, stopped at the decision; per case the overall promise, from intake to closing. Pure: the
// workflow asks it for deadlines and for the next alarm to sleep until.
//
// Determinism: the calendar comes in the workflow's input (a snapshot taken at intake), so publishing or
// correcting a calendar never changes the history of a running case; new cases get the new calendar.

import { CalendarRangeError, type WorkingCalendar } from './calendar.ts';
import type { StepClock } from './case-machine.ts';
import { type ClockSpan, type ClockWarning, clockState, deadlineOf, type PauseReason } from './clock.ts';
import type { ProcessDefinition, TimeLimit } from './definition.ts';
import type { StepDeadlines } from './events.ts';

export type ClockKind = 'promised' | 'statutory';

export interface ClockAlarm {
  /** A step id, or undefined for the case's own promise. */
  stepId?: string;
  clock: ClockKind;
  kind: 'yellow' | 'red';
  at: number;
}

function spanOf(clock: StepClock): ClockSpan | undefined {
  if (clock.startedAt === undefined) return undefined;
  return {
    startedAt: clock.startedAt,
    pauses: clock.pauses.map((p) => ({
      from: p.from,
      ...(p.to !== undefined ? { to: p.to } : {}),
      reason: p.reason as PauseReason,
    })),
    ...(clock.stoppedAt !== undefined ? { stoppedAt: clock.stoppedAt } : {}),
  };
}

export class CaseClocks {
  /** Alarms already fired, by `${stepId ?? 'case'}/${clock}/${kind}`: each fires once. */
  private readonly fired = new Set<string>();

  constructor(
    private readonly definition: ProcessDefinition,
    private readonly calendar: WorkingCalendar,
    private readonly warning: ClockWarning,
  ) {}

  private limitsOf(stepId: string): Partial<Record<ClockKind, TimeLimit>> {
    const limits = this.definition.steps.find((s) => s.id === stepId)?.limits ?? {};
    return {
      ...(limits.promised ? { promised: limits.promised } : {}),
      ...(limits.statutory ? { statutory: limits.statutory } : {}),
    };
  }

  /** Deadlines of a step whose clock (re)started at `now`, with the pauses so far. */
  deadlines(stepId: string, clock: StepClock, now: number): StepDeadlines {
    const span = spanOf(clock);
    if (!span) return {};
    const result: StepDeadlines = {};
    // Deadlines as if every open pause ended now: they are recomputed whenever the clock resumes.
    const resumed: ClockSpan = { ...span, pauses: span.pauses.map((p) => ({ ...p, to: p.to ?? now })) };
    for (const [kind, limit] of Object.entries(this.limitsOf(stepId)) as [ClockKind, TimeLimit][]) {
      try {
        const { deadline, yellowAt } = this.instantsOf(
          resumed,
          limit,
          kind === 'promised' ? this.warning : {},
        );
        if (deadline !== undefined) result[kind] = new Date(deadline).toISOString();
        if (kind === 'promised' && yellowAt !== undefined) result.yellowAt = new Date(yellowAt).toISOString();
      } catch (error) {
        // A deadline past the last published calendar year is unknown, and says so rather than guess.
        if (!(error instanceof CalendarRangeError)) throw error;
        result.note = `${kind} deadline unknown: the ${error.year} holiday calendar is not published yet`;
      }
    }
    return result;
  }

  /** The case's own promise, counted from intake. */
  caseDeadline(startedAt: number): string | undefined {
    if (!this.definition.promise) return undefined;
    try {
      const deadline = deadlineOf(this.calendar, { startedAt, pauses: [] }, this.definition.promise);
      return deadline === undefined ? undefined : new Date(deadline).toISOString();
    } catch (error) {
      if (error instanceof CalendarRangeError) return undefined;
      throw error;
    }
  }

  /** Deadline and yellow instant per clock, memoised by its span (they change only with it). */
  private readonly instants = new Map<
    string,
    { signature: string; deadline: number | undefined; yellowAt: number | undefined }
  >();

  /** Deadline and yellow instant of a clock whose pauses are all closed: one computation for both. */
  private instantsOf(span: ClockSpan, limit: TimeLimit, warning: ClockWarning) {
    // Read the span as of its last known change, so every (closed) pause counts.
    const asOf = Math.max(span.startedAt, ...span.pauses.map((p) => p.to ?? p.from));
    const { deadline, yellowAt } = clockState(this.calendar, span, limit, asOf, warning);
    return { deadline, yellowAt };
  }

  private memoisedInstantsOf(key: string, span: ClockSpan, limit: TimeLimit, warning: ClockWarning) {
    const signature = JSON.stringify([span.startedAt, span.pauses]);
    const memo = this.instants.get(key);
    if (memo?.signature === signature) return memo;
    const fresh = { signature, ...this.instantsOf(span, limit, warning) };
    this.instants.set(key, fresh);
    return fresh;
  }

  /**
   * The earliest alarm not yet fired across the case and its steps, if any: yellow at yellowAt, red at
   * the deadline (a yellow not fired by then is superseded), nothing for a paused or stopped clock.
   */
  next(
    now: number,
    caseStartedAt: number,
    caseClosedAt: number | undefined,
    steps: Record<string, { clock: StepClock }>,
  ): ClockAlarm | undefined {
    const candidates: ClockAlarm[] = [];
    const consider = (
      stepId: string | undefined,
      clock: ClockKind,
      span: ClockSpan,
      limit: TimeLimit,
      warning: ClockWarning,
    ) => {
      if (span.stoppedAt !== undefined || span.pauses.some((p) => p.to === undefined)) return;
      const key = `${stepId ?? 'case'}/${clock}`;
      if (this.fired.has(`${key}/red`)) return;
      try {
        const { deadline, yellowAt } = this.memoisedInstantsOf(key, span, limit, warning);
        const base = { ...(stepId !== undefined ? { stepId } : {}), clock };
        if (deadline === undefined) return;
        if (deadline > now && !this.fired.has(`${key}/yellow`) && yellowAt !== undefined) {
          candidates.push({ ...base, kind: 'yellow', at: yellowAt });
        } else {
          candidates.push({ ...base, kind: 'red', at: deadline });
        }
      } catch (error) {
        if (!(error instanceof CalendarRangeError)) throw error; // unknown deadline: no alarm to set
      }
    };
    if (this.definition.promise) {
      const span: ClockSpan = {
        startedAt: caseStartedAt,
        pauses: [],
        ...(caseClosedAt !== undefined ? { stoppedAt: caseClosedAt } : {}),
      };
      consider(undefined, 'promised', span, this.definition.promise, this.warning);
    }
    for (const [stepId, step] of Object.entries(steps)) {
      const span = spanOf(step.clock);
      if (!span) continue;
      const limits = this.limitsOf(stepId);
      if (limits.promised) consider(stepId, 'promised', span, limits.promised, this.warning);
      // The statutory clock only turns red: by then the promise is long broken.
      if (limits.statutory) consider(stepId, 'statutory', span, limits.statutory, {});
    }
    candidates.sort((a, b) => a.at - b.at);
    return candidates[0];
  }

  markFired(alarm: ClockAlarm): void {
    const key = `${alarm.stepId ?? 'case'}/${alarm.clock}`;
    this.fired.add(`${key}/${alarm.kind}`);
    // Red supersedes a yellow that never fired.
    if (alarm.kind === 'red') this.fired.add(`${key}/yellow`);
  }
}
