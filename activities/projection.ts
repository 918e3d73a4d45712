// The read-model projection: brings cases, case_steps and the audit trail up to date with a batch of
// events from one caseWorkflow. Runs as a local activity (our own database, no extra server round trip).
// Idempotent: events carry the workflow's sequence numbers and are written in one transaction with their
// effects, so a retried batch finds its events already there and changes nothing.
import { and, desc, eq, inArray, sql } from 'drizzle-orm';
import { type AuditRow, chainHash } from '../db/audit.ts';
import type { Db } from '../db/client.ts';
import { caseEvents, caseSteps, cases } from '../db/schema.ts';
import type { CaseEvent } from '../process/events.ts';

export interface ProjectCaseArgs {
  caseId: string;
  events: CaseEvent[];
}

type Tx = Parameters<Parameters<Db['transaction']>[0]>[0];

/** The row the audit chain hashes: the event's identity and content, everything else in details. */
export function auditRow(caseId: string, event: CaseEvent): AuditRow {
  const { seq, type, at, actor, ...rest } = event;
  const { stepId, opinion, ...details } = rest as { stepId?: string; opinion?: string };
  return { caseId, seq, type, stepId: stepId ?? null, actor, at, opinion: opinion ?? null, details };
}

export function createProjection(db: Db) {
  return async function projectCase({ caseId, events }: ProjectCaseArgs): Promise<void> {
    await db.transaction(async (tx) => {
      const [last] = await tx
        .select({ seq: caseEvents.seq, hash: caseEvents.hash })
        .from(caseEvents)
        .where(eq(caseEvents.caseId, caseId))
        .orderBy(desc(caseEvents.seq))
        .limit(1);
      const lastSeq = last?.seq ?? 0;
      const fresh = events.filter((e) => e.seq > lastSeq);
      if (fresh.length === 0) return; // a retry of a batch that was already committed
      if (fresh[0]!.seq !== lastSeq + 1) {
        // The workflow projects in order; a gap means an earlier batch is still to come: retry later.
        throw new Error(`projection of case ${caseId} expected event ${lastSeq + 1}, got ${fresh[0]!.seq}`);
      }
      let previous = last?.hash ?? '';
      const rows = fresh.map((e) => {
        const row = auditRow(caseId, e);
        previous = chainHash(previous, row);
        return { ...row, at: new Date(row.at), hash: previous };
      });
      await tx.insert(caseEvents).values(rows);
      await applyEffects(tx, caseId, fresh);
    });
  };
}

async function applyEffects(tx: Tx, caseId: string, events: CaseEvent[]): Promise<void> {
  const step = (stepId: string) => and(eq(caseSteps.caseId, caseId), eq(caseSteps.stepId, stepId));
  let dispatched: { ids: string[]; at: Date } | undefined;
  const flushDispatched = async () => {
    if (!dispatched) return;
    await tx
      .update(caseSteps)
      .set({ status: 'awaiting_decision', dispatchedAt: dispatched.at, updatedAt: dispatched.at })
      .where(and(eq(caseSteps.caseId, caseId), inArray(caseSteps.stepId, dispatched.ids)));
    dispatched = undefined;
  };

  for (const e of events) {
    const at = new Date(e.at);
    if (e.type === 'step.dispatched') {
      // Parallel steps are released together: one statement for the lot.
      if (dispatched) dispatched.ids.push(e.stepId);
      else dispatched = { ids: [e.stepId], at };
      continue;
    }
    await flushDispatched();
    switch (e.type) {
      case 'case.started':
        await tx
          .insert(caseSteps)
          .values(e.steps.map((s) => ({ caseId, ...s, status: 'blocked', updatedAt: at })))
          .onConflictDoNothing();
        break;
      case 'step.approved': {
        await tx
          .update(caseSteps)
          .set({
            status: 'approved',
            outputs: e.outputs,
            opinion: e.opinion,
            decidedBy: e.actor,
            decidedAt: at,
            updatedAt: at,
          })
          .where(step(e.stepId));
        const provenance = Object.fromEntries(
          Object.entries(e.outputs).map(([name, value]) => [name, { value, stepId: e.stepId, at: e.at }]),
        );
        await tx
          .update(cases)
          .set({ data: sql`${cases.data} || ${JSON.stringify(provenance)}::jsonb` })
          .where(eq(cases.id, caseId));
        break;
      }
      case 'step.denied':
        await tx
          .update(caseSteps)
          .set({
            status: 'denied',
            opinion: e.opinion,
            reasons: e.reasons,
            decidedBy: e.actor,
            decidedAt: at,
            updatedAt: at,
          })
          .where(step(e.stepId));
        break;
      case 'step.cancelled':
        await tx.update(caseSteps).set({ status: 'cancelled', updatedAt: at }).where(step(e.stepId));
        break;
      case 'case.closed':
        await tx.update(cases).set({ status: e.outcome, closedAt: at }).where(eq(cases.id, caseId));
        break;
    }
  }
  await flushDispatched();
  await tx
    .update(cases)
    .set({ updatedAt: new Date(events[events.length - 1]!.at) })
    .where(eq(cases.id, caseId));
}
