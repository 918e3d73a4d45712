// The backlog (sla_step_backlog): steps awaiting their department's decision, counted by the UTC month, day
// and hour their promise falls due. Every statement that rewrites step rows adds what it changed, in the
// same statement (as the SLA summaries are kept, db/case-events.ts), so the backlog is exact in the same
// transaction: the projection's batch and the replacement of a dead workflow task's batch
// (db/superseded-events.ts). Intake inserts steps before any is dispatched, so none it writes counts; the
// seed recounts (RECOUNT_BACKLOG). A row that reaches zero stays: reads take whole months before this
// one, days of this month and hours of today (db/reports.ts overdueSteps), a bounded number of rows.
import { type SQL, sql } from 'drizzle-orm';
import type { StepChange } from './read-model-changes.ts';

/** The grains every waiting step is counted in, as a row source `g (grain)`. */
const GRAINS = `(values ('month'), ('day'), ('hour')) as g (grain)`;

/**
 * The backlog's change as a CTE named `backlog`, for the step rows that the CTE `updated` rewrote (it
 * returns step_id, process_id, department, status and promised_deadline of the new rows): -1 for each old
 * row that counted (CTEs read case_steps as the statement found it), +1 for each new one, summed per key so
 * that a step which kept its key costs nothing. Keys are taken in order, as the SLA summaries are, so
 * concurrent statements never wait on each other in a cycle.
 */
export function backlogCte(caseId: string, updated: string): SQL {
  const u = sql.raw(updated);
  return sql`backlog as (
    insert into sla_step_backlog as b (grain, due, process_id, step_id, department, steps)
    select g.grain, date_trunc(g.grain, c.promised_deadline, 'UTC'), c.process_id, c.step_id, c.department,
           sum(c.d)::int
    from (
      select o.promised_deadline, o.process_id, o.step_id, o.department, -1 as d
      from case_steps o join ${u} n on n.step_id = o.step_id
      where o.case_id = ${caseId}::uuid and o.status = 'awaiting_decision' and o.promised_deadline is not null
      union all
      select n.promised_deadline, n.process_id, n.step_id, n.department, 1
      from ${u} n
      where n.status = 'awaiting_decision' and n.promised_deadline is not null
    ) c cross join ${sql.raw(GRAINS)}
    group by 1, 2, 3, 4, 5 having sum(c.d) <> 0 order by 1, 2, 3, 4, 5
    on conflict (grain, due, process_id, step_id, department) do update set steps = b.steps + excluded.steps
    returning 1
  )`;
}

/**
 * Whether step changes can move the backlog: only a status or a promised deadline does (a claim, an
 * incident or a resolved deficiency does not, and their batches skip the CTE).
 */
export function countsInBacklog(steps: StepChange[]): boolean {
  return steps.some((s) => 'status' in s || 'promised_deadline' in s);
}

/** What an update of step rows returns for backlogCte. */
export const BACKLOG_RETURNING = sql.raw(
  's.step_id, s.process_id, s.department, s.status, s.promised_deadline',
);

/** The backlog counted afresh from the step rows (the seed, after it loads them). */
export const RECOUNT_BACKLOG = `
  insert into sla_step_backlog (grain, due, process_id, step_id, department, steps)
  select g.grain, date_trunc(g.grain, s.promised_deadline, 'UTC'), s.process_id, s.step_id, s.department,
         count(*)::int
  from case_steps s cross join ${GRAINS}
  where s.status = 'awaiting_decision' and s.promised_deadline is not null
  group by 1, 2, 3, 4, 5`;
