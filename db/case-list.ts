// Lists of cases for clerks and managers (no personal data): by status, overdue, or case number.
import { and, desc, eq, exists, like, lt, or, sql } from 'drizzle-orm';
import type { CaseRow } from './cases.ts';
import type { Db } from './client.ts';
import { caseSteps, cases } from './schema.ts';

export interface CaseListFilter {
  status?: string;
  /** Only running cases with a red clock: the case's own promise, or a step its department holds. */
  overdue?: boolean;
  /** A whole case number, or its beginning (e.g. a day: YJS-20261128). */
  caseNo?: string;
  limit: number;
}

/** Escapes LIKE's wildcards so a case number prefix matches literally. */
const literal = (text: string) => text.replace(/[\\%_]/g, (c) => `\\${c}`);

export async function listCases(db: Db, filter: CaseListFilter, now = new Date()): Promise<CaseRow[]> {
  // Overdue (超时): a running case past its own promise, or with a step past a deadline while its
  // department holds it (a step waiting for the applicant's supplement is not counting).
  const red = or(
    lt(cases.promisedDeadline, now),
    exists(
      db
        .select({ one: sql`1` })
        .from(caseSteps)
        .where(
          and(
            eq(caseSteps.caseId, cases.id),
            eq(caseSteps.status, 'awaiting_decision'),
            or(lt(caseSteps.promisedDeadline, now), lt(caseSteps.statutoryDeadline, now)),
          ),
        ),
    ),
  );
  return db
    .select()
    .from(cases)
    .where(
      and(
        filter.status ? eq(cases.status, filter.status) : undefined,
        filter.overdue ? and(eq(cases.status, 'running'), red) : undefined,
        filter.caseNo ? like(cases.caseNo, `${literal(filter.caseNo.trim().toUpperCase())}%`) : undefined,
      ),
    )
    .orderBy(desc(cases.submittedAt))
    .limit(filter.limit);
}
