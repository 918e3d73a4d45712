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
  /**
   * The first event whose hash does not match its content and predecessor, or whose seq breaks the run;
   * or, against the anchor, the first event of the first batch whose head differs from the workflow's.
   */
  brokenAt?: number;
  /**
   * Whether the trail was checked against the chain heads the case's workflow holds in its history
   * ('anchored'), or only against itself ('unanchored': the workflow could not be asked).
   */
  anchor: 'anchored' | 'unanchored';
}

/**
 * Checks the trail's hash chain, and, given the heads the case's workflow recorded after each batch
 * ([last seq, hash]), that the trail holds each: a removed last event, or an event changed with every
 * later hash recomputed, is found only this way.
 */
export async function verifyChain(db: Db, caseId: string, heads?: [number, string][]): Promise<ChainVerdict> {
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
      return { intact: false, events: rows.length, brokenAt: r.seq, ...anchorOf(heads) };
    previous = r.hash;
  }
  let batchStart = 1;
  for (const [seq, hash] of heads ?? []) {
    if (rows[seq - 1]?.hash !== hash)
      return { intact: false, events: rows.length, brokenAt: batchStart, anchor: 'anchored' };
    batchStart = seq + 1;
  }
  return { intact: true, events: rows.length, ...anchorOf(heads) };
}

const anchorOf = (heads?: unknown[]) => ({ anchor: heads ? ('anchored' as const) : ('unanchored' as const) });
