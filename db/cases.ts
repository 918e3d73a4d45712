// Case repository: intake (with idempotency and human-readable case numbers) and the reads the API needs.
import { and, asc, eq, sql } from 'drizzle-orm';
import type { Db } from './client.ts';
import { caseEvents, caseNumberCounters, caseSteps, cases } from './schema.ts';

export type CaseRow = typeof cases.$inferSelect;
export type StepRow = typeof caseSteps.$inferSelect;
export type EventRow = typeof caseEvents.$inferSelect;

/** Case numbers are dated in China time, so the number matches the day printed on the receipt. */
const CHINA_OFFSET_MS = 8 * 3600_000;

export function caseDay(at: Date): string {
  return new Date(at.getTime() + CHINA_OFFSET_MS).toISOString().slice(0, 10).replace(/-/g, '');
}

/** e.g. YJS-20261128-000042: unique, and sorts by date of intake. */
export async function nextCaseNo(db: Db, prefix: string, at: Date): Promise<string> {
  const day = caseDay(at);
  const [row] = await db
    .insert(caseNumberCounters)
    .values({ day, last: 1 })
    .onConflictDoUpdate({
      target: caseNumberCounters.day,
      set: { last: sql`${caseNumberCounters.last} + 1` },
    })
    .returning({ last: caseNumberCounters.last });
  return `${prefix}-${day}-${String(row!.last).padStart(6, '0')}`;
}

export interface NewStep {
  stepId: string;
  department: string;
  title: string;
}

export interface NewCase {
  id: string;
  caseNo: string;
  processId: string;
  processVersion: number;
  application: Record<string, unknown>;
  submittedBy: string;
  idempotencyKey?: string;
  requestHash: string;
  /** Every step of the definition, shown as blocked until the workflow releases it. */
  steps: NewStep[];
}

/**
 * Inserts a case, or returns the one this clerk already submitted with the same idempotency key.
 * `created` tells which; a concurrent duplicate loses the insert race and reads the winner's row.
 */
export async function insertCase(db: Db, c: NewCase): Promise<{ row: CaseRow; created: boolean }> {
  const { steps, ...fields } = c;
  const inserted = await db.transaction(async (tx) => {
    const [row] = await tx
      .insert(cases)
      .values({ ...fields, idempotencyKey: c.idempotencyKey ?? null, status: 'running' })
      .onConflictDoNothing()
      .returning();
    if (row && steps.length > 0) {
      const at = row.submittedAt;
      await tx
        .insert(caseSteps)
        .values(steps.map((s) => ({ ...s, caseId: row.id, status: 'blocked', updatedAt: at })));
    }
    return row;
  });
  if (inserted) return { row: inserted, created: true };
  const [existing] = await db
    .select()
    .from(cases)
    .where(and(eq(cases.submittedBy, c.submittedBy), eq(cases.idempotencyKey, c.idempotencyKey ?? '')));
  if (!existing) throw new Error('case insert conflicted but no case has that idempotency key');
  return { row: existing, created: false };
}

export async function findCase(db: Db, id: string): Promise<CaseRow | undefined> {
  const [row] = await db.select().from(cases).where(eq(cases.id, id));
  return row;
}

export async function findCaseByNo(db: Db, caseNo: string): Promise<CaseRow | undefined> {
  const [row] = await db.select().from(cases).where(eq(cases.caseNo, caseNo));
  return row;
}

export async function listSteps(db: Db, caseId: string): Promise<StepRow[]> {
  return db.select().from(caseSteps).where(eq(caseSteps.caseId, caseId));
}

export async function findStep(db: Db, caseId: string, stepId: string): Promise<StepRow | undefined> {
  const [row] = await db
    .select()
    .from(caseSteps)
    .where(and(eq(caseSteps.caseId, caseId), eq(caseSteps.stepId, stepId)));
  return row;
}

export async function caseTimeline(db: Db, caseId: string): Promise<EventRow[]> {
  return db.select().from(caseEvents).where(eq(caseEvents.caseId, caseId)).orderBy(asc(caseEvents.seq));
}

export interface TaskRow {
  step: StepRow;
  caseNo: string;
  processId: string;
  processVersion: number;
  application: Record<string, unknown>;
  data: CaseRow['data'];
}

/** A department's worklist: its steps awaiting a decision, oldest first. */
export async function departmentTasks(db: Db, department: string, limit: number): Promise<TaskRow[]> {
  const rows = await db
    .select({
      step: caseSteps,
      caseNo: cases.caseNo,
      processId: cases.processId,
      processVersion: cases.processVersion,
      application: cases.application,
      data: cases.data,
    })
    .from(caseSteps)
    .innerJoin(cases, eq(cases.id, caseSteps.caseId))
    .where(and(eq(caseSteps.department, department), eq(caseSteps.status, 'awaiting_decision')))
    .orderBy(asc(caseSteps.dispatchedAt))
    .limit(limit);
  return rows;
}
