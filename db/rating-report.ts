// Ratings (好差评) and their follow-ups (整改) for the SLA report: how many rated in the range and how well,
// and follow-ups opened, answered (and answered late) in it, and open past their deadline now. Days are
// China dates, the range [from, to) as for the rest of the report.
import { and, eq, gte, isNull, lt, lte, type SQL, sql } from 'drizzle-orm';
import type { Db } from './client.ts';
import type { SlaRange } from './reports.ts';
import { caseRatings, caseSteps, cases, followUps } from './schema.ts';

export interface RatingFigures {
  count: number;
  /** Null when nothing was rated in the range. */
  averageScore: number | null;
  /** Ratings by score, 1 to 5. */
  byScore: number[];
  followUps: { opened: number; closed: number; closedLate: number; overdueNow: number };
}

/** 00:00 of a China day as an instant. */
const chinaMidnight = (day: string) => new Date(`${day}T00:00:00+08:00`);

export async function ratingFigures(db: Db, r: SlaRange, now = new Date()): Promise<RatingFigures> {
  const from = chinaMidnight(r.from);
  const to = chinaMidnight(r.to);
  const ofProcess = (caseId: SQL | typeof caseRatings.caseId) =>
    r.processId
      ? sql`exists (select 1 from ${cases} where ${cases.id} = ${caseId} and ${cases.processId} = ${r.processId})`
      : undefined;
  // A department's ratings are those of the cases it had a step in.
  const ofDepartment = r.department
    ? sql`exists (select 1 from ${caseSteps} where ${caseSteps.caseId} = ${caseRatings.caseId}
        and ${caseSteps.department} = ${r.department} and ${caseSteps.status} <> 'not_applicable')`
    : undefined;
  const scores = await db
    .select({ score: caseRatings.score, n: sql<number>`count(*)::int` })
    .from(caseRatings)
    .where(
      and(
        gte(caseRatings.ratedAt, from),
        lt(caseRatings.ratedAt, to),
        ofProcess(caseRatings.caseId),
        ofDepartment,
      ),
    )
    .groupBy(caseRatings.score);
  const byScore = [1, 2, 3, 4, 5].map((s) => scores.find((x) => x.score === s)?.n ?? 0);
  const count = byScore.reduce((a, b) => a + b, 0);
  const total = byScore.reduce((sum, n, i) => sum + n * (i + 1), 0);

  // A department's follow-ups are those that blamed it.
  const blamed = r.department ? eq(followUps.department, r.department) : undefined;
  const within = (column: typeof followUps.openedAt | typeof followUps.closedAt) =>
    sql`(${column} >= ${from.toISOString()}::timestamptz and ${column} < ${to.toISOString()}::timestamptz)`;
  const [f] = await db
    .select({
      opened: sql<number>`count(*) filter (where ${within(followUps.openedAt)})::int`,
      closed: sql<number>`count(*) filter (where ${within(followUps.closedAt)})::int`,
      closedLate: sql<number>`count(*) filter (where ${within(followUps.closedAt)} and ${followUps.closedAt} > ${followUps.dueAt})::int`,
    })
    .from(followUps)
    .where(and(blamed, ofProcess(sql`${followUps.caseId}`)));
  const [overdue] = await db
    .select({ n: sql<number>`count(*)::int` })
    .from(followUps)
    .where(
      and(blamed, ofProcess(sql`${followUps.caseId}`), isNull(followUps.closedAt), lte(followUps.dueAt, now)),
    );
  return {
    count,
    averageScore: count === 0 ? null : Math.round((total / count) * 100) / 100,
    byScore,
    followUps: {
      opened: f?.opened ?? 0,
      closed: f?.closed ?? 0,
      closedLate: f?.closedLate ?? 0,
      overdueNow: overdue?.n ?? 0,
    },
  };
}
