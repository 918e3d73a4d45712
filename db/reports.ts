// SLA reports (电子监察) from the summaries the projection maintains (db/sla-changes.ts): exact, and never
// behind the worklist. Days are China dates, ranges [from, to). A year reads twelve monthly histograms.
import { type AnyColumn, and, eq, gte, lt, type SQL, sql } from 'drizzle-orm';
import type { Db } from './client.ts';
import { rowsOf } from './client.ts';
import { caseSteps, slaCaseDaily, slaStepDaily, slaStepHistogram } from './schema.ts';

export interface SlaRange {
  /** First China day, YYYY-MM-DD. */
  from: string;
  /** The day after the last, YYYY-MM-DD. */
  to: string;
  processId?: string;
  department?: string;
}

export interface CaseFigures {
  day?: string;
  department?: string;
  opened: number;
  completed: number;
  partiallyCompleted: number;
  denied: number;
  withdrawn: number;
  terminated: number;
  promised: number;
  promiseKept: number;
}

const caseSums = {
  opened: sql<number>`coalesce(sum(${slaCaseDaily.opened}), 0)::int`,
  completed: sql<number>`coalesce(sum(${slaCaseDaily.completed}), 0)::int`,
  partiallyCompleted: sql<number>`coalesce(sum(${slaCaseDaily.partiallyCompleted}), 0)::int`,
  denied: sql<number>`coalesce(sum(${slaCaseDaily.denied}), 0)::int`,
  withdrawn: sql<number>`coalesce(sum(${slaCaseDaily.withdrawn}), 0)::int`,
  terminated: sql<number>`coalesce(sum(${slaCaseDaily.terminated}), 0)::int`,
  promised: sql<number>`coalesce(sum(${slaCaseDaily.promised}), 0)::int`,
  promiseKept: sql<number>`coalesce(sum(${slaCaseDaily.promiseKept}), 0)::int`,
};

function caseWhere(r: SlaRange, department: SQL | undefined) {
  return and(
    department,
    gte(slaCaseDaily.day, r.from),
    lt(slaCaseDaily.day, r.to),
    r.processId ? eq(slaCaseDaily.processId, r.processId) : undefined,
  );
}

/** Cases opened and closed in the range, by day (the department's: cases with a step of it). */
export async function caseFiguresByDay(db: Db, r: SlaRange): Promise<CaseFigures[]> {
  return db
    .select({ day: slaCaseDaily.day, ...caseSums })
    .from(slaCaseDaily)
    .where(caseWhere(r, eq(slaCaseDaily.department, r.department ?? '*')))
    .groupBy(slaCaseDaily.day)
    .orderBy(slaCaseDaily.day);
}

/** Case figures per department (each counts the cases it has a step in). */
export async function caseFiguresByDepartment(db: Db, r: SlaRange): Promise<CaseFigures[]> {
  return db
    .select({ department: slaCaseDaily.department, ...caseSums })
    .from(slaCaseDaily)
    .where(
      caseWhere(
        r,
        r.department ? eq(slaCaseDaily.department, r.department) : sql`${slaCaseDaily.department} <> '*'`,
      ),
    )
    .groupBy(slaCaseDaily.department)
    .orderBy(slaCaseDaily.department);
}

export interface StepFigures {
  processId: string;
  stepId: string;
  department: string;
  ended: number;
  approved: number;
  denied: number;
  terminated: number;
  workingMs: number;
  supplementMs: number;
  supplemented: number;
  late: number;
}

/** Steps that ended in the range, per process and step (whole months from the monthly rows). */
export async function stepFigures(db: Db, r: SlaRange): Promise<StepFigures[]> {
  const d = slaStepDaily;
  return db
    .select({
      processId: slaStepDaily.processId,
      stepId: slaStepDaily.stepId,
      department: slaStepDaily.department,
      ended: sql<number>`sum(${slaStepDaily.ended})::int`,
      approved: sql<number>`sum(${slaStepDaily.approved})::int`,
      denied: sql<number>`sum(${slaStepDaily.denied})::int`,
      terminated: sql<number>`sum(${slaStepDaily.terminated})::int`,
      workingMs: sql<number>`sum(${slaStepDaily.workingMs})::float8`,
      supplementMs: sql<number>`sum(${slaStepDaily.supplementMs})::float8`,
      supplemented: sql<number>`sum(${slaStepDaily.supplemented})::int`,
      late: sql<number>`sum(${slaStepDaily.late})::int`,
    })
    .from(slaStepDaily)
    .where(
      and(
        periodsOf(r, d.grain, d.day),
        r.processId ? eq(slaStepDaily.processId, r.processId) : undefined,
        r.department ? eq(slaStepDaily.department, r.department) : undefined,
      ),
    )
    .groupBy(slaStepDaily.processId, slaStepDaily.stepId, slaStepDaily.department);
}

const addDays = (day: string, n: number) =>
  new Date(Date.parse(`${day}T00:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10);
const firstOfNextMonth = (day: string) => {
  const d = new Date(`${day.slice(0, 7)}-01T00:00:00Z`);
  d.setUTCMonth(d.getUTCMonth() + 1);
  return d.toISOString().slice(0, 10);
};

/** The range as whole months (read from the monthly histogram) and the days around them. */
export function splitByMonths(from: string, to: string): { months: string[]; days: [string, string][] } {
  const firstMonth = from.endsWith('-01') ? from : firstOfNextMonth(from);
  const months: string[] = [];
  let m = firstMonth;
  while (firstOfNextMonth(m) <= to) {
    months.push(m);
    m = firstOfNextMonth(m);
  }
  if (months.length === 0) return { months, days: [[from, to]] };
  const days: [string, string][] = [];
  if (from < months[0]!) days.push([from, months[0]!]);
  const end = firstOfNextMonth(months.at(-1)!);
  if (end < to) days.push([end, to]);
  return { months, days };
}

export interface HistogramRow {
  processId: string;
  stepId: string;
  department: string;
  bucket: number;
  steps: number;
}

/** The range's rows of a table kept per day and per month: the whole months' monthly rows, days around. */
function periodsOf(r: SlaRange, grain: AnyColumn, day: AnyColumn): SQL {
  const { months, days } = splitByMonths(r.from, r.to);
  const periods = [
    ...(months.length > 0
      ? [
          and(
            eq(grain, 'month'),
            sql`${day} in (${sql.join(
              months.map((m) => sql`${m}::date`),
              sql`, `,
            )})`,
          )!,
        ]
      : []),
    ...days.map(([a, b]) => and(eq(grain, 'day'), gte(day, a), lt(day, b))!),
  ];
  return sql`(${sql.join(periods, sql` or `)})`;
}

/**
 * Working-time histograms of the steps that ended in the range (buckets of db/sla-changes.ts bucketOf).
 * One row per step with its buckets as a JSON array: a year has thousands of (step, bucket) sums, and
 * mapping each as a row of its own took a fifth of the report's time.
 */
export async function stepHistograms(db: Db, r: SlaRange): Promise<HistogramRow[]> {
  const h = slaStepHistogram;
  const result = await db.execute(sql`
    select b.process_id as "processId", b.step_id as "stepId", b.department,
           json_agg(json_build_array(b.bucket, b.steps)) as buckets
    from (
      select ${h.processId} as process_id, ${h.stepId} as step_id, ${h.department} as department,
             ${h.bucket} as bucket, sum(${h.steps})::int as steps
      from ${h}
      where ${and(
        periodsOf(r, h.grain, h.day),
        r.processId ? eq(h.processId, r.processId) : undefined,
        r.department ? eq(h.department, r.department) : undefined,
      )}
      group by 1, 2, 3, 4
    ) b
    group by 1, 2, 3`);
  const rows: HistogramRow[] = [];
  for (const step of rowsOf<Omit<HistogramRow, 'bucket' | 'steps'> & { buckets: [number, number][] }>(result))
    for (const [bucket, steps] of step.buckets)
      rows.push({
        processId: step.processId,
        stepId: step.stepId,
        department: step.department,
        bucket,
        steps,
      });
  return rows;
}

export interface OpenOverdue {
  processId: string;
  stepId: string;
  department: string;
  steps: number;
}

/** Steps their departments hold past the promise now (awaiting a decision, promised deadline passed). */
export async function openOverdueSteps(
  db: Db,
  r: Pick<SlaRange, 'processId' | 'department'>,
  now = new Date(),
) {
  const result = await db.execute(sql`
    select s.process_id as "processId", s.step_id as "stepId", s.department, count(*)::int as steps
    from ${caseSteps} s
    where s.status = 'awaiting_decision' and s.promised_deadline <= ${now.toISOString()}::timestamptz
      ${r.department ? sql`and s.department = ${r.department}` : sql``}
      ${r.processId ? sql`and s.process_id = ${r.processId}` : sql``}
    group by 1, 2, 3
  `);
  return rowsOf<OpenOverdue>(result);
}

export { addDays };
