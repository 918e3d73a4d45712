// The reads activities make of a case in the read model: the application for instant-approval rules
// (activities/rules.ts), and what a dispatch to a department's system is built from
// (activities/department-http.ts). Read here rather than passed in, so the application never enters
// workflow history. Undefined when the case is not (yet) in the read model; the caller decides.
import { eq } from 'drizzle-orm';
import type { Db } from './client.ts';
import { preparedRunnerOf } from './pglite-prepared.ts';
import { type CaseDatum, cases } from './schema.ts';

/** The case's application (申请表): the form fields as submitted. */
export async function applicationOf(db: Db, caseId: string): Promise<Record<string, unknown> | undefined> {
  const query = db.select({ application: cases.application }).from(cases).where(eq(cases.id, caseId));
  // On PGlite it runs prepared: the rules of every 秒批 step read it (db/pglite-prepared.ts).
  const prepared = preparedRunnerOf(db);
  if (!prepared) return (await query)[0]?.application;
  const [row] = await prepared(query.getSQL());
  return row?.[0] ? (JSON.parse(row[0]) as Record<string, unknown>) : undefined;
}

export interface DispatchSource {
  caseNo: string;
  application: Record<string, unknown>;
  /** Outputs of decided steps (数据共享), by name. */
  data: Record<string, CaseDatum>;
}

/** Everything a dispatch may draw from; the adapter keeps only what the step declares. */
export async function dispatchSourceOf(db: Db, caseId: string): Promise<DispatchSource | undefined> {
  const query = db
    .select({ caseNo: cases.caseNo, application: cases.application, data: cases.data })
    .from(cases)
    .where(eq(cases.id, caseId));
  // Prepared on PGlite too: every dispatch to a department's system reads it.
  const prepared = preparedRunnerOf(db);
  if (!prepared) return (await query)[0];
  const [row] = await prepared(query.getSQL());
  if (!row) return undefined;
  const [caseNo, application, data] = row as [string, string, string];
  return { caseNo, application: JSON.parse(application), data: JSON.parse(data) };
}
