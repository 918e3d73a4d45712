// A database of its own on the Postgres server of TEST_DATABASE_URL (`npm run test:pg`), for a test file that
// needs the server itself (another process sharing it, a proxy in front of it, roles): created, then dropped.
import { randomUUID } from 'node:crypto';

/** Runs statements as the server's administrator (TEST_DATABASE_URL). */
export async function asAdministrator(admin: string, statements: string[]): Promise<void> {
  const { default: postgres } = await import('postgres');
  const sql = postgres(admin, { max: 1, onnotice: () => {} });
  try {
    for (const statement of statements) await sql.unsafe(statement);
  } finally {
    await sql.end();
  }
}

export interface ThrowawayDatabase {
  /** postgres://… of the new database, as the administrator. */
  url: string;
  drop(): Promise<void>;
}

export async function createThrowawayDatabase(admin: string): Promise<ThrowawayDatabase> {
  const name = `test_${randomUUID().replace(/-/g, '')}`;
  await asAdministrator(admin, [`create database ${name}`]);
  const url = new URL(admin);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: () => asAdministrator(admin, [`drop database if exists ${name} with (force)`]),
  };
}
