// The projection's part in dispatch incidents (the rows the HTTP adapter writes as its attempts fail,
// db/incidents.ts): a batch that ends a step resolves its incident; a batch in which the workflow gave up
// on a dispatch (step.incident) marks the row stopped; a redispatch marks it retrying again.
//
// The workflow's word is needed because an attempt cannot always report itself: the last attempt of a
// dispatch that dies with its worker ends as a StartToClose timeout, and the row its earlier attempts
// left said "retrying" for good, so nobody redispatched it (a chaos run found a case wedged so).
import { type SQL, sql } from 'drizzle-orm';
import type { CaseEvent } from '../process/events.ts';

/** Events after which a step is no longer with its department: a dispatch incident on it is over. */
const STEP_LEAVES_DEPARTMENT = new Set([
  'step.approved',
  'step.denied',
  'step.supplement_requested',
  'step.cancelled',
  'step.terminated',
]);

type Of<T extends CaseEvent['type']> = Extract<CaseEvent, { type: T }>;

/**
 * Resolves the dispatch incidents (round > 0) of steps the batch ends, or of every step when it closes the
 * case: a step decided by staff, withdrawn or closed with its case needs no manager any more.
 */
function resolvedCte(caseId: string, events: CaseEvent[], ended: string[]): SQL {
  const closed = events.find((e) => e.type === 'case.closed');
  if (!closed && ended.length === 0) return sql``;
  const at = (closed ?? events[events.length - 1]!).at;
  const which = closed
    ? sql``
    : sql`and step_id in (${sql.join(
        ended.map((id) => sql`${id}`),
        sql`, `,
      )})`;
  return sql`, inc as (
        update incidents set resolved_at = ${at}::timestamptz
        where case_id = ${caseId}::uuid and round > 0 and resolved_at is null ${which}
          and exists (select 1 from ev)
        returning 1
      )`;
}

/**
 * The workflow gave up on a step's dispatch: its incident is open and no longer retrying, at the step's
 * round (an incident never changes the round; the statement reads the rows as they were before it).
 */
function stoppedCte(caseId: string, stopped: Of<'step.incident'>[]): SQL {
  if (stopped.length === 0) return sql``;
  const rows = stopped.map((e) => ({ step_id: e.stepId, message: e.message, at: e.at }));
  return sql`, inc_stopped as (
        insert into incidents (case_id, step_id, round, department, attempts, last_error, retrying, first_at, last_at)
        select s.case_id, s.step_id, s.round, s.department, 1, x.message, 0, x.at, x.at
        from jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) as x(step_id text, message text, at timestamptz)
        join case_steps s on s.case_id = ${caseId}::uuid and s.step_id = x.step_id
        where exists (select 1 from ev)
        on conflict (case_id, step_id, round) do update set
          -- The final attempt's own account, if it gave one; else the workflow's (a timeout, say).
          last_error = case when incidents.retrying = 1 then excluded.last_error else incidents.last_error end,
          retrying = 0,
          last_at = greatest(incidents.last_at, excluded.last_at),
          resolved_at = null
        returning 1
      )`;
}

/** A manager redispatched: the engine tries the step's system again, until an attempt says otherwise. */
function redispatchedCte(caseId: string, redispatched: string[]): SQL {
  if (redispatched.length === 0) return sql``;
  return sql`, inc_retrying as (
        update incidents i set retrying = 1
        from case_steps s
        where i.case_id = ${caseId}::uuid and i.resolved_at is null and s.case_id = i.case_id
          and s.step_id = i.step_id and i.round = s.round
          and i.step_id in (${sql.join(
            redispatched.map((id) => sql`${id}`),
            sql`, `,
          )})
          and exists (select 1 from ev)
        returning 1
      )`;
}

export function incidentsCtes(caseId: string, events: CaseEvent[]): SQL {
  const ended = [
    ...new Set(
      events.flatMap((e) => (STEP_LEAVES_DEPARTMENT.has(e.type) && 'stepId' in e ? [e.stepId] : [])),
    ),
  ];
  const resolved = resolvedCte(caseId, events, ended);
  if (events.some((e) => e.type === 'case.closed')) return resolved;
  // One statement may not change a row twice: a step the batch also ends is only resolved.
  const open = (e: CaseEvent) => 'stepId' in e && !ended.includes(e.stepId);
  const last = new Map<string, CaseEvent>();
  for (const e of events)
    if ((e.type === 'step.incident' || e.type === 'step.redispatched') && open(e)) last.set(e.stepId, e);
  const stopped = [...last.values()].filter((e): e is Of<'step.incident'> => e.type === 'step.incident');
  const redispatched = [...last.values()].flatMap((e) => (e.type === 'step.redispatched' ? [e.stepId] : []));
  return sql`${resolved}${stoppedCte(caseId, stopped)}${redispatchedCte(caseId, redispatched)}`;
}
