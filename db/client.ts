// Opens the read-model database: a Postgres server through postgres.js when a URL is given, otherwise
// embedded PGlite (persisted in a folder, or in memory). Both run the same schema and the same committed
// migrations, applied here at start-up.
import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { sql } from 'drizzle-orm';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import { grantApplicationRole } from './roles.ts';
import * as schema from './schema.ts';

export type Db = PgDatabase<PgQueryResultHKT, typeof schema>;

export interface Database {
  db: Db;
  kind: 'postgres' | 'pglite';
  close(): Promise<void>;
}

export interface DatabaseOptions {
  /** postgres://… ; when absent, PGlite is used. */
  url?: string;
  /**
   * The owner role's postgres://… (migrations, then grants to the role of `url`: db/roles.ts). Absent:
   * `url`'s role migrates and owns the tables (it could then switch the trail's triggers off).
   */
  ownerUrl?: string;
  /** PGlite data folder; absent means in memory. */
  dataDir?: string;
  /** postgres.js pool size. */
  poolSize?: number;
  /** Sees every statement and its parameters (the query bench records them to EXPLAIN them). */
  logger?: { logQuery(query: string, params: unknown[]): void };
}

/** Rows of a raw `db.execute` result: postgres.js returns an array, PGlite an object with `rows`. */
export function rowsOf<T>(result: unknown): T[] {
  return (Array.isArray(result) ? result : (result as { rows: T[] }).rows) as T[];
}

const migrationsFolder = fileURLToPath(new URL('./migrations', import.meta.url));

export async function openDatabase(options: DatabaseOptions): Promise<Database> {
  if (options.url) {
    const { default: postgres } = await import('postgres');
    const { drizzle } = await import('drizzle-orm/postgres-js');
    const { migrate } = await import('drizzle-orm/postgres-js/migrator');
    if (options.ownerUrl && options.ownerUrl !== options.url) {
      const ownerClient = postgres(options.ownerUrl, { max: 1, onnotice: () => {} });
      try {
        const owner = drizzle({ client: ownerClient, schema });
        await migrate(owner, { migrationsFolder });
        await grantApplicationRole(owner as unknown as Db, decodeURIComponent(new URL(options.url).username));
      } finally {
        await ownerClient.end({ timeout: 5 });
      }
    }
    const client = postgres(options.url, { max: options.poolSize ?? 10, onnotice: () => {} });
    const db = drizzle({ client, schema, ...(options.logger ? { logger: options.logger } : {}) });
    if (!options.ownerUrl) await migrate(db, { migrationsFolder });
    return { db: db as unknown as Db, kind: 'postgres', close: () => client.end({ timeout: 5 }) };
  }
  const { PGlite } = await import('@electric-sql/pglite');
  const { drizzle } = await import('drizzle-orm/pglite');
  const { migrate } = await import('drizzle-orm/pglite/migrator');
  if (options.dataDir) mkdirSync(options.dataDir, { recursive: true });
  const client = await PGlite.create(options.dataDir ?? 'memory://');
  const db = drizzle({ client, schema });
  await migrate(db, { migrationsFolder });
  return { db: db as unknown as Db, kind: 'pglite', close: () => client.close() };
}

/** Readiness: whether the database answers a trivial statement. */
export async function databaseAnswers(db: Db): Promise<boolean> {
  return db.execute(sql`select 1`).then(
    () => true,
    () => false,
  );
}
