// Incidents: dispatches a department's system has not taken. Written by the HTTP adapter as attempts fail
// (idempotently: one row per case, step and round) and resolved when an attempt succeeds.
import { and, desc, eq, isNull, sql } from 'drizzle-orm';
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
): Promise<void> {
  await db
    .insert(incidents)
    .values({ ...key, attempts: 1, lastError: error, retrying: retrying ? 1 : 0, firstAt: at, lastAt: at })
    .onConflictDoUpdate({
      target: [incidents.caseId, incidents.stepId, incidents.round],
      set: {
        attempts: sql`${incidents.attempts} + 1`,
        lastError: error,
        retrying: retrying ? 1 : 0,
        lastAt: at,
        resolvedAt: null,
      },
    });
}

export async function resolveIncident(db: Db, key: IncidentKey, at = new Date()): Promise<void> {
  await db
    .update(incidents)
    .set({ resolvedAt: at })
    .where(
      and(
        eq(incidents.caseId, key.caseId),
        eq(incidents.stepId, key.stepId),
        eq(incidents.round, key.round),
        isNull(incidents.resolvedAt),
      ),
    );
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
  await recordFailure(db, { ...key, round: 0, department: 'engine' }, error, false, at);
}

/** The read model took the case's events again: its projection incidents are over. */
export async function resolveProjectionFailures(db: Db, caseId: string, at = new Date()): Promise<void> {
  await db
    .update(incidents)
    .set({ resolvedAt: at })
    .where(and(eq(incidents.caseId, caseId), eq(incidents.round, 0), isNull(incidents.resolvedAt)));
}
