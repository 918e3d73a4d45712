// Reads over postgres.js are named prepared statements (db/prepared-reads.ts), writes are not (their
// multi-row texts vary without bound), inside transactions too. Needs TEST_DATABASE_URL (`npm run test:pg`).
import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
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

  it('prepares the reads of a transaction', async () => {
    await database.db.transaction(async (tx) => {
      await tx.select({ id: users.id }).from(users).where(eq(users.username, 'p1'));
    });
    expect((await prepared()).some((s) => s.startsWith('select "id" from "users"'))).toBe(true);
  });
});
