// What the lead needs to look into a violation without rerunning: per case concerned, its trail as the
// read model holds it (ids, types, instants, hashes: no opinions, no outputs) and its workflow history's
// events (types, instants, attempts: the payloads stay encrypted and are left out).
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Client } from '@temporalio/client';
import { sql } from 'drizzle-orm';
import { type Db, rowsOf } from '../db/client.ts';

export async function saveEvidence(db: Db, temporal: Client, caseIds: string[], dir: string): Promise<void> {
  mkdirSync(dir, { recursive: true });
  for (const id of caseIds) {
    const trail = rowsOf(
      await db.execute(
        sql`select seq, type, step_id, actor, at, hash from case_events where case_id = ${id}::uuid order by seq`,
      ),
    );
    const history = await temporal.workflow.getHandle(id).fetchHistory();
    const events = (history.events ?? []).map((e) => ({
      id: Number(e.eventId),
      type: e.eventType,
      time: e.eventTime
        ? new Date(
            Number(e.eventTime.seconds) * 1000 + Math.floor((e.eventTime.nanos ?? 0) / 1e6),
          ).toISOString()
        : null,
      ...(e.workflowTaskScheduledEventAttributes
        ? { attempt: e.workflowTaskScheduledEventAttributes.attempt }
        : {}),
      ...(e.workflowTaskFailedEventAttributes ? { cause: e.workflowTaskFailedEventAttributes.cause } : {}),
      ...(e.markerRecordedEventAttributes ? { marker: e.markerRecordedEventAttributes.markerName } : {}),
    }));
    writeFileSync(join(dir, `${id}.json`), JSON.stringify({ caseId: id, trail, history: events }, null, 1));
  }
}
