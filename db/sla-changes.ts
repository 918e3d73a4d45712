// What a batch of case events adds to the SLA summaries (sla_case_daily, sla_step_daily,
// sla_step_histogram): pure, merged per row so one statement's upserts never touch a row twice.
// db/case-events.ts applies them in the projection's statement, so the summaries are exact.
import { CHINA_OFFSET_MINUTES } from '../process/calendar.ts';
import type { CaseEvent, StepTiming } from '../process/events.ts';

const OUTCOMES = ['completed', 'partially_completed', 'denied', 'withdrawn', 'terminated'] as const;

/** One row of sla_case_daily to add, before the case's process and departments are joined in SQL. */
export interface CaseDayChange {
  day: string;
  opened: number;
  completed: number;
  partially_completed: number;
  denied: number;
  withdrawn: number;
  terminated: number;
  /** 1 when the case closed this day; closed_at and the deadline decide whether its promise was kept. */
  closed: number;
  closed_at: string | null;
  /** The case's promise, when this batch records it (else the case row's). */
  deadline: string | null;
}

export interface StepEndChange {
  step_id: string;
  day: string;
  month: string;
  approved: number;
  denied: number;
  terminated: number;
  timed: boolean;
  working_ms: number;
  supplement_ms: number;
  supplemented: number;
  late: number;
  bucket: number;
}

export interface SlaChanges {
  cases: CaseDayChange[];
  steps: StepEndChange[];
}

/** The China date of an instant (the day the summaries count it on). */
export function chinaDay(at: string | Date): string {
  const ms = (typeof at === 'string' ? Date.parse(at) : at.getTime()) + CHINA_OFFSET_MINUTES * 60_000;
  return new Date(ms).toISOString().slice(0, 10);
}

const HOUR_MS = 3_600_000;
/**
 * Buckets of working time, finest where most steps end: half hours below 8 h (buckets 0-15), 2 hours below
 * 40 h (16-31), working days of 8 h below 400 h (32-76), then one bucket (77). Each bucket is named by
 * where it starts (bucketStartHours).
 */
export function bucketOf(workingMs: number): number {
  const h = workingMs / HOUR_MS;
  if (h < 8) return Math.floor(h * 2);
  if (h < 40) return 16 + Math.floor((h - 8) / 2);
  if (h < 400) return 32 + Math.floor((h - 40) / 8);
  return 77;
}

/** The working hours a bucket starts at. */
export function bucketStartHours(bucket: number): number {
  if (bucket < 16) return bucket / 2;
  if (bucket < 32) return 8 + (bucket - 16) * 2;
  if (bucket < 77) return 40 + (bucket - 32) * 8;
  return 400;
}

export function slaChangesOf(events: CaseEvent[]): SlaChanges {
  const days = new Map<string, CaseDayChange>();
  const day = (d: string) => {
    let row = days.get(d);
    if (!row) {
      row = {
        day: d,
        opened: 0,
        completed: 0,
        partially_completed: 0,
        denied: 0,
        withdrawn: 0,
        terminated: 0,
        closed: 0,
        closed_at: null,
        deadline: null,
      };
      days.set(d, row);
    }
    return row;
  };
  let deadline: string | null = null;
  const steps: StepEndChange[] = [];
  const ended = (stepId: string, at: string, kind: 'approved' | 'denied' | 'terminated', t?: StepTiming) => {
    const d = chinaDay(at);
    steps.push({
      step_id: stepId,
      day: d,
      month: `${d.slice(0, 7)}-01`,
      approved: kind === 'approved' ? 1 : 0,
      denied: kind === 'denied' ? 1 : 0,
      terminated: kind === 'terminated' ? 1 : 0,
      timed: t !== undefined,
      working_ms: t?.workingMs ?? 0,
      supplement_ms: t?.supplementMs ?? 0,
      supplemented: t && t.supplements > 0 ? 1 : 0,
      late: t?.late ? 1 : 0,
      bucket: t ? bucketOf(t.workingMs) : 0,
    });
  };
  for (const e of events) {
    switch (e.type) {
      case 'case.started':
        day(chinaDay(e.at)).opened += 1;
        deadline = e.deadline ?? null;
        break;
      case 'case.closed': {
        const row = day(chinaDay(e.at));
        if ((OUTCOMES as readonly string[]).includes(e.outcome)) row[e.outcome] += 1;
        row.closed = 1;
        row.closed_at = e.at;
        break;
      }
      case 'step.approved':
        ended(e.stepId, e.at, 'approved', e.timing);
        break;
      case 'step.denied':
        ended(e.stepId, e.at, 'denied', e.timing);
        break;
      case 'step.terminated':
        ended(e.stepId, e.at, 'terminated', e.timing);
        break;
    }
  }
  for (const row of days.values()) row.deadline = deadline;
  return { cases: [...days.values()], steps };
}
