// The audit trail's hash chain: each event row's hash covers the previous hash and the row's content.
import { createHash } from 'node:crypto';
import { asc, eq } from 'drizzle-orm';
import { canonicalJson } from '../process/canonical-json.ts';
import type { CaseEvent } from '../process/events.ts';
import type { Db } from './client.ts';
import { caseEvents } from './schema.ts';

export interface AuditRow {
  caseId: string;
  seq: number;
  type: string;
  stepId: string | null;
  actor: string;
  at: string;
  opinion: string | null;
  details: Record<string, unknown>;
}

/** The row the audit chain hashes: the event's identity and content, everything else in details. */
export function auditRow(caseId: string, event: CaseEvent): AuditRow {
  const { seq, type, at, actor, ...rest } = event;
  const { stepId, opinion, ...details } = rest as { stepId?: string; opinion?: string };
  return { caseId, seq, type, stepId: stepId ?? null, actor, at, opinion: opinion ?? null, details };
}

export function chainHash(previousHash: string, row: AuditRow): string {
  return createHash('sha256').update(previousHash).update('\n').update(canonicalJson(row)).digest('hex');
}

export interface ChainVerdict {
  intact: boolean;
  events: number;
  /** The first event whose hash does not match its content and predecessor, or whose seq breaks the run. */
  brokenAt?: number;
}

export async function verifyChain(db: Db, caseId: string): Promise<ChainVerdict> {
  const rows = await db
    .select()
    .from(caseEvents)
    .where(eq(caseEvents.caseId, caseId))
    .orderBy(asc(caseEvents.seq));
  let previous = '';
  for (const [i, r] of rows.entries()) {
    const row: AuditRow = {
      caseId: r.caseId,
      seq: r.seq,
      type: r.type,
      stepId: r.stepId,
      actor: r.actor,
      at: r.at.toISOString(),
      opinion: r.opinion,
      details: r.details,
    };
    if (r.seq !== i + 1 || chainHash(previous, row) !== r.hash)
      return { intact: false, events: rows.length, brokenAt: r.seq };
    previous = r.hash;
  }
  return { intact: true, events: rows.length };
}
