// The read-model projection: brings cases, case_steps and the audit trail up to date with a batch of
// events from one caseWorkflow. Runs as a local activity (our own database, no extra server round trip)
// and as ONE SQL statement (no transaction round trips): the events are inserted, and only if they were
// new are the step rows and the case row updated. A retried batch finds its events there and changes
// nothing, so the activity is idempotent.
//
// The audit hash chain continues from `previousHash`, which the workflow keeps from the previous batch's
// result (recorded in its history), so no read is needed to extend the chain.
import { sql } from 'drizzle-orm';
import { type AuditRow, chainHash } from '../db/audit.ts';
import type { Db } from '../db/client.ts';
import type { CaseEvent } from '../process/events.ts';

export interface ProjectCaseArgs {
  caseId: string;
  /** Hash of the case's last event before this batch ('' for the first batch). */
  previousHash: string;
  events: CaseEvent[];
}

/** The row the audit chain hashes: the event's identity and content, everything else in details. */
export function auditRow(caseId: string, event: CaseEvent): AuditRow {
  const { seq, type, at, actor, ...rest } = event;
  const { stepId, opinion, ...details } = rest as { stepId?: string; opinion?: string };
  return { caseId, seq, type, stepId: stepId ?? null, actor, at, opinion: opinion ?? null, details };
}

/** Column values a batch sets on a step row; a key present with null clears the column. */
type StepChange = { step_id: string; status?: string; updated_at: string } & Partial<
  Record<StepColumn, unknown>
>;

/** Columns of case_steps a step change may set, with their SQL types. */
const STEP_COLUMNS = {
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
} as const;
type StepColumn = keyof typeof STEP_COLUMNS;

interface CaseChange {
  data: Record<string, { value: unknown; stepId: string; at: string }>;
  status: string | null;
  closedAt: string | null;
  deadline: string | null;
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
        break;
      case 'case.withdrawn':
      case 'case.warning':
      case 'step.warning':
        break; // the timeline has them; no row changes (step rows are written at intake)
    }
  }
  // A step row keeps its status unless an event set it.
  return { steps: [...steps.values()], kase };
}

/**
 * The SET list for a batch's step changes: only the columns the batch touches (a statement per shape of
 * batch, so the database does no work for the others). A column set by every row is assigned directly;
 * one set by some rows keeps the others' value.
 */
function stepAssignments(steps: StepChange[]) {
  const columns = (Object.keys(STEP_COLUMNS) as StepColumn[]).filter((c) => steps.some((s) => c in s));
  const assignments = columns.map((column) => {
    const type = STEP_COLUMNS[column];
    const value =
      type === 'jsonb' ? `nullif(x.j->'${column}', 'null'::jsonb)` : `(x.j->>'${column}')::${type}`;
    return steps.every((s) => column in s)
      ? `${column} = ${value}`
      : `${column} = case when x.j ? '${column}' then ${value} else s.${column} end`;
  });
  return sql.raw(
    [
      "status = coalesce(x.j->>'status', s.status)",
      ...assignments,
      "updated_at = (x.j->>'updated_at')::timestamptz",
    ].join(',\n          '),
  );
}

/** Unified delivery: the record is made with the case's closing batch only. */
function deliveryCte(caseId: string, kase: CaseChange) {
  if (!kase.delivery) return sql``;
  return sql`, dl as (
        insert into deliveries (case_id, outcome, results, ready_at)
        select ${caseId}::uuid, ${kase.delivery.outcome}, ${JSON.stringify(kase.delivery.results)}::jsonb, ${kase.closedAt}::timestamptz
        where exists (select 1 from ev)
        on conflict (case_id) do nothing
        returning 1
      )`;
}

export function createProjection(db: Db) {
  return async function projectCase({ caseId, previousHash, events }: ProjectCaseArgs): Promise<string> {
    let hash = previousHash;
    const rows = events.map((e) => {
      const row = auditRow(caseId, e);
      hash = chainHash(hash, row);
      return {
        seq: row.seq,
        type: row.type,
        step_id: row.stepId,
        actor: row.actor,
        at: row.at,
        opinion: row.opinion,
        details: row.details,
        hash,
      };
    });
    const { steps, kase } = changesOf(events);
    await db.execute(sql`
      with ev as (
        insert into case_events (case_id, seq, type, step_id, actor, at, opinion, details, hash)
        select ${caseId}::uuid, e.seq, e.type, e.step_id, e.actor, e.at, e.opinion, e.details, e.hash
        from jsonb_to_recordset(${JSON.stringify(rows)}::jsonb)
          as e(seq int, type text, step_id text, actor text, at timestamptz, opinion text, details jsonb, hash text)
        on conflict (case_id, seq) do nothing
        returning seq
      )${
        steps.length > 0
          ? sql`, st as (
        update case_steps s set
          ${stepAssignments(steps)}
        from jsonb_array_elements(${JSON.stringify(steps)}::jsonb) as x(j)
        where s.case_id = ${caseId}::uuid and s.step_id = x.j->>'step_id' and exists (select 1 from ev)
        returning 1
      )`
          : sql``
      }${deliveryCte(caseId, kase)}
      update cases set
        data = data || ${JSON.stringify(kase.data)}::jsonb,
        status = coalesce(${kase.status}::text, status),
        closed_at = coalesce(${kase.closedAt}::timestamptz, closed_at),
        promised_deadline = coalesce(${kase.deadline}::timestamptz, promised_deadline),
        updated_at = ${kase.updatedAt}::timestamptz
      where id = ${caseId}::uuid and exists (select 1 from ev)
    `);
    return hash;
  };
}
