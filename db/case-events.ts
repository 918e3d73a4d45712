// The one writer of case events. The workflow's batches land here through the projection (one SQL
// statement: the events are inserted, and only if they were new are the step rows and the case row
// updated, so a retried batch changes nothing); events recorded after the workflow ended (the clerk's
// handover of the results) are appended with appendEvent. Both extend the audit hash chain.
//
// The chain continues from `previousHash`, which the workflow keeps from the previous batch's result
// (recorded in its history), so no read is needed to extend it.
//
// A batch whose sequence numbers are taken already is either the same batch again (a retried local
// activity: nothing to do) or the replacement of a dead workflow task's events (the worker died after
// writing them, before the server recorded the task): db/superseded-events.ts settles which.
import { desc, eq, type SQL, sql } from 'drizzle-orm';
import type { CaseEvent, UnnumberedCaseEvent } from '../process/events.ts';
import { auditRow, chainHash } from './audit.ts';
import { type Db, rowsOf } from './client.ts';
import { incidentsCtes } from './incident-ctes.ts';
import { preparedRunnerOf } from './pglite-prepared.ts';
import {
  type CaseChange,
  changesOf,
  STEP_COLUMNS,
  type StepChange,
  type StepColumn,
} from './read-model-changes.ts';
import { caseEvents } from './schema.ts';
import { BACKLOG_RETURNING, backlogCte, countsInBacklog } from './sla-backlog.ts';
import { type SlaChanges, slaChangesOf } from './sla-changes.ts';
import { settleTakenSequence } from './superseded-events.ts';

export interface ProjectCaseArgs {
  caseId: string;
  /** Hash of the case's last event before this batch ('' for the first batch). */
  previousHash: string;
  events: CaseEvent[];
  /**
   * The workflow's history length when the batch was made (the fence, stored with each row): a retried
   * workflow task runs at a longer history than the task that died. Absent in batches of workflows
   * recorded before it (their retried tasks then cannot replace a dead task's rows).
   */
  fence?: number;
}

/** What the projection tells a caller about a batch it wrote: the case's process and steps' departments. */
export interface WrittenBatch {
  processId: string;
  departments: Record<string, string>;
}

export type Tx = Parameters<Parameters<Db['transaction']>[0]>[0];

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
export function stepAssignments(steps: StepChange[]) {
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

/**
 * The SLA summaries' share of the batch, in the same statement (so a report never lags the worklist, and a
 * retried batch adds nothing: every upsert runs only if the events were new). The case's departments are
 * those with a step that applies; process and promise come from the case row, as they stood before the
 * statement (a promise this batch records comes with the batch).
 */
export function slaCtes(caseId: string, sla: SlaChanges, sign: 1 | -1 = 1) {
  if (sla.cases.length === 0 && sla.steps.length === 0) return sql``;
  // -1 takes a dead workflow task's share back out (db/superseded-events.ts). Each upsert takes its rows
  // in key order: the summaries are shared by every case of a process and day, and two batches that took
  // the same rows in different orders deadlocked on the Postgres server (the open-case bench, 32 intakes
  // at a time, met it 11-19 times in 4,000).
  const k = sql.raw(sign === 1 ? '' : '-');
  const meta = sql`, meta as (
        select process_id, promised_deadline from cases where id = ${caseId}::uuid and exists (select 1 from ev)
      )`;
  const cases =
    sla.cases.length === 0
      ? sql``
      : sql`, sc as (
        insert into sla_case_daily as t (day, process_id, department, opened, completed, partially_completed,
                                         denied, withdrawn, terminated, promised, promise_kept)
        select x.day, m.process_id, d.department, ${k}x.opened, ${k}x.completed, ${k}x.partially_completed,
               ${k}x.denied, ${k}x.withdrawn, ${k}x.terminated,
               ${k}(case when x.closed = 1 and coalesce(x.deadline, m.promised_deadline) is not null then 1 else 0 end),
               ${k}(case when x.closed = 1 and x.closed_at <= coalesce(x.deadline, m.promised_deadline) then 1 else 0 end)
        from meta m
        cross join jsonb_to_recordset(${JSON.stringify(sla.cases)}::jsonb)
          as x(day date, opened int, completed int, partially_completed int, denied int, withdrawn int,
               terminated int, closed int, closed_at timestamptz, deadline timestamptz)
        cross join (
          select '*'::text as department
          union select department from case_steps where case_id = ${caseId}::uuid and status <> 'not_applicable'
        ) d
        order by 3, 1
        on conflict (department, day, process_id) do update set
          opened = t.opened + excluded.opened, completed = t.completed + excluded.completed,
          partially_completed = t.partially_completed + excluded.partially_completed,
          denied = t.denied + excluded.denied, withdrawn = t.withdrawn + excluded.withdrawn,
          terminated = t.terminated + excluded.terminated, promised = t.promised + excluded.promised,
          promise_kept = t.promise_kept + excluded.promise_kept
        returning 1
      )`;
  const stepRows = sql`jsonb_to_recordset(${JSON.stringify(sla.steps)}::jsonb)
          as x(step_id text, day date, month date, approved int, denied int, terminated int, timed boolean,
               working_ms bigint, supplement_ms bigint, supplemented int, late int, bucket int)
        join case_steps s on s.case_id = ${caseId}::uuid and s.step_id = x.step_id`;
  const steps =
    sla.steps.length === 0
      ? sql``
      : sql`, ss as (
        insert into sla_step_daily as t (grain, day, process_id, step_id, department, ended, approved, denied,
                                         terminated, working_ms, supplement_ms, supplemented, late)
        select g.grain, case when g.grain = 'day' then x.day else x.month end, m.process_id, x.step_id,
               s.department, ${k}1, ${k}x.approved, ${k}x.denied, ${k}x.terminated, ${k}x.working_ms,
               ${k}x.supplement_ms, ${k}x.supplemented, ${k}x.late
        from meta m cross join ${stepRows} cross join (values ('day'), ('month')) as g(grain)
        order by 1, 2, 4
        on conflict (grain, day, process_id, step_id) do update set
          ended = t.ended + excluded.ended, approved = t.approved + excluded.approved,
          denied = t.denied + excluded.denied, terminated = t.terminated + excluded.terminated,
          working_ms = t.working_ms + excluded.working_ms, supplement_ms = t.supplement_ms + excluded.supplement_ms,
          supplemented = t.supplemented + excluded.supplemented, late = t.late + excluded.late
        returning 1
      ), sh as (
        insert into sla_step_histogram as t (grain, day, process_id, step_id, department, bucket, steps)
        select g.grain, case when g.grain = 'day' then x.day else x.month end, m.process_id, x.step_id,
               s.department, x.bucket, ${k}1
        from meta m cross join ${stepRows} cross join (values ('day'), ('month')) as g(grain)
        where x.timed
        order by 1, 2, 4, 6
        on conflict (grain, day, process_id, step_id, bucket) do update set steps = t.steps + excluded.steps
        returning 1
      )`;
  return sql`${meta}${cases}${steps}`;
}

/** A batch's rows as the trail stores them, and the chain's hash after its last. */
export function batchRows({ caseId, previousHash, events, fence }: ProjectCaseArgs) {
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
      fence: fence ?? null,
    };
  });
  return { rows, hash };
}
export type BatchRow = ReturnType<typeof batchRows>['rows'][number];

/**
 * Writes a batch (see the file's head) and answers the chain's new last hash. `onWritten` runs when the
 * batch was new (a retried batch writes nothing): the engine's metrics count events there, exactly once.
 */
export async function projectEvents(
  db: Db,
  args: ProjectCaseArgs,
  onWritten?: (events: CaseEvent[], written: WrittenBatch) => void,
): Promise<string> {
  const { rows, hash } = batchRows(args);
  if (await writeBatch(db, args, rows, onWritten)) return hash;
  await db.transaction((tx) =>
    settleTakenSequence(tx, args, rows, async () => {
      if (!(await writeBatch(tx, args, rows, onWritten)))
        throw new Error('the replacement batch was not written');
    }),
  );
  return hash;
}

/**
 * The statement: the events are inserted only if none of their sequence numbers (or later ones) are
 * taken, and only then are the step rows, the case row, the delivery, incidents and SLA summaries
 * updated. Answers whether it wrote.
 */
async function writeBatch(
  db: Db | Tx,
  { caseId, events }: ProjectCaseArgs,
  rows: BatchRow[],
  onWritten?: (events: CaseEvent[], written: WrittenBatch) => void,
): Promise<boolean> {
  const { steps, kase } = changesOf(events);
  const statement = sql`
      with ev as (
        insert into case_events (case_id, seq, type, step_id, actor, at, opinion, details, hash, fence)
        select ${caseId}::uuid, e.seq, e.type, e.step_id, e.actor, e.at, e.opinion, e.details, e.hash, e.fence
        from jsonb_to_recordset(${JSON.stringify(rows)}::jsonb)
          as e(seq int, type text, step_id text, actor text, at timestamptz, opinion text, details jsonb, hash text,
               fence int)
        where not exists (
          select 1 from case_events t where t.case_id = ${caseId}::uuid and t.seq >= ${rows[0]!.seq}
        )
        on conflict (case_id, seq) do nothing
        returning seq
      )${
        steps.length > 0
          ? sql`, st as (
        update case_steps s set
          ${stepAssignments(steps)}
        from jsonb_array_elements(${JSON.stringify(steps)}::jsonb) as x(j)
        where s.case_id = ${caseId}::uuid and s.step_id = x.j->>'step_id' and exists (select 1 from ev)
        returning ${BACKLOG_RETURNING}
      )${countsInBacklog(steps) ? sql`, ${backlogCte(caseId, 'st')}` : sql``}`
          : sql``
      }${deliveryCte(caseId, kase)}${incidentsCtes(caseId, events)}${slaCtes(caseId, slaChangesOf(events))}
      update cases set
        data = data || ${JSON.stringify(kase.data)}::jsonb,
        status = coalesce(${kase.status}::text, status),
        closed_at = coalesce(${kase.closedAt}::timestamptz, closed_at),
        promised_deadline = coalesce(${kase.deadline}::timestamptz, promised_deadline),
        yellow_at = coalesce(${kase.yellowAt}::timestamptz, yellow_at),
        updated_at = ${kase.updatedAt}::timestamptz
      where id = ${caseId}::uuid and exists (select 1 from ev)
      returning process_id as "processId",
        ${onWritten ? sql`(select jsonb_object_agg(step_id, department) from case_steps where case_id = ${caseId}::uuid)` : sql`null`} as departments
    `;
  const written = await runWrite(db, statement);
  if (!written) return false;
  if (onWritten) onWritten(events, { ...written, departments: written.departments ?? {} });
  return true;
}

/**
 * The statement's one row, if it wrote: as a named prepared statement on PGlite (db/pglite-prepared.ts),
 * through drizzle otherwise (postgres.js prepares its own; a transaction's statements stay in it).
 */
async function runWrite(db: Db | Tx, statement: SQL): Promise<WrittenBatch | undefined> {
  const prepared = preparedRunnerOf(db);
  if (!prepared) return rowsOf<WrittenBatch>(await db.execute(statement))[0];
  const [row] = await prepared(statement);
  if (!row) return undefined;
  const [processId, departments] = row;
  return { processId: processId!, departments: departments ? JSON.parse(departments) : null };
}
