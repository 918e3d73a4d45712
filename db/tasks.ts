// The worklist (GET /api/tasks): a department's steps awaiting a decision, most urgent first (nearest
// deadline, then oldest dispatch), filtered by process, colour, due date, holder, keyset-paginated, and the
// counts by colour behind the badge. Every page and count reads case_steps_pending_idx (or, for "mine",
// case_steps_assignee_idx) in its order: the cost is the page, not the department's backlog.
import { and, asc, eq, isNull, type SQL, sql } from 'drizzle-orm';
import { type ClockColour, stepColour, stepDue } from './case-list.ts';
import type { CaseRow, StepRow } from './cases.ts';
import type { Db } from './client.ts';
import { rowsOf } from './client.ts';
import type { Cursor } from './cursor.ts';
import { caseSteps, cases, users } from './schema.ts';

export type Urgency = ClockColour | 'none';

export interface TaskFilter {
  department: string;
  processId?: string;
  urgency?: Urgency;
  /** Due (promised, else statutory deadline) before this instant. */
  dueBefore?: Date;
  /** Only the tasks this member of staff holds. */
  assignee?: string;
  /** Only tasks nobody has claimed. */
  unassigned?: boolean;
  after?: Cursor;
  limit: number;
}

/** The step columns a task shows (not its outputs, opinion, reasons and the rest of the row). */
const taskStepColumns = {
  caseId: caseSteps.caseId,
  stepId: caseSteps.stepId,
  status: caseSteps.status,
  dispatchedAt: caseSteps.dispatchedAt,
  promisedDeadline: caseSteps.promisedDeadline,
  statutoryDeadline: caseSteps.statutoryDeadline,
  yellowAt: caseSteps.yellowAt,
  assignee: caseSteps.assignee,
  incident: caseSteps.incident,
};
export type TaskStep = Pick<StepRow, keyof typeof taskStepColumns>;

export interface TaskRow {
  step: TaskStep;
  /** The display name of the step's assignee, if any (joined here: a query less per page). */
  assigneeName: string | null;
  caseNo: string;
  processId: string;
  processVersion: number;
  application: Record<string, unknown>;
  data: CaseRow['data'];
}

function urgencyCondition(urgency: Urgency, now: Date): SQL | undefined {
  if (urgency === 'none') return sql`${stepDue} = 'infinity'::timestamptz`;
  return stepColour(urgency, now);
}

/** The cursor of a task: its due instant, then dispatch, case and step. */
export function taskCursorOf(step: TaskStep): Cursor {
  const due = step.promisedDeadline ?? step.statutoryDeadline;
  return {
    key: due ? due.toISOString() : 'infinity',
    ids: [step.dispatchedAt?.toISOString() ?? '-infinity', step.caseId, step.stepId],
  };
}

export async function departmentTasks(db: Db, filter: TaskFilter, now = new Date()): Promise<TaskRow[]> {
  const after = filter.after
    ? sql`(${stepDue}, ${caseSteps.dispatchedAt}, ${caseSteps.caseId}, ${caseSteps.stepId}) >
          (${filter.after.key}::timestamptz, ${filter.after.ids[0]}::timestamptz, ${filter.after.ids[1]}::uuid, ${filter.after.ids[2]})`
    : undefined;
  return db
    .select({
      step: taskStepColumns,
      assigneeName: users.displayName,
      caseNo: cases.caseNo,
      processId: cases.processId,
      processVersion: cases.processVersion,
      application: cases.application,
      data: cases.data,
    })
    .from(caseSteps)
    .innerJoin(cases, eq(cases.id, caseSteps.caseId))
    .leftJoin(users, eq(users.id, caseSteps.assignee))
    .where(
      and(
        eq(caseSteps.department, filter.department),
        eq(caseSteps.status, 'awaiting_decision'),
        filter.assignee ? eq(caseSteps.assignee, filter.assignee) : undefined,
        filter.unassigned ? isNull(caseSteps.assignee) : undefined,
        filter.processId ? eq(caseSteps.processId, filter.processId) : undefined,
        filter.urgency ? urgencyCondition(filter.urgency, now) : undefined,
        filter.dueBefore ? sql`${stepDue} < ${filter.dueBefore.toISOString()}::timestamptz` : undefined,
        after,
      ),
    )
    .orderBy(asc(stepDue), asc(caseSteps.dispatchedAt), asc(caseSteps.caseId), asc(caseSteps.stepId))
    .limit(filter.limit);
}

export interface TaskCounts {
  total: number;
  red: number;
  yellow: number;
  green: number;
  none: number;
  mine: number;
  unassigned: number;
}

/** The worklist badge: a department's pending steps by colour now, and by holder. */
export async function taskCounts(
  db: Db,
  department: string,
  userId: string,
  now = new Date(),
): Promise<TaskCounts> {
  const at = now.toISOString();
  const result = await db.execute(sql`
    select count(*)::int as total,
           count(*) filter (where ${stepDue} <= ${at}::timestamptz)::int as red,
           count(*) filter (where ${stepDue} > ${at}::timestamptz and ${caseSteps.yellowAt} <= ${at}::timestamptz)::int as yellow,
           count(*) filter (where ${stepDue} > ${at}::timestamptz and ${stepDue} < 'infinity'::timestamptz
                              and (${caseSteps.yellowAt} is null or ${caseSteps.yellowAt} > ${at}::timestamptz))::int as green,
           count(*) filter (where ${stepDue} = 'infinity'::timestamptz)::int as none,
           count(*) filter (where ${caseSteps.assignee} = ${userId}::uuid)::int as mine,
           count(*) filter (where ${caseSteps.assignee} is null)::int as unassigned
    from ${caseSteps}
    where ${caseSteps.department} = ${department} and ${caseSteps.status} = 'awaiting_decision'
  `);
  return rowsOf<TaskCounts>(result)[0]!;
}
