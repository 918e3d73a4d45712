// Unified delivery (统一出件): the record the projection creates when a case closes, and the clerk's
// handover of the results, which also joins the case's audit trail (after the workflow's last event).
import { and, eq, isNull } from 'drizzle-orm';
import type { DeliveryMethod } from '../process/events.ts';
import { appendEvent } from './case-events.ts';
import type { Db } from './client.ts';
import { deliveries } from './schema.ts';

export type DeliveryRow = typeof deliveries.$inferSelect;

export async function findDelivery(db: Db, caseId: string): Promise<DeliveryRow | undefined> {
  const [row] = await db.select().from(deliveries).where(eq(deliveries.caseId, caseId));
  return row;
}

export interface Handover {
  method: DeliveryMethod;
  note?: string;
  by: string;
}

/** Records the handover once; undefined when the results were already handed over. */
export async function handOver(
  db: Db,
  caseId: string,
  h: Handover,
  at = new Date(),
): Promise<DeliveryRow | undefined> {
  return db.transaction(async (tx) => {
    const [row] = await tx
      .update(deliveries)
      .set({ method: h.method, note: h.note ?? null, handedOverBy: h.by, handedOverAt: at })
      .where(and(eq(deliveries.caseId, caseId), isNull(deliveries.handedOverAt)))
      .returning();
    if (!row) return undefined;
    await appendEvent(tx, caseId, {
      at: at.toISOString(),
      actor: h.by,
      type: 'case.delivered',
      method: h.method,
    });
    return row;
  });
}
