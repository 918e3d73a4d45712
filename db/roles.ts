// Two database roles on a Postgres server: the owner (DATABASE_OWNER_URL) runs the migrations and owns the
// tables, triggers and functions; the application (DATABASE_URL) reads and writes the read model but
// cannot change or remove a trail row (no UPDATE, DELETE or TRUNCATE on case_events and access_log), nor
// switch the append-only triggers off (only a table's owner can). The one removal the engine makes, of a
// dead workflow task's events, goes through supersede_case_events, which runs with the owner's rights
// (db/migrations/0007_projection_fence.sql). Granted after every migration, so new tables are covered.
import { sql } from 'drizzle-orm';
import type { Db } from './client.ts';

/** Tables whose rows are never changed or removed by the application. */
const APPEND_ONLY = ['case_events', 'access_log'];

/** A role name as Postgres quotes an identifier (the name comes from our own configuration's URL). */
const identifier = (name: string) => `"${name.replaceAll('"', '""')}"`;

export async function grantApplicationRole(owner: Db, role: string): Promise<void> {
  const app = identifier(role);
  await owner.execute(
    sql.raw(`
    grant usage on schema public to ${app};
    grant select, insert, update, delete on all tables in schema public to ${app};
    revoke update, delete, truncate on ${APPEND_ONLY.join(', ')} from ${app};
    grant usage, select on all sequences in schema public to ${app};
    grant execute on function supersede_case_events(uuid, integer, integer) to ${app};
  `),
  );
}
