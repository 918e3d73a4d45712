// Follow-ups (整改) of bad ratings: one per case, opened with the rating (db/tracking.ts rateCase), counted by
// their followUpWorkflow (the writes below marked "projection": opened, warnings, reminders, stopped) and
// closed by the API with the department's response.
//
// Their events join the case's audit trail after the case workflow's last event (like the handover): the
// chain stays one per case and the verify endpoint checks them by the chain alone (the case workflow's
// anchor covers only the batches it wrote). Every write that appends locks the follow-up's row first, so
// the follow-up's own appends (its workflow and its responder) never race for the next sequence number.
import { randomUUID } from 'node:crypto';
import { and, asc, desc, eq, isNotNull, isNull, lte, or, type SQL, sql } from 'drizzle-orm';
import type { PgUpdateSetSource } from 'drizzle-orm/pg-core';
import { appendEvent, type Tx } from './case-events.ts';
import type { Db } from './client.ts';
import { cases, followUps } from './schema.ts';

export type FollowUpRow = typeof followUps.$inferSelect;

/** Opens the case's follow-up unless it has one (a replaced rating opens no second); answers the row. */
export async function openFollowUp(
  tx: Tx,
  caseId: string,
  opening: { score: number; comment: string | null; department: string | null; at: Date },
): Promise<FollowUpRow> {
  await tx
    .insert(followUps)
    .values({ id: randomUUID(), caseId, ...opening, openedAt: opening.at })
    .onConflictDoNothing({ target: followUps.caseId });
  const [row] = await tx.select().from(followUps).where(eq(followUps.caseId, caseId));
  return row!;
}

export async function findFollowUp(db: Db, id: string): Promise<FollowUpRow | undefined> {
  const [row] = await db.select().from(followUps).where(eq(followUps.id, id));
  return row;
}

export async function followUpOfCase(db: Db, caseId: string): Promise<FollowUpRow | undefined> {
  const [row] = await db.select().from(followUps).where(eq(followUps.caseId, caseId));
  return row;
}

export interface FollowUpFilter {
  /** A department's follow-ups; null: the centre's; absent: everyone's. */
  department?: string | null;
  status?: 'open' | 'closed' | 'all';
  /** Only open follow-ups whose deadline has passed at this instant. */
  overdueAt?: Date;
  caseId?: string;
  limit: number;
}

/** With the case's number and process. */
export type FollowUpListRow = FollowUpRow & { caseNo: string; processId: string };

/** Open ones first, nearest deadline first; then closed ones, latest first. */
export async function listFollowUps(db: Db, filter: FollowUpFilter): Promise<FollowUpListRow[]> {
  const where: SQL[] = [];
  if (filter.department === null) where.push(isNull(followUps.department));
  else if (filter.department !== undefined) where.push(eq(followUps.department, filter.department));
  const status = filter.overdueAt ? 'open' : (filter.status ?? 'open');
  if (status === 'open') where.push(isNull(followUps.closedAt));
  if (status === 'closed') where.push(isNotNull(followUps.closedAt));
  if (filter.overdueAt) where.push(lte(followUps.dueAt, filter.overdueAt));
  if (filter.caseId) where.push(eq(followUps.caseId, filter.caseId));
  const rows = await db
    .select({ f: followUps, caseNo: cases.caseNo, processId: cases.processId })
    .from(followUps)
    .innerJoin(cases, eq(cases.id, followUps.caseId))
    .where(and(...where))
    .orderBy(
      sql`${followUps.closedAt} is not null`,
      asc(sql`coalesce(${followUps.dueAt}, 'infinity'::timestamptz)`),
      desc(followUps.closedAt),
      asc(followUps.id),
    )
    .limit(filter.limit);
  return rows.map((r) => ({ ...r.f, caseNo: r.caseNo, processId: r.processId }));
}

/** Open follow-ups whose clock never started (the process stopped between the rating and the start). */
export async function uncountedFollowUps(db: Db, before: Date): Promise<FollowUpRow[]> {
  return db
    .select()
    .from(followUps)
    .where(
      and(eq(followUps.clockState, 'pending'), isNull(followUps.closedAt), lte(followUps.openedAt, before)),
    );
}

async function lockFollowUp(tx: Tx, id: string): Promise<FollowUpRow | undefined> {
  const [row] = await tx.select().from(followUps).where(eq(followUps.id, id)).for('update');
  return row;
}

/**
 * Closes an open follow-up with the response, and records it in the case's trail; 'closed' when it was
 * answered already (nothing changes), undefined when there is no such follow-up.
 */
export async function respondToFollowUp(
  db: Db,
  id: string,
  answer: { response: string; by: string; at: Date },
): Promise<FollowUpRow | 'closed' | undefined> {
  return db.transaction(async (tx) => {
    const row = await lockFollowUp(tx, id);
    if (!row) return undefined;
    if (row.closedAt) return 'closed';
    const [closed] = await tx
      .update(followUps)
      .set({ closedAt: answer.at, response: answer.response, respondedBy: answer.by })
      .where(eq(followUps.id, id))
      .returning();
    await appendEvent(tx, row.caseId, {
      type: 'follow_up.closed',
      at: answer.at.toISOString(),
      actor: answer.by,
      followUpId: id,
      opinion: answer.response,
      late: row.dueAt !== null && answer.at.getTime() > row.dueAt.getTime(),
    });
    return closed!;
  });
}

// ---------------------------------------------------------------------------------------------------------
// The projection of a follow-up's workflow (activities/follow-ups.ts): each write is idempotent, so a local
// activity retried after it committed changes nothing the second time.

export type FollowUpChange =
  | { kind: 'opened'; at: string; deadline?: string; yellowAt?: string }
  | { kind: 'warning'; at: string; level: 'yellow' | 'red'; deadline: string }
  | { kind: 'reminder'; at: string; n: number }
  | { kind: 'stopped'; at: string; finalLevel: 'green' | 'yellow' | 'red' };

/** What the workflow learns back: whether the read model has the follow-up closed (and since when). */
export interface FollowUpProjected {
  closedAt: string | null;
}

export async function projectFollowUpChange(
  db: Db,
  followUpId: string,
  change: FollowUpChange,
): Promise<FollowUpProjected> {
  return db.transaction(async (tx) => {
    const row = await lockFollowUp(tx, followUpId);
    if (!row) throw new Error(`follow-up ${followUpId} is not in the read model`);
    const closedAt = row.closedAt?.toISOString() ?? null;
    const at = new Date(change.at);
    const set = (values: PgUpdateSetSource<typeof followUps>, guard: SQL | undefined) =>
      tx
        .update(followUps)
        .set(values)
        .where(and(eq(followUps.id, followUpId), guard))
        .returning({ id: followUps.id });
    switch (change.kind) {
      case 'opened': {
        const done = await set(
          {
            openedAt: at,
            dueAt: change.deadline ? new Date(change.deadline) : null,
            yellowAt: change.yellowAt ? new Date(change.yellowAt) : null,
            // An answer that came before the workflow counted (it could not be reached) stays closed.
            ...(row.closedAt ? {} : { clockState: 'green' }),
          },
          eq(followUps.clockState, 'pending'),
        );
        if (done.length > 0)
          await appendEvent(tx, row.caseId, {
            type: 'follow_up.opened',
            at: change.at,
            actor: 'system',
            followUpId,
            department: row.department,
            score: row.score,
            ...(change.deadline ? { deadline: change.deadline } : {}),
            ...(change.yellowAt ? { yellowAt: change.yellowAt } : {}),
          });
        break;
      }
      case 'warning': {
        if (row.closedAt) break; // answered meanwhile: no warning for an answered complaint
        const column = change.level === 'yellow' ? followUps.warnedYellowAt : followUps.warnedRedAt;
        const done = await set(
          {
            clockState: change.level,
            ...(change.level === 'yellow' ? { warnedYellowAt: at } : { warnedRedAt: at }),
          },
          isNull(column),
        );
        if (done.length > 0)
          await appendEvent(tx, row.caseId, {
            type: 'follow_up.warning',
            at: change.at,
            actor: 'system',
            followUpId,
            level: change.level,
            deadline: change.deadline,
          });
        break;
      }
      case 'reminder':
        if (!row.closedAt)
          await set({ reminders: sql`greatest(${followUps.reminders}, ${change.n})` }, undefined);
        break;
      case 'stopped':
        await set(
          { clockState: 'stopped', finalLevel: change.finalLevel },
          or(isNull(followUps.finalLevel), sql`${followUps.clockState} <> 'stopped'`),
        );
        break;
    }
    return { closedAt };
  });
}
