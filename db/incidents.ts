// Incidents: dispatches a department's system has not taken. Written by the HTTP adapter as attempts fail
// (idempotently: one row per case, step and round) and resolved when an attempt succeeds, or by the
// projection when the step ends another way (decided by staff, cancelled, withdrawn with its case: see
// db/case-events.ts). Also the read model's own refusals of a case's events (round 0).
import { and, desc, eq, isNull, sql } from 'drizzle-orm';
import { TERMINAL_STEP_STATUSES } from '../process/definition.ts';
import type { Db } from './client.ts';
import { cases, incidents } from './schema.ts';

export interface IncidentKey {
  caseId: string;
  stepId: string;
  round: number;
  department: string;
}

export async function recordFailure(
  db: Db,
  key: IncidentKey,
  error: string,
  retrying: boolean,
  at = new Date(),
  /** Dispatch incidents: only while the case runs and the step is undecided (see below). */
  whileStepOpen = true,
): Promise<void> {
  // A dispatch attempt still under way when its step was decided, withdrawn or its case closed ends after
  // the projection resolved the incident: it must not open it again (it would stay "retrying" forever).
  const open = whileStepOpen
    ? sql`where exists (
        select 1 from cases c join case_steps s on s.case_id = c.id
        where c.id = ${key.caseId}::uuid and c.status = 'running' and s.step_id = ${key.stepId}
          and s.status not in (${sql.join(
            TERMINAL_STEP_STATUSES.map((t) => sql`${t}`),
            sql`, `,
          )}))`
    : sql``;
  await db.execute(sql`
    insert into incidents (case_id, step_id, round, department, attempts, last_error, retrying, first_at, last_at)
    select ${key.caseId}::uuid, ${key.stepId}, ${key.round}, ${key.department}, 1, ${error}, ${retrying ? 1 : 0},
      ${at.toISOString()}::timestamptz, ${at.toISOString()}::timestamptz
    ${open}
    on conflict (case_id, step_id, round) do update set
      attempts = incidents.attempts + 1,
      last_error = excluded.last_error,
      retrying = excluded.retrying,
      last_at = excluded.last_at,
      resolved_at = null
  `);
}

export async function openIncidents(db: Db) {
  return db
    .select({ incident: incidents, caseNo: cases.caseNo })
    .from(incidents)
    .innerJoin(cases, eq(cases.id, incidents.caseId))
    .where(isNull(incidents.resolvedAt))
    .orderBy(desc(incidents.lastAt));
}

/**
 * A batch of a case's events the read model refused for good (a data exception: retrying cannot cure it).
 * Listed with the dispatch incidents so managers see it; round 0 marks it as the read model's, not a
 * dispatch's (dispatch rounds start at 1).
 */
export async function recordProjectionFailure(
  db: Db,
  key: { caseId: string; stepId: string },
  error: string,
  at = new Date(),
): Promise<void> {
  await recordFailure(db, { ...key, round: 0, department: 'engine' }, error, false, at, false);
}

/** The read model took the case's events again: its projection incidents are over. */
export async function resolveProjectionFailures(db: Db, caseId: string, at = new Date()): Promise<void> {
  await db
    .update(incidents)
    .set({ resolvedAt: at })
    .where(and(eq(incidents.caseId, caseId), eq(incidents.round, 0), isNull(incidents.resolvedAt)));
}
