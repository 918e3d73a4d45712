// Case search for clerks, managers and department staff (no personal data in the answer): by process,
// status, department, clock colour (the case's own promise, or any step its department holds), what a step
// awaits (the applicant's supplement, a decision), dates,
// case number and applicant (a keyed hash of an identifier, db/applicants.ts), sorted by submission,
// deadline, closing or case number, keyset-paginated. Every sort is an index (db/schema.ts):
// (sort key, id) alone or after the equality filter, so a page costs the rows it shows plus those skipped.
import { and, asc, desc, eq, exists, gt, gte, inArray, like, lt, lte, or, type SQL, sql } from 'drizzle-orm';
import type { CaseRow } from './cases.ts';
import type { Db } from './client.ts';
import type { Cursor } from './cursor.ts';
import { caseApplicants, caseSteps, cases } from './schema.ts';

export type ClockColour = 'green' | 'yellow' | 'red';
export type CaseSort = 'submitted' | 'deadline' | 'closed' | 'caseNo';

export interface CaseListFilter {
  processId?: string;
  status?: string;
  /** Only cases with a step (that applies) of this department. */
  department?: string;
  /** The colour of the case's own promise now (running cases only). */
  clock?: ClockColour;
  /** Cases with a step of that colour now, among those their departments hold (awaiting a decision). */
  stepClock?: ClockColour;
  /** Only running cases with a red clock: the case's own promise, or a step its department holds. */
  overdue?: boolean;
  /**
   * Running cases with a step waiting for the applicant's supplement (补正), or for its department's
   * decision; with `department`, a step of that department.
   */
  awaiting?: 'supplement' | 'decision';
  submittedFrom?: Date;
  submittedTo?: Date;
  closedFrom?: Date;
  closedTo?: Date;
  /** A whole case number, or its beginning (e.g. a day: YJS-20261128). */
  caseNo?: string;
  /** The keyed hash of an applicant's identifier. */
  applicantHash?: string;
  sort?: CaseSort;
  order?: 'asc' | 'desc';
  /** Where the previous page ended. */
  after?: Cursor;
  limit: number;
}

/** Escapes LIKE's wildcards so a case number prefix matches literally. */
const literal = (text: string) => text.replace(/[\\%_]/g, (c) => `\\${c}`);

/** The due instant of a step (the worklist's): promised, else statutory, else never. */
export const stepDue = sql`coalesce(${caseSteps.promisedDeadline}, ${caseSteps.statutoryDeadline}, 'infinity'::timestamptz)`;
const caseDue = sql`coalesce(${cases.promisedDeadline}, 'infinity'::timestamptz)`;

/** The colour of a running case's own promise at `now` (levelAt: red from the deadline, yellow from yellowAt). */
function caseColour(colour: ClockColour, now: Date): SQL | undefined {
  const running = eq(cases.status, 'running');
  if (colour === 'red') return and(running, lte(cases.promisedDeadline, now));
  if (colour === 'yellow') return and(running, gt(cases.promisedDeadline, now), lte(cases.yellowAt, now));
  return and(
    running,
    gt(cases.promisedDeadline, now),
    or(sql`${cases.yellowAt} is null`, gt(cases.yellowAt, now)),
  );
}

/** The colour of a step awaiting a decision at `now`, from its recorded deadlines (as the worklist's urgency). */
export function stepColour(colour: ClockColour, now: Date): SQL | undefined {
  const pending = eq(caseSteps.status, 'awaiting_decision');
  if (colour === 'red') return and(pending, sql`${stepDue} <= ${now.toISOString()}::timestamptz`);
  const notRed = sql`${stepDue} > ${now.toISOString()}::timestamptz`;
  const hasDeadline = sql`${stepDue} < 'infinity'::timestamptz`;
  if (colour === 'yellow') return and(pending, notRed, lte(caseSteps.yellowAt, now));
  return and(
    pending,
    notRed,
    hasDeadline,
    or(sql`${caseSteps.yellowAt} is null`, gt(caseSteps.yellowAt, now)),
  );
}

/** The step status each `awaiting` filter looks for. */
const AWAITING = { supplement: 'supplement_requested', decision: 'awaiting_decision' } as const;

const SORTS = {
  submitted: { key: sql`${cases.submittedAt}`, type: 'timestamptz', defaultOrder: 'desc' },
  deadline: { key: caseDue, type: 'timestamptz', defaultOrder: 'asc' },
  closed: { key: sql`${cases.closedAt}`, type: 'timestamptz', defaultOrder: 'desc' },
  caseNo: { key: sql`${cases.caseNo}`, type: 'text', defaultOrder: 'asc' },
} as const;

/**
 * The columns a result list shows (never the application, the data or the idempotency record): a page of
 * 50 cases with their whole rows cost the API most of its time in decoding JSON it then dropped.
 */
const summaryColumns = {
  id: cases.id,
  caseNo: cases.caseNo,
  processId: cases.processId,
  status: cases.status,
  submittedAt: cases.submittedAt,
  closedAt: cases.closedAt,
  promisedDeadline: cases.promisedDeadline,
  yellowAt: cases.yellowAt,
};
export type CaseSummaryRow = Pick<CaseRow, keyof typeof summaryColumns> & { steps: StepSummary[] };

/** A step as a result list shows it; instants in epoch milliseconds (null: none). */
export interface StepSummary {
  stepId: string;
  title: string;
  department: string;
  status: string;
  assignee: string | null;
  /** Promised, else statutory deadline. */
  deadline: number | null;
  yellowAt: number | null;
}

const epochMs = (column: SQL) => sql`floor(extract(epoch from ${column}) * 1000)::bigint`;

/**
 * The steps of each listed case, as one JSON array per row of the same statement: one round trip for the
 * page, and the API parses one array instead of mapping every step row. Department staff (`department`)
 * get only their department's steps that apply.
 */
function stepsOfRow(department: string | undefined) {
  return sql<StepSummary[]>`(
    select coalesce(json_agg(json_build_object(
      'stepId', s.step_id, 'title', s.title, 'department', s.department, 'status', s.status,
      'assignee', s.assignee,
      'deadline', ${epochMs(sql`coalesce(s.promised_deadline, s.statutory_deadline)`)},
      'yellowAt', ${epochMs(sql`s.yellow_at`)}) order by s.step_id), '[]'::json)
    from ${caseSteps} s
    where s.case_id = "cases"."id"
      ${department === undefined ? sql`` : sql`and s.department = ${department} and s.status <> 'not_applicable'`}
  )`;
}

/** The sort key of a row as its cursor carries it. */
export function sortKeyOf(row: CaseSummaryRow, sort: CaseSort): string | null {
  switch (sort) {
    case 'submitted':
      return row.submittedAt.toISOString();
    case 'deadline':
      return row.promisedDeadline?.toISOString() ?? 'infinity';
    case 'closed':
      return row.closedAt?.toISOString() ?? null;
    case 'caseNo':
      return row.caseNo;
  }
}

/** A page of cases with their steps (`stepsOf`: only that department's, for its staff). */
export async function listCases(
  db: Db,
  filter: CaseListFilter,
  now = new Date(),
  stepsOf?: string,
): Promise<CaseSummaryRow[]> {
  const sort = SORTS[filter.sort ?? 'submitted'];
  const order = filter.order ?? sort.defaultOrder;
  const stepOf = (condition: SQL | undefined) =>
    exists(
      db
        .select({ one: sql`1` })
        .from(caseSteps)
        .where(and(eq(caseSteps.caseId, cases.id), condition)),
    );
  const after = filter.after
    ? order === 'desc'
      ? sql`(${sort.key}, ${cases.id}) < (${filter.after.key}::${sql.raw(sort.type)}, ${filter.after.ids[0]}::uuid)`
      : sql`(${sort.key}, ${cases.id}) > (${filter.after.key}::${sql.raw(sort.type)}, ${filter.after.ids[0]}::uuid)`
    : undefined;
  const direction = order === 'desc' ? desc : asc;
  return db
    .select({ ...summaryColumns, steps: stepsOfRow(stepsOf) })
    .from(cases)
    .where(
      and(
        filter.processId ? eq(cases.processId, filter.processId) : undefined,
        filter.status ? eq(cases.status, filter.status) : undefined,
        filter.department
          ? stepOf(
              and(eq(caseSteps.department, filter.department), sql`${caseSteps.status} <> 'not_applicable'`),
            )
          : undefined,
        filter.clock ? caseColour(filter.clock, now) : undefined,
        filter.stepClock
          ? and(eq(cases.status, 'running'), stepOf(stepColour(filter.stepClock, now)))
          : undefined,
        // Overdue (超时): a running case past its own promise, or with a step past a deadline while its
        // department holds it (a step waiting for the applicant's supplement is not counting).
        // The step probe is kept per case (offset 0 stops Postgres from turning it into a hash of every
        // red step, which read all of them, ~16 000 at a million cases, for each page).
        filter.overdue
          ? and(
              eq(cases.status, 'running'),
              or(
                lt(cases.promisedDeadline, now),
                sql`exists (select 1 from ${caseSteps} where ${and(eq(caseSteps.caseId, cases.id), stepColour('red', now))} offset 0)`,
              ),
            )
          : undefined,
        filter.awaiting
          ? and(
              eq(cases.status, 'running'),
              stepOf(
                and(
                  eq(caseSteps.status, AWAITING[filter.awaiting]),
                  filter.department ? eq(caseSteps.department, filter.department) : undefined,
                ),
              ),
            )
          : undefined,
        filter.submittedFrom ? gte(cases.submittedAt, filter.submittedFrom) : undefined,
        filter.submittedTo ? lt(cases.submittedAt, filter.submittedTo) : undefined,
        filter.closedFrom ? gte(cases.closedAt, filter.closedFrom) : undefined,
        filter.closedTo ? lt(cases.closedAt, filter.closedTo) : undefined,
        // Sorting by closing lists closed cases only, by deadline running ones only (the order each has).
        filter.sort === 'closed' ? sql`${cases.closedAt} is not null` : undefined,
        filter.sort === 'deadline' ? eq(cases.status, 'running') : undefined,
        filter.caseNo ? like(cases.caseNo, `${literal(filter.caseNo.trim().toUpperCase())}%`) : undefined,
        filter.applicantHash
          ? inArray(
              cases.id,
              db
                .select({ id: caseApplicants.caseId })
                .from(caseApplicants)
                .where(eq(caseApplicants.identifierHash, filter.applicantHash)),
            )
          : undefined,
        after,
      ),
    )
    .orderBy(direction(sort.key), direction(cases.id))
    .limit(filter.limit);
}
