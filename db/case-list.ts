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

/** The sort key of a row as its cursor carries it. */
export function sortKeyOf(row: CaseRow, sort: CaseSort): string | null {
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

export async function listCases(db: Db, filter: CaseListFilter, now = new Date()): Promise<CaseRow[]> {
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
    .select()
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
        filter.overdue
          ? and(
              eq(cases.status, 'running'),
              or(lt(cases.promisedDeadline, now), stepOf(stepColour('red', now))),
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

/** The steps of a page of cases (for the list's step summary), in one read. */
export async function stepsOfCases(db: Db, caseIds: string[]) {
  if (caseIds.length === 0) return [];
  return db.select().from(caseSteps).where(inArray(caseSteps.caseId, caseIds));
}
