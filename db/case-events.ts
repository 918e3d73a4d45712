// The one writer of case events. The workflow's batches land here through the projection (one SQL
// statement: the events are inserted, and only if they were new are the step rows and the case row
// updated, so a retried batch changes nothing); events recorded after the workflow ended (the clerk's
// handover of the results) are appended with appendEvent. Both extend the audit hash chain.
//
// The chain continues from `previousHash`, which the workflow keeps from the previous batch's result
// (recorded in its history), so no read is needed to extend it.
import { desc, eq, sql } from 'drizzle-orm';
import type { CaseEvent, UnnumberedCaseEvent } from '../process/events.ts';
import { auditRow, chainHash } from './audit.ts';
import type { Db } from './client.ts';
import { changesOf, STEP_COLUMNS, type StepChange, type StepColumn } from './read-model-changes.ts';
import { caseEvents } from './schema.ts';

export interface ProjectCaseArgs {
  caseId: string;
  /** Hash of the case's last event before this batch ('' for the first batch). */
  previousHash: string;
  events: CaseEvent[];
}

type Tx = Parameters<Parameters<Db['transaction']>[0]>[0];

/**
 * Appends one event after the case's last (for events the workflow no longer records: it has ended).
 * Run inside the caller's transaction so the event and the change it records commit together.
 */
export async function appendEvent(tx: Tx, caseId: string, event: UnnumberedCaseEvent): Promise<void> {
  const [last] = await tx
    .select({ seq: caseEvents.seq, hash: caseEvents.hash })
    .from(caseEvents)
    .where(eq(caseEvents.caseId, caseId))
    .orderBy(desc(caseEvents.seq))
    .limit(1);
  const numbered: CaseEvent = { ...event, seq: (last?.seq ?? 0) + 1 };
  const row = auditRow(caseId, numbered);
  await tx
    .insert(caseEvents)
    .values({ ...row, at: new Date(row.at), hash: chainHash(last?.hash ?? '', row) });
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

/**
 * Writes the batches of several cases in one SQL statement (the projection's group commit). Per case, as
 * for one batch alone: the events are inserted, and only if some were new are its step rows, its case row
 * and (with its closing batch) its delivery record updated, so a retried batch changes nothing. At most
 * one batch per case (the writer keeps a case's batches in separate statements, in order). Answers each
 * batch's last hash, in the order given.
 */
export async function projectEventsBatch(db: Db, batches: ProjectCaseArgs[]): Promise<string[]> {
  const hashes: string[] = [];
  const events: Record<string, unknown>[] = [];
  const steps: (StepChange & { case_id: string })[] = [];
  const cases: Record<string, unknown>[] = [];
  const deliveries: Record<string, unknown>[] = [];
  for (const { caseId, previousHash, events: batch } of batches) {
    let hash = previousHash;
    for (const e of batch) {
      const row = auditRow(caseId, e);
      hash = chainHash(hash, row);
      events.push({
        case_id: caseId,
        seq: row.seq,
        type: row.type,
        step_id: row.stepId,
        actor: row.actor,
        at: row.at,
        opinion: row.opinion,
        details: row.details,
        hash,
      });
    }
    hashes.push(hash);
    const change = changesOf(batch);
    for (const step of change.steps) steps.push({ ...step, case_id: caseId });
    const { kase } = change;
    cases.push({
      id: caseId,
      data: kase.data,
      status: kase.status,
      closed_at: kase.closedAt,
      deadline: kase.deadline,
      updated_at: kase.updatedAt,
    });
    if (kase.delivery)
      deliveries.push({
        case_id: caseId,
        outcome: kase.delivery.outcome,
        results: kase.delivery.results,
        ready_at: kase.closedAt,
      });
  }
  await db.execute(sql`
      with ev as (
        insert into case_events (case_id, seq, type, step_id, actor, at, opinion, details, hash)
        select e.case_id, e.seq, e.type, e.step_id, e.actor, e.at, e.opinion, e.details, e.hash
        from jsonb_to_recordset(${JSON.stringify(events)}::jsonb)
          as e(case_id uuid, seq int, type text, step_id text, actor text, at timestamptz, opinion text, details jsonb, hash text)
        on conflict (case_id, seq) do nothing
        returning case_id
      ), fresh as (
        select distinct case_id from ev
      )${
        steps.length > 0
          ? sql`, st as (
        update case_steps s set
          ${stepAssignments(steps)}
        from jsonb_array_elements(${JSON.stringify(steps)}::jsonb) as x(j)
        where s.case_id = (x.j->>'case_id')::uuid and s.step_id = x.j->>'step_id'
          and s.case_id in (select case_id from fresh)
        returning 1
      )`
          : sql``
      }${
        deliveries.length > 0
          ? sql`, dl as (
        insert into deliveries (case_id, outcome, results, ready_at)
        select d.case_id, d.outcome, d.results, d.ready_at
        from jsonb_to_recordset(${JSON.stringify(deliveries)}::jsonb)
          as d(case_id uuid, outcome text, results jsonb, ready_at timestamptz)
        where d.case_id in (select case_id from fresh)
        on conflict (case_id) do nothing
        returning 1
      )`
          : sql``
      }
      update cases c set
        data = c.data || k.data,
        status = coalesce(k.status, c.status),
        closed_at = coalesce(k.closed_at, c.closed_at),
        promised_deadline = coalesce(k.deadline, c.promised_deadline),
        updated_at = k.updated_at
      from jsonb_to_recordset(${JSON.stringify(cases)}::jsonb)
        as k(id uuid, data jsonb, status text, closed_at timestamptz, deadline timestamptz, updated_at timestamptz)
      where c.id = k.id and c.id in (select case_id from fresh)
    `);
  return hashes;
}

/** One case's batch (see projectEventsBatch). */
export async function projectEvents(db: Db, args: ProjectCaseArgs): Promise<string> {
  const [hash] = await projectEventsBatch(db, [args]);
  return hash!;
}
