// When a batch's sequence numbers are taken: the same batch written before (a local activity retried after
// its first attempt wrote), or the events of a workflow task that died after its projection wrote them and
// before the Temporal server recorded the task (a worker killed in that window). The server then retries
// the task, which runs the same Updates again at a new workflow time and makes new events under the same
// numbers. The workflow's history is the case's record, so the dead task's events never happened: they
// are removed, their share of the read model and the SLA summaries taken back out, and the replacement
// written, in one transaction, so the trail equals the workflow's history whatever instant a worker dies.
//
// Fencing: each row carries the history length of the task that made it. A retried task always runs at a
// longer history than the task it replaces, so a task that is merely slow (a worker that stalled past the
// task's timeout while another worker took the task over) can never remove a live task's rows: it is
// refused, and the server refuses its completion anyway.
import { and, asc, eq, gte, sql } from 'drizzle-orm';
import type { CaseEvent } from '../process/events.ts';
import type { BatchRow, ProjectCaseArgs, Tx } from './case-events.ts';
import { slaCtes, stepAssignments } from './case-events.ts';
import { rowsOf } from './client.ts';
import { changesOf, type StepChange } from './read-model-changes.ts';
import { caseEvents } from './schema.ts';
import { BACKLOG_RETURNING, backlogCte } from './sla-backlog.ts';
import { slaChangesOf } from './sla-changes.ts';

/** A stale workflow task: a newer task of the case has written these sequence numbers. */
export class StaleWorkflowTask extends Error {
  constructor(seq: number) {
    super(`a newer workflow task of this case has written events from seq ${seq}; this task is stale`);
  }
}

type StoredRow = typeof caseEvents.$inferSelect;

/** The event a trail row records (db/audit.ts auditRow, the other way round). */
function eventOf(r: StoredRow): CaseEvent {
  return {
    ...r.details,
    seq: r.seq,
    type: r.type,
    at: r.at.toISOString(),
    actor: r.actor,
    ...(r.stepId !== null ? { stepId: r.stepId } : {}),
    ...(r.opinion !== null ? { opinion: r.opinion } : {}),
  } as CaseEvent;
}

const eventsFrom = async (tx: Tx, caseId: string, seq: number) =>
  (
    await tx
      .select()
      .from(caseEvents)
      .where(and(eq(caseEvents.caseId, caseId), gte(caseEvents.seq, seq)))
      .orderBy(asc(caseEvents.seq))
  ).map((r) => ({ row: r, event: eventOf(r) }));

/**
 * Settles a batch whose sequence numbers are taken (see the file's head); `write` writes the batch once
 * the dead task's rows are gone. Runs in the caller's transaction, the case row locked.
 */
export async function settleTakenSequence(
  tx: Tx,
  args: ProjectCaseArgs,
  rows: BatchRow[],
  write: () => Promise<void>,
): Promise<void> {
  const { caseId } = args;
  const first = rows[0]!.seq;
  await tx.execute(sql`select 1 from cases where id = ${caseId}::uuid for update`);
  const stored = await eventsFrom(tx, caseId, first);
  // The same batch written before: done. Rows after it may be a dead task's later batches; the batch
  // that takes their numbers again replaces them. (A batch that outlived its task replays with that
  // task's history length as its fence, shorter than the dead task's later batches carry.)
  if (stored.length >= rows.length && rows.every((r, i) => stored[i]!.row.hash === r.hash)) return;
  if (stored.length === 0) return write();
  const fence = args.fence ?? -1;
  if (stored.some((s) => (s.row.fence ?? 0) >= fence)) throw new StaleWorkflowTask(first);

  const dead = stored.map((s) => s.event);
  await tx.execute(sql`select supersede_case_events(${caseId}::uuid, ${first}::int, ${fence}::int)`);
  const undoSla = slaCtes(caseId, slaChangesOf(dead), -1);
  if (undoSla.queryChunks.length > 0) await tx.execute(sql`with ev as (select 1)${undoSla} select 1`);
  if (dead.some((e) => e.type === 'case.closed'))
    await tx.execute(sql`delete from deliveries where case_id = ${caseId}::uuid`);
  await write();
  await restoreReadModel(tx, caseId, dead);
}

/**
 * The case row, and each column the dead events set on a step row, as the whole trail (now without them)
 * sets it: a column no remaining event sets goes back to what intake wrote.
 */
async function restoreReadModel(tx: Tx, caseId: string, dead: CaseEvent[]): Promise<void> {
  const events = (await eventsFrom(tx, caseId, 1)).map((s) => s.event);
  const whole = changesOf(events);
  const wholeSteps = new Map(whole.steps.map((s) => [s.step_id, s]));
  const [{ submittedAt } = { submittedAt: '' }] = rowsOf<{ submittedAt: string }>(
    await tx.execute(sql`select submitted_at as "submittedAt" from cases where id = ${caseId}::uuid`),
  );
  const restored: StepChange[] = changesOf(dead).steps.map((deadStep) => {
    const now = wholeSteps.get(deadStep.step_id);
    const change: Record<string, unknown> = {
      step_id: deadStep.step_id,
      status: now?.status ?? 'blocked',
      updated_at: now?.updated_at ?? new Date(submittedAt).toISOString(),
    };
    for (const column of Object.keys(deadStep)) {
      if (column === 'step_id' || column === 'status' || column === 'updated_at') continue;
      change[column] =
        now && column in now ? now[column as keyof StepChange] : intakeValue(column, deadStep, dead);
    }
    return change as StepChange;
  });
  // The step rows back as they were, and the backlog with them (db/sla-backlog.ts).
  if (restored.length > 0)
    await tx.execute(sql`
      with st as (
        update case_steps s set ${stepAssignments(restored)}
        from jsonb_array_elements(${JSON.stringify(restored)}::jsonb) as x(j)
        where s.case_id = ${caseId}::uuid and s.step_id = x.j->>'step_id'
        returning ${BACKLOG_RETURNING}
      ), ${backlogCte(caseId, 'st')}
      select 1`);
  const kase = whole.kase;
  await tx.execute(sql`
    update cases set
      data = ${JSON.stringify(kase.data)}::jsonb,
      status = coalesce(${kase.status}::text, 'running'),
      closed_at = ${kase.closedAt}::timestamptz,
      promised_deadline = ${kase.deadline}::timestamptz,
      yellow_at = ${kase.yellowAt}::timestamptz,
      updated_at = ${kase.updatedAt}::timestamptz
    where id = ${caseId}::uuid`);
}

/** What intake wrote in a step column no remaining event sets: round 0, the materials owed, or nothing. */
function intakeValue(column: string, step: StepChange, dead: CaseEvent[]): unknown {
  if (column === 'round') return 0;
  if (column !== 'owed') return null;
  const resolved = dead.find(
    (e): e is Extract<CaseEvent, { type: 'step.deficiency_resolved' }> =>
      e.type === 'step.deficiency_resolved' && e.stepId === step.step_id,
  );
  return resolved ? [...resolved.materials, ...resolved.remaining] : [];
}
