// The reads activities make of a case in the read model: the application for instant-approval rules
// (activities/rules.ts), and what a dispatch to a department's system is built from
// (activities/department-http.ts). Read here rather than passed in, so the application never enters
// workflow history. Undefined when the case is not (yet) in the read model; the caller decides.
import { eq } from 'drizzle-orm';
import type { Db } from './client.ts';
import { type CaseDatum, cases } from './schema.ts';

/** The case's application (申请表): the form fields as submitted. */
export async function applicationOf(db: Db, caseId: string): Promise<Record<string, unknown> | undefined> {
  const [row] = await db.select({ application: cases.application }).from(cases).where(eq(cases.id, caseId));
  return row?.application;
}

export interface DispatchSource {
  caseNo: string;
  application: Record<string, unknown>;
  /** Outputs of decided steps (数据共享), by name. */
  data: Record<string, CaseDatum>;
}

/** Everything a dispatch may draw from; the adapter keeps only what the step declares. */
export async function dispatchSourceOf(db: Db, caseId: string): Promise<DispatchSource | undefined> {
  const [row] = await db
    .select({ caseNo: cases.caseNo, application: cases.application, data: cases.data })
    .from(cases)
    .where(eq(cases.id, caseId));
  return row;
}
