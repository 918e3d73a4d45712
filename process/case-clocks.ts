// The clocks of a case as the law counts them: per step a promised (承诺) and a statutory (法定) limit in
// working days, started when the step is dispatched, paused while a supplement request or a special stage
// is open, stopped at the decision; per case the overall promise, from intake to closing. Pure: the
// workflow asks it for deadlines and for the next alarm to sleep until. What a clock is, and how it
// reads at an instant, is step-clock.ts (shared with the API); this adds the workflow's alarms.
//
// Determinism: the calendar comes in the workflow's input (a snapshot taken at intake). A calendar published
// later reaches a running case only as a message in its history (the publishCalendar Update, carrying the
// region's new snapshot), so replaying the history always counts with the calendar it counted with then.

import { CalendarRangeError, type WorkingCalendar } from './calendar.ts';
import { canonicalJson } from './canonical-json.ts';
import { type ClockSpan, type ClockWarning, deadlineOf, isStarted, type StartedSpan } from './clock.ts';
import type { ProcessDefinition, TimeLimit } from './definition.ts';
import { stepById } from './definition.ts';
import type { StepDeadlines, StepTiming } from './events.ts';
import {
  type ClockKind,
  clockInstants,
  limitsOf,
  stepDeadlines,
  stepTiming,
  warningFor,
} from './step-clock.ts';

export interface ClockAlarm {
  /** A step id, or undefined for the case's own promise. */
  stepId?: string;
  clock: ClockKind;
  kind: 'yellow' | 'red';
  at: number;
}

/**
 * How a calendar offered to a running case compares with the one it counts with: the same region's newer
 * snapshot ('newer': adopt it), the very same ('current'), one that lacks a year the case already knows
 * ('stale': an older publication arriving late must not take a year away), or another region's.
 */
export type CalendarComparison = 'newer' | 'current' | 'stale' | 'other-region';

export class CaseClocks {
  /** Alarms already fired, by `${stepId ?? 'case'}/${clock}/${kind}`: each fires once. */
  private readonly fired = new Set<string>();

  constructor(
    private readonly definition: ProcessDefinition,
    private calendar: WorkingCalendar,
    private readonly warning: ClockWarning,
  ) {}

  compare(offered: WorkingCalendar): CalendarComparison {
    if (offered.region !== this.calendar.region) return 'other-region';
    if (Object.keys(this.calendar.years).some((year) => !(year in offered.years))) return 'stale';
    return canonicalJson(offered) === canonicalJson(this.calendar) ? 'current' : 'newer';
  }

  /** Counts with `calendar` from now on (check it with compare first). Deadlines are recomputed on demand. */
  adopt(calendar: WorkingCalendar): void {
    this.calendar = calendar;
    this.instants.clear();
  }

  /** The years of the calendar the case counts with. */
  years(): string[] {
    return Object.keys(this.calendar.years).sort();
  }

  /** Deadlines of a step whose clock (re)started at `now`, with the pauses so far. */
  deadlines(stepId: string, clock: ClockSpan, now: number): StepDeadlines {
    return stepDeadlines(this.calendar, stepById(this.definition, stepId), clock, this.warning, now);
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

  /** When the case's own promise turns yellow (the instant its yellow warning fires). */
  caseYellowAt(startedAt: number): string | undefined {
    if (!this.definition.promise) return undefined;
    try {
      const { yellowAt } = clockInstants(
        this.calendar,
        { startedAt, pauses: [] },
        this.definition.promise,
        warningFor('promised', this.warning),
      );
      return yellowAt === undefined ? undefined : new Date(yellowAt).toISOString();
    } catch (error) {
      if (error instanceof CalendarRangeError) return undefined;
      throw error;
    }
  }

  /** What a step's stopped clock came to (for the SLA summaries). */
  timing(span: StartedSpan, promisedDeadline: string | undefined): StepTiming | undefined {
    return stepTiming(this.calendar, span, promisedDeadline);
  }

  /**
   * Deadline and yellow instant per clock, memoised by its span (they change only with it); a deadline past
   * the published years is memoised as its CalendarRangeError (thrown again), or every alarm computation
   * of a December case would count its way into the next year again.
   */
  private readonly instants = new Map<
    string,
    | { signature: string; deadline: number | undefined; yellowAt: number | undefined }
    | { signature: string; unknown: CalendarRangeError }
  >();

  private memoisedInstantsOf(key: string, span: StartedSpan, limit: TimeLimit, warning: ClockWarning) {
    const signature = JSON.stringify([span.startedAt, span.pauses]);
    const memo = this.instants.get(key);
    if (memo?.signature === signature) {
      if ('unknown' in memo) throw memo.unknown;
      return memo;
    }
    try {
      const fresh = { signature, ...clockInstants(this.calendar, span, limit, warning) };
      this.instants.set(key, fresh);
      return fresh;
    } catch (error) {
      if (error instanceof CalendarRangeError) this.instants.set(key, { signature, unknown: error });
      throw error;
    }
  }

  /**
   * The earliest alarm not yet fired across the case and its steps, if any: yellow at yellowAt, red at
   * the deadline (a yellow not fired by then is superseded), nothing for a paused or stopped clock.
   */
  next(
    now: number,
    caseStartedAt: number,
    caseClosedAt: number | undefined,
    steps: Record<string, { clock: ClockSpan }>,
  ): ClockAlarm | undefined {
    const candidates: ClockAlarm[] = [];
    const consider = (stepId: string | undefined, clock: ClockKind, span: StartedSpan, limit: TimeLimit) => {
      if (span.stoppedAt !== undefined || span.pauses.some((p) => p.to === undefined)) return;
      const key = `${stepId ?? 'case'}/${clock}`;
      if (this.fired.has(`${key}/red`)) return;
      try {
        const warning = warningFor(clock, this.warning);
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
      const span: StartedSpan = {
        startedAt: caseStartedAt,
        pauses: [],
        ...(caseClosedAt !== undefined ? { stoppedAt: caseClosedAt } : {}),
      };
      consider(undefined, 'promised', span, this.definition.promise);
    }
    for (const [stepId, step] of Object.entries(steps)) {
      if (!isStarted(step.clock)) continue;
      for (const [kind, limit] of limitsOf(stepById(this.definition, stepId))) {
        consider(stepId, kind, step.clock, limit);
      }
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
