// The running cases whose clocks count with a calendar region, a page at a time: what a calendar
// publication is delivered to. Keyset over (submitted_at, id), the order of the running-cases index, so
// cases accepted while a delivery is under way come last and are reached too.
import { and, asc, eq, gt, inArray, isNull, or, sql } from 'drizzle-orm';
import type { Db } from './client.ts';
import { cases } from './schema.ts';

export interface RunningCase {
  id: string;
  caseNo: string;
  submittedAt: Date;
}

export async function runningCasesOf(
  db: Db,
  regions: string[],
  /** Also the cases accepted before the region was recorded (calendar_region null). */
  withUnrecorded: boolean,
  after: RunningCase | undefined,
  limit: number,
): Promise<RunningCase[]> {
  const region = withUnrecorded
    ? or(inArray(cases.calendarRegion, regions), isNull(cases.calendarRegion))
    : inArray(cases.calendarRegion, regions);
  return db
    .select({ id: cases.id, caseNo: cases.caseNo, submittedAt: cases.submittedAt })
    .from(cases)
    .where(
      and(
        eq(cases.status, 'running'),
        region,
        after
          ? or(
              gt(cases.submittedAt, after.submittedAt),
              and(eq(cases.submittedAt, after.submittedAt), gt(cases.id, after.id)),
            )
          : undefined,
      ),
    )
    .orderBy(asc(cases.submittedAt), asc(cases.id))
    .limit(limit);
}

/** Whether the read model still shows the case running (a closed case's last batch sets its status). */
export async function isRunning(db: Db, caseId: string): Promise<boolean> {
  const [row] = await db
    .select({ running: sql<boolean>`${cases.status} = 'running'` })
    .from(cases)
    .where(eq(cases.id, caseId));
  return row?.running ?? false;
}
