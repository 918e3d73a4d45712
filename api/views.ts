// What each reader may see of a case (PIPL, minimum necessary): clerks, managers and admins see the whole
// application; department staff see only the form fields, materials and earlier outputs their own steps
// declare, and nothing of a case their department has no step in.
import type { CaseRow, EventRow, StepRow } from '../db/cases.ts';
import type { User } from '../db/users.ts';
import type { ProcessDefinition, StepDefinition } from '../process/definition.ts';
import type { ClockView } from './clock-view.ts';

export interface Visibility {
  /** null = everything */
  fields: Set<string> | null;
  outputs: Set<string> | null;
}

export function departmentSteps(definition: ProcessDefinition, department: string): StepDefinition[] {
  return definition.steps.filter((s) => s.department === department);
}

export function visibilityFor(definition: ProcessDefinition, user: User): Visibility {
  if (user.role !== 'department') return { fields: null, outputs: null };
  const own = departmentSteps(definition, user.department ?? '');
  return {
    fields: new Set(own.flatMap((s) => s.fields)),
    outputs: new Set(own.flatMap((s) => [...s.inputs, ...s.outputs.map((o) => o.name)])),
  };
}

export function pick<T>(record: Record<string, T>, keys: Set<string> | null): Record<string, T> {
  if (keys === null) return { ...record };
  return Object.fromEntries(Object.entries(record).filter(([k]) => keys.has(k)));
}

export function stepView(step: StepRow, visible: Visibility, clocks: ClockView[] = []) {
  return {
    stepId: step.stepId,
    title: step.title,
    department: step.department,
    status: step.status,
    round: step.round,
    supplementItems: step.supplementItems ?? null,
    specialStage: step.specialStage ?? null,
    owed: step.owed,
    owedBy: step.owedBy?.toISOString() ?? null,
    incident: step.incident,
    clocks,
    outputs: step.outputs ? pick(step.outputs, visible.outputs) : null,
    opinion: step.opinion,
    reasons: step.reasons ?? [],
    decidedBy: step.decidedBy,
    dispatchedAt: step.dispatchedAt?.toISOString() ?? null,
    decidedAt: step.decidedAt?.toISOString() ?? null,
  };
}

export function eventView(event: EventRow, visible: Visibility) {
  const details = { ...event.details };
  if (details.outputs && typeof details.outputs === 'object') {
    details.outputs = pick(details.outputs as Record<string, unknown>, visible.outputs);
  }
  return {
    seq: event.seq,
    type: event.type,
    stepId: event.stepId,
    actor: event.actor,
    at: event.at.toISOString(),
    opinion: event.opinion,
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
