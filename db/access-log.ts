// The personal-data access log (PIPL): who read which case, for what, which fields (names, never values).
import { desc, eq } from 'drizzle-orm';
import type { Db } from './client.ts';
import { accessLog } from './schema.ts';
import type { User } from './users.ts';

export interface AccessEntry {
  caseId: string;
  purpose: string;
  fields: string[];
}

export async function logAccess(db: Db, user: User, entries: AccessEntry[]): Promise<void> {
  if (entries.length === 0) return;
  await db
    .insert(accessLog)
    .values(entries.map((e) => ({ ...e, userId: user.id, role: user.role, department: user.department })));
}

export async function accessesOf(db: Db, caseId: string) {
  return db.select().from(accessLog).where(eq(accessLog.caseId, caseId)).orderBy(desc(accessLog.at));
}
