// SLA reports (电子监察) from the summaries the projection maintains (db/sla-changes.ts): exact, and never
// behind the worklist. Days are China dates, ranges [from, to). A year reads twelve monthly histograms.
// Each read is a part: a scalar subquery that yields its rows as one JSON value, so a report asks for all
// its parts in one statement (readParts). Every statement costs the API a socket write and the driver's
// work whatever its size (0.3-0.45 CPU-ms here), and a report had seven; and the driver decodes one
// JSON text faster than a column at a time.
import { type AnyColumn, and, eq, gte, lt, or, type SQL, sql } from 'drizzle-orm';
import type { Db } from './client.ts';
import { rowsOf } from './client.ts';
import { caseSteps, slaCaseDaily, slaStepBacklog, slaStepDaily, slaStepHistogram } from './schema.ts';

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

/** The case sums, named as CaseFigures names them. */
const caseSums = sql`
  coalesce(sum(${slaCaseDaily.opened}), 0)::int as "opened",
  coalesce(sum(${slaCaseDaily.completed}), 0)::int as "completed",
  coalesce(sum(${slaCaseDaily.partiallyCompleted}), 0)::int as "partiallyCompleted",
  coalesce(sum(${slaCaseDaily.denied}), 0)::int as "denied",
  coalesce(sum(${slaCaseDaily.withdrawn}), 0)::int as "withdrawn",
  coalesce(sum(${slaCaseDaily.terminated}), 0)::int as "terminated",
  coalesce(sum(${slaCaseDaily.promised}), 0)::int as "promised",
  coalesce(sum(${slaCaseDaily.promiseKept}), 0)::int as "promiseKept"`;

/** A part of a report: what a statement returns, as a JSON value, and its type. */
export interface Part<T> {
  sql: SQL;
  /** Never called: carries the part's type to readParts. */
  type?: T;
}

/** The rows of a query as one JSON array (empty when there are none), in `order`. */
export function jsonRows<T>(query: SQL, order?: SQL): Part<T[]> {
  return {
    sql: sql`(select coalesce(json_agg(q${order ? sql` order by ${order}` : sql``}), '[]'::json) from (${query}) q)`,
  };
}

/** The one row of a query as a JSON object. */
export function jsonRow<T>(query: SQL): Part<T> {
  return { sql: sql`(select row_to_json(q) from (${query}) q)` };
}

/**
 * Reads the parts in one statement. The rows come as the driver gives them (through db.execute): drizzle's
 * row mapping finds each sql`` field's decoder by walking its class chain, about 2 CPU-ms a year's report.
 */
export async function readParts<P extends Record<string, Part<unknown>>>(
  db: Db,
  parts: P,
): Promise<ValuesOf<P>> {
  const columns = Object.entries(parts).map(([name, part]) => sql`${part.sql} as ${sql.identifier(name)}`);
  const [row] = rowsOf<ValuesOf<P>>(await db.execute(sql`select ${sql.join(columns, sql`, `)}`));
  return row!;
}

/** What readParts gives for each named part. */
type ValuesOf<P> = { [K in keyof P]: P[K] extends Part<infer T> ? T : never };

function caseWhere(r: SlaRange, department: SQL | undefined) {
  return and(
    department,
    gte(slaCaseDaily.day, r.from),
    lt(slaCaseDaily.day, r.to),
    r.processId ? eq(slaCaseDaily.processId, r.processId) : undefined,
  );
}

/** Cases opened and closed in the range, by day (the department's: cases with a step of it). */
export const caseDays = (r: SlaRange) =>
  jsonRows<CaseFigures>(
    sql`
      select ${slaCaseDaily.day}::text as day, ${caseSums}
      from ${slaCaseDaily}
      where ${caseWhere(r, eq(slaCaseDaily.department, r.department ?? '*'))}
      group by ${slaCaseDaily.day}`,
    sql`q.day`,
  );

/** Case figures per department (each counts the cases it has a step in). */
export const caseDepartments = (r: SlaRange) =>
  jsonRows<CaseFigures>(
    sql`
      select ${slaCaseDaily.department} as department, ${caseSums}
      from ${slaCaseDaily}
      where ${caseWhere(
        r,
        r.department ? eq(slaCaseDaily.department, r.department) : sql`${slaCaseDaily.department} <> '*'`,
      )}
      group by ${slaCaseDaily.department}`,
    sql`q.department`,
  );

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
export function stepEnds(r: SlaRange): Part<StepFigures[]> {
  const d = slaStepDaily;
  return jsonRows<StepFigures>(sql`
    select ${d.processId} as "processId", ${d.stepId} as "stepId", ${d.department} as department,
           sum(${d.ended})::int as ended, sum(${d.approved})::int as approved,
           sum(${d.denied})::int as denied, sum(${d.terminated})::int as terminated,
           sum(${d.workingMs})::float8 as "workingMs", sum(${d.supplementMs})::float8 as "supplementMs",
           sum(${d.supplemented})::int as supplemented, sum(${d.late})::int as late
    from ${d}
    where ${and(
      periodsOf(r, d.grain, d.day),
      r.processId ? eq(d.processId, r.processId) : undefined,
      r.department ? eq(d.department, r.department) : undefined,
    )}
    group by ${d.processId}, ${d.stepId}, ${d.department}`);
}

export async function stepFigures(db: Db, r: SlaRange): Promise<StepFigures[]> {
  return (await readParts(db, { steps: stepEnds(r) })).steps;
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

/** A step's histogram as one JSON row: its buckets as [bucket, steps] pairs. */
export interface StepHistogram {
  processId: string;
  stepId: string;
  department: string;
  buckets: [number, number][];
}

/**
 * Working-time histograms of the steps that ended in the range (buckets of db/sla-changes.ts bucketOf).
 * One row per step with its buckets as a JSON array: a year has thousands of (step, bucket) sums.
 */
export function histograms(r: SlaRange): Part<StepHistogram[]> {
  const h = slaStepHistogram;
  return jsonRows<StepHistogram>(sql`
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
}

/** The histograms a row per (step, bucket). */
export function histogramRows(steps: StepHistogram[]): HistogramRow[] {
  const rows: HistogramRow[] = [];
  for (const step of steps)
    for (const [bucket, n] of step.buckets)
      rows.push({
        processId: step.processId,
        stepId: step.stepId,
        department: step.department,
        bucket,
        steps: n,
      });
  return rows;
}

export async function stepHistograms(db: Db, r: SlaRange): Promise<HistogramRow[]> {
  return histogramRows((await readParts(db, { histograms: histograms(r) })).histograms);
}

export interface OpenOverdue {
  processId: string;
  stepId: string;
  department: string;
  steps: number;
}

/**
 * Steps their departments hold past the promise now (awaiting a decision, promised deadline passed), from
 * the backlog (UTC): the months before this one, this month's days before today, today's hours before this
 * one, and this hour's steps due by now from case_steps. A bounded number of rows (at most a few thousand
 * however the deadlines fall), where counting the overdue steps themselves read ~25,000 at a million cases.
 */
export function overdueSteps(r: Pick<SlaRange, 'processId' | 'department'>, now: Date): Part<OpenOverdue[]> {
  const b = slaStepBacklog;
  const iso = now.toISOString();
  const thisMonth = `${iso.slice(0, 7)}-01T00:00:00.000Z`;
  const today = `${iso.slice(0, 10)}T00:00:00.000Z`;
  const thisHour = `${iso.slice(0, 13)}:00:00.000Z`;
  const period = (grain: string, from: string | null, to: string) =>
    and(
      eq(b.grain, grain),
      from === null ? undefined : sql`${b.due} >= ${from}::timestamptz`,
      sql`${b.due} < ${to}::timestamptz`,
    );
  return jsonRows<OpenOverdue>(sql`
    select process_id as "processId", step_id as "stepId", department, sum(steps)::int as steps
    from (
      select ${b.processId} as process_id, ${b.stepId} as step_id, ${b.department} as department,
             ${b.steps} as steps
      from ${b}
      where ${and(
        or(
          period('month', null, thisMonth),
          period('day', thisMonth, today),
          period('hour', today, thisHour),
        ),
        r.department ? eq(b.department, r.department) : undefined,
        r.processId ? eq(b.processId, r.processId) : undefined,
      )}
      union all
      select s.process_id, s.step_id, s.department, 1
      from ${caseSteps} s
      where s.status = 'awaiting_decision'
        and s.promised_deadline >= ${thisHour}::timestamptz
        and s.promised_deadline <= ${now.toISOString()}::timestamptz
        ${r.department ? sql`and s.department = ${r.department}` : sql``}
        ${r.processId ? sql`and s.process_id = ${r.processId}` : sql``}
    ) due
    group by 1, 2, 3
    having sum(steps) > 0`);
}

export async function openOverdueSteps(
  db: Db,
  r: Pick<SlaRange, 'processId' | 'department'>,
  now = new Date(),
): Promise<OpenOverdue[]> {
  return (await readParts(db, { overdue: overdueSteps(r, now) })).overdue;
}

export { addDays };
