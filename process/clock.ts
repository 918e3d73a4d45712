// Clocks of steps and cases (承诺时限 / 法定时限, 预警 / 超时督办). Pure and deterministic: imported by
// workflow code, so no I/O, no Date.now(), no Node APIs; every "now" is a parameter and the calendar is data.
//
// The model, in one paragraph. A limit is a BUDGET of working time (office hours on working days, as
// measured by workingMsBetween): for `days: n` it is the working time from acceptance to addWorkingDays(start,
// n) (so the calendar's "start day not counted, ends at close of office of the n-th working day" convention
// holds), for `hours: h` it is h hours. The clock USES that budget while it runs; pauses (补正 supplement
// requests, 特别程序 special stages) stop it. An instant's "used" time is workingMsBetween(startedAt, t,
// pauses). Every instant the engine reports is the EARLIEST instant at which the used time reaches a level:
//   deadline  (= redAt)  used reaches the budget;
//   yellowAt             used reaches budget - threshold (remaining working time down to the warning).
// Without pauses the deadline is exactly addWorkingDays / addWorkingHours; each pause pushes it later by
// exactly the working time it covered, and overlapping pauses count once. Because "earliest", a limit used up
// at closing time ends at closing time (not 09:00 the next working day), and a clock is red at an instant t
// exactly when t >= deadline, equivalently when remainingMs <= 0.
//
// Open pauses: while a pause is open the deadline is not known yet (deadlines are recomputed on resume), so
// deadlineOf returns undefined, unless the budget was already used up before the pause began (an overdue
// step stays overdue; the deadline is then in the past and known). projectedDeadline gives the deadline as
// if the pause ended now, for display.
//
// Errors: a computation that needs a day in a year the calendar does not publish throws the calendar's
// CalendarRangeError (never a guess); an invalid limit or warning throws RangeError listing every problem.

import type { WorkingCalendar } from './calendar.ts';
import {
  addWorkingDays,
  addWorkingHours,
  localTimeToEpochMs,
  type Pause,
  workingMsBetween,
} from './calendar.ts';
import type { TimeLimit } from './definition.ts';

const HOUR_MS = 3_600_000;

export type PauseReason = 'supplement' | 'special-stage';

export interface ClockPause {
  /** Epoch ms: the supplement request was sent / the special stage began. */
  from: number;
  /** Epoch ms: the materials arrived / the stage ended; absent while the pause is open. */
  to?: number;
  reason: PauseReason;
}

/**
 * A step's or a case's clock, as recorded facts (all epoch ms): the one clock type. The case machine keeps
 * one per step and the read side rebuilds the same from the timeline, both through clockAfter
 * (step-clock.ts).
 */
export interface ClockSpan {
  /** When the step (or case) was accepted: the clock starts. Absent until the step is dispatched. */
  startedAt?: number;
  /** Intervals that do not count; may overlap; parts before startedAt are ignored. */
  pauses: ClockPause[];
  /** The decision: the clock stops. */
  stoppedAt?: number;
}

/**
 * When to warn: yellow once the remaining working time is down to the larger of `fraction` of the budget and
 * `workingDays` working days (one working day = the calendar's office hours, e.g. 8 h). Neither: no yellow.
 */
export interface ClockWarning {
  /** Fraction of the budget, 0 <= fraction < 1 (0.2 = the last fifth of the limit). */
  fraction?: number;
  /** Working days before the deadline, >= 0 (fractions allowed: 0.5 = half a working day). */
  workingDays?: number;
}

export type ClockLevel = 'green' | 'yellow' | 'red';
export type ClockStateName = ClockLevel | 'paused' | 'stopped';

export interface ClockState {
  /** Undefined while a pause is open and the budget is not yet used up (see deadlineOf). */
  deadline?: number;
  /** Working time used up to now (or up to the decision), pauses excluded. */
  usedMs: number;
  budgetMs: number;
  /** budgetMs - usedMs: negative when overdue, by that much working time. */
  remainingMs: number;
  /** Remaining working time at which the clock turns yellow; 0 when there is no yellow phase. */
  thresholdMs: number;
  /** The headline: 'paused' while a pause is open, 'stopped' after the decision, else the level. */
  state: ClockStateName;
  /** The colour the used time gives, always present (a paused step can be red; a stopped one keeps it). */
  level: ClockLevel;
  /** Only for stopped clocks: the level at the decision (decided late = 'red'). */
  finalState?: ClockLevel;
  /**
   * When the clock turns (or turned) yellow, when known. For a stopped clock only if it happened before the
   * decision; absent when there is no yellow phase or an open pause hides it.
   */
  yellowAt?: number;
  /** When the clock turns (or turned) red, i.e. the deadline; for a stopped clock only if decided late. */
  redAt?: number;
}

/** A clock that has started: what deadlines, states and alarms are measured on. */
export type StartedSpan = ClockSpan & { startedAt: number };

export function isStarted(span: ClockSpan): span is StartedSpan {
  return span.startedAt !== undefined;
}

function started(span: ClockSpan): StartedSpan {
  if (!isStarted(span)) throw new RangeError('the clock has not started: it has no deadline or state yet');
  return span;
}

/**
 * The colour of a clock at `t`, given its deadline and yellow instant: red from the deadline, yellow from
 * yellowAt, green before. Because both are the EARLIEST instants at which the used time reaches their level
 * (see the top of this file), this is the same as comparing the used time with the budget, and it is the
 * only place the colour is decided: clockState, and the worklist's urgency from the recorded deadlines.
 * An instant hidden by an open pause is absent, and then not yet reached.
 */
export function levelAt(instants: { deadline?: number; yellowAt?: number }, t: number): ClockLevel {
  if (instants.deadline !== undefined && t >= instants.deadline) return 'red';
  if (instants.yellowAt !== undefined && t >= instants.yellowAt) return 'yellow';
  return 'green';
}

export interface FiredAlarms {
  yellow: boolean;
  red: boolean;
}

export interface Alarm {
  kind: 'yellow' | 'red';
  /** May be in the past (a missed alarm): sleep max(0, at - now). */
  at: number;
}

// ---------------------------------------------------------------------------------------------------------
// Validation

/** Every problem with a limit at once; an empty list means valid. */
export function validateLimit(limit: TimeLimit): string[] {
  const problems: string[] = [];
  if (limit === null || typeof limit !== 'object')
    return ['a time limit must be an object {days} or {hours}'];
  const { days, hours } = limit;
  const hasDays = days !== undefined;
  const hasHours = hours !== undefined;
  if (hasDays && hasHours) problems.push('give either days or hours, not both');
  if (!hasDays && !hasHours) problems.push('a time limit needs days or hours');
  if (hasDays) {
    if (typeof days !== 'number' || !Number.isFinite(days))
      problems.push(`days must be a number, got ${days}`);
    else if (days < 0) problems.push(`days must not be negative, got ${days}`);
    else if (days === 0) problems.push('days must be at least 1 (a same-day promise is given in hours)');
    else if (!Number.isInteger(days)) problems.push(`days must be a whole number, got ${days}`);
  }
  if (hasHours) {
    if (typeof hours !== 'number' || !Number.isFinite(hours)) {
      problems.push(`hours must be a number, got ${hours}`);
    } else if (hours < 0) problems.push(`hours must not be negative, got ${hours}`);
    else if (hours === 0) problems.push('hours must be more than 0');
  }
  return problems;
}

/** Every problem with a warning configuration at once; an empty list means valid. */
export function validateWarning(warning: ClockWarning): string[] {
  const problems: string[] = [];
  if (warning === null || typeof warning !== 'object') return ['a warning must be an object'];
  const { fraction, workingDays } = warning;
  if (fraction !== undefined) {
    if (typeof fraction !== 'number' || !Number.isFinite(fraction) || fraction < 0 || fraction >= 1) {
      problems.push(`fraction must be a number in [0, 1), got ${fraction}`);
    }
  }
  if (workingDays !== undefined) {
    if (typeof workingDays !== 'number' || !Number.isFinite(workingDays) || workingDays < 0) {
      problems.push(`workingDays must be a number >= 0, got ${workingDays}`);
    }
  }
  return problems;
}

function assertLimit(limit: TimeLimit): void {
  const problems = validateLimit(limit);
  if (problems.length > 0) throw new RangeError(`invalid time limit: ${problems.join('; ')}`);
}

function assertWarning(warning: ClockWarning): void {
  const problems = validateWarning(warning);
  if (problems.length > 0) throw new RangeError(`invalid warning: ${problems.join('; ')}`);
}

// ---------------------------------------------------------------------------------------------------------
// Budget and the usage solver

/**
 * The working time a limit allows from `startedAt`: for days, workingMsBetween(start, addWorkingDays(start,
 * n)); for hours, the hours. Throws CalendarRangeError when the limit runs past the published years.
 */
export function budgetMs(calendar: WorkingCalendar, startedAt: number, limit: TimeLimit): number {
  assertLimit(limit);
  if (limit.hours !== undefined) return Math.round(limit.hours * HOUR_MS);
  return workingMsBetween(calendar, startedAt, addWorkingDays(calendar, startedAt, limit.days!));
}

/** Length of one working day in ms: the calendar's office hours. */
export function workingDayMs(calendar: WorkingCalendar): number {
  const day = '2000-01-03'; // any date: office hours are the same every working day
  return (
    localTimeToEpochMs(calendar, day, calendar.officeHours.end) -
    localTimeToEpochMs(calendar, day, calendar.officeHours.start)
  );
}

/** The yellow threshold in working ms: the larger of the two rules; 0 when there is no yellow phase. */
export function warningThresholdMs(calendar: WorkingCalendar, budget: number, warning: ClockWarning): number {
  assertWarning(warning);
  const byFraction = warning.fraction ? Math.round(warning.fraction * budget) : 0;
  const byDays = warning.workingDays ? Math.round(warning.workingDays * workingDayMs(calendar)) : 0;
  const threshold = Math.max(byFraction, byDays);
  // A warning needs a green phase before it: a threshold as large as the whole budget would turn every short
  // promise yellow at acceptance (and notify managers of nothing), so there is then no yellow phase.
  return threshold < budget ? threshold : 0;
}

/**
 * The span as it was known at `now`: a decision after now has not happened, pauses starting after now are
 * not known, a pause ending after now is still open. Replaying a history at any past instant gives the same
 * answers the workflow saw then.
 */
export function spanAt<S extends ClockSpan>(span: S, now: number): S {
  const stoppedAt = span.stoppedAt !== undefined && span.stoppedAt <= now ? span.stoppedAt : undefined;
  const pauses: ClockPause[] = [];
  for (const p of span.pauses) {
    if (p.from > now) continue;
    if (p.to !== undefined && p.to <= now) pauses.push({ ...p });
    else pauses.push({ from: p.from, reason: p.reason });
  }
  const known = { ...span, pauses };
  if (stoppedAt === undefined) delete known.stoppedAt;
  return known;
}

/**
 * Pauses as the calendar functions take them. A stopped clock closes its open pauses at the decision (a step
 * decided during a supplement request, e.g. terminated for missing materials, resumed at its decision) and
 * ignores whatever lies after it.
 */
function effectivePauses(span: ClockSpan): Pause[] {
  const out: Pause[] = [];
  for (const p of span.pauses) {
    if (p.to !== undefined && p.to < p.from) {
      throw new RangeError(`pause ends (${p.to}) before it starts (${p.from})`);
    }
    if (span.stoppedAt === undefined) {
      out.push(p.to === undefined ? { from: p.from } : { from: p.from, to: p.to });
    } else if (p.from < span.stoppedAt) {
      out.push({ from: p.from, to: Math.min(p.to ?? span.stoppedAt, span.stoppedAt) });
    }
  }
  return out;
}

/**
 * The earliest instant t >= startedAt with workingMsBetween(startedAt, t, pauses) >= target, or undefined
 * when an open pause begins before the target is reached (it depends on when the pause ends).
 * Walks the un-paused segments; in the segment that reaches the target, addWorkingHours finds the instant.
 */
function instantOfUsage(
  calendar: WorkingCalendar,
  startedAt: number,
  pauses: Pause[],
  target: number,
): number | undefined {
  if (target <= 0) return startedAt;
  const intervals = pauses
    .map((p): [number, number] => [Math.max(p.from, startedAt), p.to ?? Number.POSITIVE_INFINITY])
    .filter(([a, b]) => a < b)
    .sort((x, y) => x[0] - y[0]);
  let cursor = startedAt;
  let remaining = target;
  for (const [a, b] of intervals) {
    if (a > cursor) {
      const available = workingMsBetween(calendar, cursor, a);
      if (available >= remaining) return addWorkingHours(calendar, cursor, remaining / HOUR_MS);
      remaining -= available;
    }
    if (b === Number.POSITIVE_INFINITY) return undefined;
    cursor = Math.max(cursor, b);
  }
  return addWorkingHours(calendar, cursor, remaining / HOUR_MS);
}

// ---------------------------------------------------------------------------------------------------------
// Deadlines

/**
 * The deadline: the earliest instant at which the clock has used the whole limit, pauses not counted. Equal
 * to addWorkingDays(startedAt, days) / addWorkingHours(startedAt, hours) without pauses; every pause moves it
 * later by exactly the working time the pause covers (overlaps counted once). Undefined while a pause is open,
 * unless the budget ran out before the pause began. A stopped clock treats an open pause as ended at the
 * decision. Undefined too for a clock not started. Throws RangeError for an invalid limit, CalendarRangeError
 * past the published years.
 */
export function deadlineOf(calendar: WorkingCalendar, span: ClockSpan, limit: TimeLimit): number | undefined {
  if (!isStarted(span)) return undefined;
  const budget = budgetMs(calendar, span.startedAt, limit);
  return instantOfUsage(calendar, span.startedAt, effectivePauses(span), budget);
}

/**
 * The deadline as known at `now`, with every open pause taken to end at `now` (what the deadline would be
 * if the materials arrived right now): for display while a step is paused. Equals deadlineOf otherwise.
 */
export function projectedDeadline(
  calendar: WorkingCalendar,
  span: ClockSpan,
  limit: TimeLimit,
  now: number,
): number {
  const known = spanAt(started(span), now);
  const closed: StartedSpan = { ...known, pauses: known.pauses.map((p) => ({ ...p, to: p.to ?? now })) };
  return deadlineOf(calendar, closed, limit)!;
}

// ---------------------------------------------------------------------------------------------------------
// State and alarms

interface Timeline {
  view: StartedSpan;
  pauses: Pause[];
  budget: number;
  threshold: number;
  deadline: number | undefined;
  yellowAt: number | undefined;
}

function timeline(
  calendar: WorkingCalendar,
  span: ClockSpan,
  limit: TimeLimit,
  warning: ClockWarning,
  now: number,
): Timeline {
  const view = spanAt(started(span), now);
  const pauses = effectivePauses(view);
  const budget = budgetMs(calendar, view.startedAt, limit);
  const threshold = warningThresholdMs(calendar, budget, warning);
  const deadline = instantOfUsage(calendar, view.startedAt, pauses, budget);
  const yellowAt =
    threshold > 0 ? instantOfUsage(calendar, view.startedAt, pauses, budget - threshold) : undefined;
  return { view, pauses, budget, threshold, deadline, yellowAt };
}

/**
 * The clock at `now` (the span is read as known at `now`, see spanAt). Green while the remaining working
 * time is above the warning threshold, yellow from yellowAt, red from the deadline (remainingMs <= 0);
 * 'paused' while a pause is open; 'stopped' after the decision, with finalState = the level at the decision.
 * Throws RangeError for a clock not started.
 */
export function clockState(
  calendar: WorkingCalendar,
  span: ClockSpan,
  limit: TimeLimit,
  now: number,
  warning: ClockWarning = {},
): ClockState {
  const t = timeline(calendar, span, limit, warning, now);
  const stopped = t.view.stoppedAt !== undefined;
  const end = t.view.stoppedAt ?? now;
  const usedMs = workingMsBetween(calendar, t.view.startedAt, end, t.pauses);
  const remainingMs = t.budget - usedMs;
  // remainingMs <= 0 exactly from the deadline, <= thresholdMs exactly from yellowAt: one rule, levelAt.
  const level = levelAt(t, end);
  const paused = !stopped && t.view.pauses.some((p) => p.to === undefined);
  const state: ClockState = {
    usedMs,
    budgetMs: t.budget,
    remainingMs,
    thresholdMs: t.threshold,
    state: stopped ? 'stopped' : paused ? 'paused' : level,
    level,
  };
  if (t.deadline !== undefined) state.deadline = t.deadline;
  if (stopped) state.finalState = level;
  // For a stopped clock only what happened before the decision; for a running one, past or projected.
  if (t.yellowAt !== undefined && (!stopped || t.yellowAt <= end)) {
    state.yellowAt = t.yellowAt;
  }
  if (t.deadline !== undefined && (!stopped || t.deadline <= end)) {
    state.redAt = t.deadline;
  }
  return state;
}

/**
 * The next alarm the workflow must sleep until, so that each kind fires exactly once: yellow at yellowAt,
 * red at the deadline. Nothing for a stopped clock, nothing already fired, and nothing whose instant an open
 * pause hides (while paused only an alarm that fell due before the pause began, i.e. a missed one, is
 * returned). A yellow not yet fired when the deadline has already passed is skipped: red supersedes it.
 * `at` may be in the past; the caller sleeps max(0, at - now), fires, marks it fired, and asks again; on any
 * signal that changes the span (pause, resume, decision) it asks again too.
 */
export function nextAlarm(
  calendar: WorkingCalendar,
  span: ClockSpan,
  limit: TimeLimit,
  warning: ClockWarning,
  now: number,
  fired: FiredAlarms,
): Alarm | undefined {
  if (!isStarted(span)) return undefined;
  const known = spanAt(span, now);
  if (known.stoppedAt !== undefined) return undefined;
  if (fired.red) return undefined;
  const t = timeline(calendar, span, limit, warning, now);
  if (t.deadline !== undefined && t.deadline <= now) return { kind: 'red', at: t.deadline };
  if (!fired.yellow && t.yellowAt !== undefined) return { kind: 'yellow', at: t.yellowAt };
  if (t.deadline !== undefined) return { kind: 'red', at: t.deadline };
  return undefined;
}
