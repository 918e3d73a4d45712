// Reads over postgres.js are named prepared statements (db/prepared-reads.ts), writes are not (their
// multi-row texts vary without bound) unless marked as of a fixed text, inside transactions too. Needs TEST_DATABASE_URL (`npm run test:pg`).
import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { logAccess } from '../db/access-log.ts';
import { insertCase } from '../db/cases.ts';
import { type Database, openDatabase, rowsOf } from '../db/client.ts';
import { users } from '../db/schema.ts';
import { createUser } from '../db/users.ts';
import { createThrowawayDatabase, type ThrowawayDatabase } from './throwaway-database.ts';

const admin = process.env.TEST_DATABASE_URL;

describe.runIf(admin)('reads on the Postgres server', () => {
  let throwaway: ThrowawayDatabase;
  let database: Database;
  beforeAll(async () => {
    throwaway = await createThrowawayDatabase(admin!);
    // One connection: the prepared statements asked about are that connection's.
    database = await openDatabase({ url: throwaway.url, poolSize: 1 });
  });
  afterAll(async () => {
    await database?.close();
    await throwaway?.drop();
  });

  const prepared = async () =>
    rowsOf<{ statement: string }>(
      await database.db.execute(sql`select statement from pg_prepared_statements`),
    ).map((r) => r.statement);

  it('prepares a read once and reuses it; a write stays unnamed', async () => {
    const user = await createUser(database.db, { username: 'p1', displayName: 'P', role: 'clerk' });
    for (let i = 0; i < 3; i++) {
      const [row] = await database.db
        .select({ name: users.displayName })
        .from(users)
        .where(eq(users.id, user.id));
      expect(row).toEqual({ name: 'P' });
    }
    const statements = await prepared();
    expect(statements.filter((s) => s.startsWith('select "display_name" from "users"'))).toHaveLength(1);
    expect(statements.some((s) => s.startsWith('insert'))).toBe(false);
  });

  it('prepares the access log insert, one statement for any number of entries', async () => {
    const user = await createUser(database.db, { username: 'p2', displayName: 'P', role: 'manager' });
    const { row } = await insertCase(database.db, {
      id: crypto.randomUUID(),
      caseNoPrefix: 'P',
      processId: 'p',
      processVersion: 1,
      application: {},
      submittedBy: user.id,
      requestHash: 'h',
      steps: [{ stepId: 'a', department: 'X', title: 'A' }],
    });
    for (const n of [1, 3, 50])
      await logAccess(
        database.db,
        user,
        Array.from({ length: n }, () => ({ caseId: row.id, purpose: 'case.view', fields: ['caseNo'] })),
      );
    const inserts = (await prepared()).filter((s) => s.includes('insert into access_log'));
    expect(inserts).toHaveLength(1);
    const [{ count }] = rowsOf<{ count: number }>(
      await database.db.execute(
        sql`select count(*)::int as count from access_log where user_id = ${user.id}`,
      ),
    ) as [{ count: number }];
    expect(count).toBe(54);
  });

  it('prepares the reads of a transaction', async () => {
    await database.db.transaction(async (tx) => {
      await tx.select({ id: users.id }).from(users).where(eq(users.username, 'p1'));
    });
    expect((await prepared()).some((s) => s.startsWith('select "id" from "users"'))).toBe(true);
  });
});
