// What a batch of case events changes in the read model: one change per step row (later events win,
// column by column) and one for the case row. Pure; db/case-events.ts turns it into one SQL statement.
import type { CaseEvent } from '../process/events.ts';

/** Column values a batch sets on a step row; a key present with null clears the column. */
export type StepChange = { step_id: string; status?: string; updated_at: string } & Partial<
  Record<StepColumn, unknown>
>;

/** Columns of case_steps a step change may set, with their SQL types. */
export const STEP_COLUMNS = {
  round: 'int',
  outputs: 'jsonb',
  opinion: 'text',
  reasons: 'jsonb',
  decided_by: 'text',
  decided_at: 'timestamptz',
  dispatched_at: 'timestamptz',
  supplement_items: 'jsonb',
  special_stage: 'jsonb',
  owed: 'jsonb',
  incident: 'text',
  promised_deadline: 'timestamptz',
  statutory_deadline: 'timestamptz',
  yellow_at: 'timestamptz',
  deadline_note: 'text',
  assignee: 'uuid',
} as const;
export type StepColumn = keyof typeof STEP_COLUMNS;

export interface CaseChange {
  data: Record<string, { value: unknown; stepId: string; at: string }>;
  status: string | null;
  closedAt: string | null;
  deadline: string | null;
  yellowAt: string | null;
  updatedAt: string;
  delivery: { outcome: string; results: unknown } | null;
}

function deadlines(e: { promised?: string; statutory?: string; yellowAt?: string; note?: string }) {
  return {
    promised_deadline: e.promised ?? null,
    statutory_deadline: e.statutory ?? null,
    yellow_at: e.yellowAt ?? null,
    deadline_note: e.note ?? null,
  };
}

/** What every ending of a step records: its opinion, by whom, when; an open incident no longer matters. */
function decided(e: { opinion: string; actor: string; at: string }) {
  return { opinion: e.opinion, decided_by: e.actor, decided_at: e.at, incident: null };
}

/** Folds a batch into one change per step row (later events win, column by column) and one for the case. */
export function changesOf(events: CaseEvent[]): { steps: StepChange[]; kase: CaseChange } {
  const steps = new Map<string, StepChange>();
  const set = (stepId: string, at: string, values: Partial<Record<StepColumn | 'status', unknown>>) => {
    const previous = steps.get(stepId);
    steps.set(stepId, { ...previous, ...values, step_id: stepId, updated_at: at } as StepChange);
  };
  const kase: CaseChange = {
    data: {},
    status: null,
    closedAt: null,
    deadline: null,
    yellowAt: null,
    updatedAt: events[events.length - 1]!.at,
    delivery: null,
  };
  for (const e of events) {
    switch (e.type) {
      case 'step.not_applicable':
        set(e.stepId, e.at, { status: 'not_applicable' });
        break;
      case 'step.dispatched':
        set(e.stepId, e.at, {
          status: 'awaiting_decision',
          dispatched_at: e.at,
          round: e.round,
          ...deadlines(e),
        });
        break;
      case 'step.approved':
        set(e.stepId, e.at, { status: 'approved', outputs: e.outputs, ...decided(e) });
        for (const [name, value] of Object.entries(e.outputs))
          kase.data[name] = { value, stepId: e.stepId, at: e.at };
        break;
      case 'step.denied':
        set(e.stepId, e.at, { status: 'denied', reasons: e.reasons, ...decided(e) });
        break;
      case 'step.supplement_requested':
        set(e.stepId, e.at, {
          status: 'supplement_requested',
          opinion: e.opinion,
          supplement_items: e.items,
        });
        break;
      case 'step.supplemented':
        set(e.stepId, e.at, {
          status: 'awaiting_decision',
          round: e.round,
          supplement_items: null,
          ...deadlines(e),
        });
        break;
      case 'step.special_stage_opened':
        set(e.stepId, e.at, { status: 'in_special_stage', special_stage: { kind: e.kind, since: e.at } });
        break;
      case 'step.special_stage_closed':
        set(e.stepId, e.at, { status: 'awaiting_decision', special_stage: null, ...deadlines(e) });
        break;
      case 'step.cancelled':
        set(e.stepId, e.at, { status: 'cancelled' });
        break;
      case 'step.terminated':
        set(e.stepId, e.at, { status: 'terminated', ...decided(e) });
        break;
      case 'step.deficiency_resolved':
        set(e.stepId, e.at, { owed: e.remaining });
        break;
      case 'step.incident':
        set(e.stepId, e.at, { incident: e.message });
        break;
      case 'step.redispatched':
        set(e.stepId, e.at, { incident: null });
        break;
      case 'case.closed':
        kase.status = e.outcome;
        kase.closedAt = e.at;
        kase.delivery = { outcome: e.outcome, results: e.results };
        break;
      case 'case.started':
        kase.deadline = e.deadline ?? null;
        kase.yellowAt = e.yellowAt ?? null;
        break;
      case 'step.deadlines_updated':
        set(e.stepId, e.at, deadlines(e));
        break;
      case 'case.calendar_updated':
        // A deadline the new calendar made known (or moved); without one the case row keeps its own.
        if (e.deadline) kase.deadline = e.deadline;
        if (e.yellowAt) kase.yellowAt = e.yellowAt;
        break;
      case 'step.assigned':
        set(e.stepId, e.at, { assignee: e.assignee });
        break;
      case 'case.withdrawn':
      case 'case.delivered':
      case 'case.warning':
      case 'step.warning':
        break; // the timeline has them; no row changes (step rows are written at intake)
    }
  }
  // A step row keeps its status unless an event set it.
  return { steps: [...steps.values()], kase };
}
