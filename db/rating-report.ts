// Ratings (好差评) and their follow-ups (整改) for the SLA report: how many rated in the range and how well,
// and follow-ups opened, answered (and answered late) in it, and open past their deadline now. Days are
// China dates, the range [from, to) as for the rest of the report.
import { type SQL, sql } from 'drizzle-orm';
import { jsonRow, type Part, type SlaRange } from './reports.ts';
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

/** The ratings and follow-ups of the range, as the one part of a report's statement (db/reports.ts). */
export function ratings(r: SlaRange, now: Date): Part<RatingRows> {
  const from = chinaMidnight(r.from);
  const to = chinaMidnight(r.to);
  const ofProcess = (caseId: SQL) =>
    r.processId
      ? sql`and exists (select 1 from ${cases} where ${cases.id} = ${caseId} and ${cases.processId} = ${r.processId})`
      : sql``;
  // A department's ratings are those of the cases it had a step in.
  const ofDepartment = r.department
    ? sql`and exists (select 1 from ${caseSteps} where ${caseSteps.caseId} = ${caseRatings.caseId}
        and ${caseSteps.department} = ${r.department} and ${caseSteps.status} <> 'not_applicable')`
    : sql``;
  // A department's follow-ups are those that blamed it.
  const blamed = r.department ? sql`and ${followUps.department} = ${r.department}` : sql``;
  const within = (column: typeof followUps.openedAt | typeof followUps.closedAt) =>
    sql`(${column} >= ${from.toISOString()}::timestamptz and ${column} < ${to.toISOString()}::timestamptz)`;
  return jsonRow<RatingRows>(sql`
    select
      (select coalesce(json_agg(json_build_array(score, n)), '[]'::json) from (
        select ${caseRatings.score} as score, count(*)::int as n
        from ${caseRatings}
        where ${caseRatings.ratedAt} >= ${from.toISOString()}::timestamptz
          and ${caseRatings.ratedAt} < ${to.toISOString()}::timestamptz
          ${ofProcess(sql`${caseRatings.caseId}`)} ${ofDepartment}
        group by 1) s) as scores,
      count(*) filter (where ${within(followUps.openedAt)})::int as opened,
      count(*) filter (where ${within(followUps.closedAt)})::int as closed,
      count(*) filter (where ${within(followUps.closedAt)} and ${followUps.closedAt} > ${followUps.dueAt})::int
        as "closedLate",
      count(*) filter (where ${followUps.closedAt} is null and ${followUps.dueAt} <= ${now.toISOString()}::timestamptz)::int
        as "overdueNow"
    from ${followUps}
    where true ${blamed} ${ofProcess(sql`${followUps.caseId}`)}`);
}

/** What the ratings part returns: ratings as [score, count] pairs, and the follow-ups' counts. */
export interface RatingRows {
  scores: [number, number][];
  opened: number;
  closed: number;
  closedLate: number;
  overdueNow: number;
}

export function ratingFigures(rows: RatingRows): RatingFigures {
  const byScore = [1, 2, 3, 4, 5].map((s) => rows.scores.find(([score]) => score === s)?.[1] ?? 0);
  const count = byScore.reduce((a, b) => a + b, 0);
  const total = byScore.reduce((sum, n, i) => sum + n * (i + 1), 0);
  return {
    count,
    averageScore: count === 0 ? null : Math.round((total / count) * 100) / 100,
    byScore,
    followUps: {
      opened: rows.opened,
      closed: rows.closed,
      closedLate: rows.closedLate,
      overdueNow: rows.overdueNow,
    },
  };
}
