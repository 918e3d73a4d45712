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

interface StepChange {
  step_id: string;
  status: string;
  outputs?: unknown;
  opinion?: string;
  reasons?: string[];
  decided_by?: string;
  decided_at?: string;
  dispatched_at?: string;
  updated_at: string;
}

interface CaseChange {
  data: Record<string, { value: unknown; stepId: string; at: string }>;
  status: string | null;
  closedAt: string | null;
  updatedAt: string;
}

/** Folds a batch into one change per step row and one for the case row. */
export function changesOf(events: CaseEvent[]): { steps: StepChange[]; kase: CaseChange } {
  const steps = new Map<string, StepChange>();
  const kase: CaseChange = {
    data: {},
    status: null,
    closedAt: null,
    updatedAt: events[events.length - 1]!.at,
  };
  for (const e of events) {
    switch (e.type) {
      case 'step.dispatched':
        steps.set(e.stepId, {
          step_id: e.stepId,
          status: 'awaiting_decision',
          dispatched_at: e.at,
          updated_at: e.at,
        });
        break;
      case 'step.approved':
        steps.set(e.stepId, {
          step_id: e.stepId,
          status: 'approved',
          outputs: e.outputs,
          opinion: e.opinion,
          decided_by: e.actor,
          decided_at: e.at,
          updated_at: e.at,
        });
        for (const [name, value] of Object.entries(e.outputs))
          kase.data[name] = { value, stepId: e.stepId, at: e.at };
        break;
      case 'step.denied':
        steps.set(e.stepId, {
          step_id: e.stepId,
          status: 'denied',
          opinion: e.opinion,
          reasons: e.reasons,
          decided_by: e.actor,
          decided_at: e.at,
          updated_at: e.at,
        });
        break;
      case 'step.cancelled':
        steps.set(e.stepId, { step_id: e.stepId, status: 'cancelled', updated_at: e.at });
        break;
      case 'case.closed':
        kase.status = e.outcome;
        kase.closedAt = e.at;
        break;
      case 'case.started':
        break; // the case's step rows are written at intake, with the case row
    }
  }
  return { steps: [...steps.values()], kase };
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
      ), st as (
        update case_steps s set
          status = x.status,
          outputs = coalesce(x.outputs, s.outputs),
          opinion = coalesce(x.opinion, s.opinion),
          reasons = coalesce(x.reasons, s.reasons),
          decided_by = coalesce(x.decided_by, s.decided_by),
          decided_at = coalesce(x.decided_at, s.decided_at),
          dispatched_at = coalesce(x.dispatched_at, s.dispatched_at),
          updated_at = x.updated_at
        from jsonb_to_recordset(${JSON.stringify(steps)}::jsonb)
          as x(step_id text, status text, outputs jsonb, opinion text, reasons jsonb, decided_by text,
               decided_at timestamptz, dispatched_at timestamptz, updated_at timestamptz)
        where s.case_id = ${caseId}::uuid and s.step_id = x.step_id and exists (select 1 from ev)
        returning 1
      )
      update cases set
        data = data || ${JSON.stringify(kase.data)}::jsonb,
        status = coalesce(${kase.status}::text, status),
        closed_at = coalesce(${kase.closedAt}::timestamptz, closed_at),
        updated_at = ${kase.updatedAt}::timestamptz
      where id = ${caseId}::uuid and exists (select 1 from ev) and (select count(*) from st) >= 0
    `);
    return hash;
  };
}
