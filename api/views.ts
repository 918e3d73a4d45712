// A case as a reader may see it (the rules are in case-access.ts): the application's fields, the data, the
// steps and the timeline, each cut to the reader's Visibility.
import type { CaseRow, EventRow, StepRow } from '../db/cases.ts';
import type { ProcessDefinition } from '../process/definition.ts';
import type { Visibility } from './case-access.ts';
import type { ClockView } from './clock-view.ts';

export type { Visibility } from './case-access.ts';

export function pick<T>(record: Record<string, T>, keys: Set<string> | null): Record<string, T> {
  if (keys === null) return { ...record };
  return Object.fromEntries(Object.entries(record).filter(([k]) => keys.has(k)));
}

/** Whether the reader sees the opinions, reasons and deciders of this step (null: a case-level event). */
const sees = (visible: Visibility, stepId: string | null) =>
  visible.steps === null || (stepId !== null && visible.steps.has(stepId));

/** People are user ids; 'system', 'rule:<id>' and 'department:<CODE>' name no one and stay. */
const PERSON = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * What an event of someone else's step (or of the case) shows beyond its type, step and time: progress and
 * clocks. Opinions, denial reasons, supplement items, the clerk's notes, incident messages and assignees are
 * not among them; outputs and results only as far as the reader may see the data anyway.
 */
const PROGRESS_DETAILS = new Set([
  'steps',
  'deadline',
  'yellowAt',
  'adapter',
  'round',
  'promised',
  'statutory',
  'kind',
  'because',
  'withdrawn',
  'timing',
  'action',
  'clock',
  'level',
  'outcome',
  'method',
]);

export function stepView(step: StepRow, visible: Visibility, clocks: ClockView[] = []) {
  const own = sees(visible, step.stepId);
  return {
    stepId: step.stepId,
    title: step.title,
    department: step.department,
    status: step.status,
    round: step.round,
    supplementItems: own ? (step.supplementItems ?? null) : null,
    specialStage: step.specialStage ?? null,
    owed: step.owed,
    owedBy: step.owedBy?.toISOString() ?? null,
    incident: own ? step.incident : null,
    clocks,
    outputs: step.outputs ? pick(step.outputs, visible.outputs) : null,
    opinion: own ? step.opinion : null,
    reasons: own ? (step.reasons ?? []) : [],
    decidedBy: own ? step.decidedBy : null,
    dispatchedAt: step.dispatchedAt?.toISOString() ?? null,
    decidedAt: step.decidedAt?.toISOString() ?? null,
  };
}

export function eventView(event: EventRow, visible: Visibility) {
  const own = sees(visible, event.stepId);
  const details: Record<string, unknown> = own
    ? { ...event.details }
    : Object.fromEntries(Object.entries(event.details).filter(([k]) => PROGRESS_DETAILS.has(k)));
  if (event.details.outputs && typeof event.details.outputs === 'object') {
    details.outputs = pick(event.details.outputs as Record<string, unknown>, visible.outputs);
  }
  // The closing event lists every step's results (统一出件): the reader gets those of the data it may see.
  if (event.details.results && typeof event.details.results === 'object') {
    details.results = pick(event.details.results as Record<string, unknown>, visible.outputs);
  }
  return {
    seq: event.seq,
    type: event.type,
    stepId: event.stepId,
    // Who acted on another department's step (or on the case) is withheld; automatic actors name no one.
    actor: own || !PERSON.test(event.actor) ? event.actor : null,
    at: event.at.toISOString(),
    opinion: own ? event.opinion : null,
    details,
  };
}

export function caseView(
  row: CaseRow,
  definition: ProcessDefinition,
  steps: StepRow[],
  events: EventRow[],
  visible: Visibility,
  clocks: { steps: Map<string, ClockView[]>; kase: ClockView | null } = { steps: new Map(), kase: null },
) {
  const order = new Map(definition.steps.map((s, i) => [s.id, i]));
  return {
    id: row.id,
    caseNo: row.caseNo,
    processId: row.processId,
    processVersion: row.processVersion,
    processTitle: definition.title,
    status: row.status,
    submittedAt: row.submittedAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
    closedAt: row.closedAt?.toISOString() ?? null,
    clock: clocks.kase,
    application: pick(row.application, visible.fields),
    data: pick(row.data, visible.outputs),
    steps: [...steps]
      .sort((a, b) => (order.get(a.stepId) ?? 0) - (order.get(b.stepId) ?? 0))
      .map((s) => stepView(s, visible, clocks.steps.get(s.stepId) ?? [])),
    timeline: events.map((e) => eventView(e, visible)),
  };
}
