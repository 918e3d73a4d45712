// What a dispatch that reached a department's own system writes, in one statement (every dispatch makes
// it, and on PGlite a statement costs about a millisecond of the engine's CPU): the incident an earlier
// attempt may have opened is resolved, and the access log records what went there (the payload by names),
// once per dispatch however often its activity is retried: the purpose names the step and its round.
import { sql } from 'drizzle-orm';
import { DEPARTMENT_SYSTEM_USER } from './access-log.ts';
import type { Db } from './client.ts';
import type { IncidentKey } from './incidents.ts';
import { preparedRunnerOf } from './pglite-prepared.ts';
import { FIXED_TEXT } from './prepared-reads.ts';

export async function recordDelivery(
  db: Db,
  key: IncidentKey,
  /** The names of the fields, earlier outputs and materials sent. */
  fields: string[],
  at = new Date(),
): Promise<void> {
  const purpose = `dispatch:${key.stepId}:${key.round}`;
  // A data-modifying WITH runs to completion whether or not the insert reads it.
  const statement = sql`${FIXED_TEXT}
    with resolved as (
      update incidents set resolved_at = ${at.toISOString()}::timestamptz
      where case_id = ${key.caseId}::uuid and step_id = ${key.stepId} and round = ${key.round}::integer
        and resolved_at is null
      returning 1
    )
    insert into access_log (case_id, user_id, role, department, purpose, fields)
    select ${key.caseId}::uuid, ${DEPARTMENT_SYSTEM_USER}::uuid, 'department-system', ${key.department},
           ${purpose}, ${JSON.stringify(fields)}::jsonb
    where not exists (
      select 1 from access_log where case_id = ${key.caseId}::uuid and purpose = ${purpose}
    )`;
  const prepared = preparedRunnerOf(db);
  if (prepared) await prepared(statement);
  else await db.execute(statement);
}
