// Opens the read-model database: a Postgres server through postgres.js when a URL is given, otherwise
// embedded PGlite (persisted in a folder, or in memory). Both run the same schema and the same committed
// migrations, applied here at start-up.
import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { sql } from 'drizzle-orm';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import { preparedRunner, registerPreparedRunner } from './pglite-prepared.ts';
import { preparingReads } from './prepared-reads.ts';
import { grantApplicationRole } from './roles.ts';
import * as schema from './schema.ts';
import {
  CREDENTIALS_CHANNEL,
  registerTokenCache,
  TokenCache,
  type TokenCacheOptions,
} from './token-cache.ts';

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
  /** Another migrations folder: a test builds a database as an older release left it, then migrates it. */
  migrationsFolder?: string;
  /** The token cache's bounds (db/token-cache.ts); false looks every token up (default: a cache). */
  tokenCache?: TokenCacheOptions | false;
}

/** Rows of a raw `db.execute` result: postgres.js returns an array, PGlite an object with `rows`. */
export function rowsOf<T>(result: unknown): T[] {
  return (Array.isArray(result) ? result : (result as { rows: T[] }).rows) as T[];
}

const committedMigrations = fileURLToPath(new URL('./migrations', import.meta.url));

/** Applies the migrations of the folder that the database has not had yet (drizzle's journal table says). */
export async function applyMigrations(database: Pick<Database, 'db' | 'kind'>, folder = committedMigrations) {
  const { migrate } =
    database.kind === 'postgres'
      ? await import('drizzle-orm/postgres-js/migrator')
      : await import('drizzle-orm/pglite/migrator');
  // Both migrators take the same drizzle database; each is typed to its own driver's.
  await migrate(database.db as never, { migrationsFolder: folder });
}

export async function openDatabase(options: DatabaseOptions): Promise<Database> {
  if (options.url) {
    const { default: postgres } = await import('postgres');
    const { drizzle } = await import('drizzle-orm/postgres-js');
    const separateOwner = options.ownerUrl !== undefined && options.ownerUrl !== options.url;
    if (separateOwner) {
      const ownerClient = postgres(options.ownerUrl!, { max: 1, onnotice: () => {} });
      try {
        const owner = {
          db: drizzle({ client: ownerClient, schema }) as unknown as Db,
          kind: 'postgres' as const,
        };
        await applyMigrations(owner, options.migrationsFolder);
        await grantApplicationRole(owner.db, decodeURIComponent(new URL(options.url).username));
      } finally {
        await ownerClient.end({ timeout: 5 });
      }
    }
    const client = postgres(options.url, { max: options.poolSize ?? 10, onnotice: () => {} });
    const db = drizzle({
      client: preparingReads(client),
      schema,
      ...(options.logger ? { logger: options.logger } : {}),
    });
    const database: Database = {
      db: db as unknown as Db,
      kind: 'postgres',
      close: () => client.end({ timeout: 5 }),
    };
    if (!separateOwner) await applyMigrations(database, options.migrationsFolder);
    if (options.tokenCache !== false) {
      const cache = new TokenCache(options.tokenCache);
      // A dedicated connection that postgres.js re-establishes after a loss; every (re)start of listening
      // forgets too, since what changed meanwhile went unheard.
      const forget = () => cache.forgetAll();
      await client.listen(CREDENTIALS_CHANNEL, forget, forget);
      registerTokenCache(database.db, cache);
    }
    return database;
  }
  const { PGlite } = await import('@electric-sql/pglite');
  const { drizzle } = await import('drizzle-orm/pglite');
  if (options.dataDir) mkdirSync(options.dataDir, { recursive: true });
  const client = await PGlite.create(options.dataDir ?? 'memory://');
  const db = drizzle({ client, schema });
  registerPreparedRunner(db, preparedRunner(client));
  const database: Database = { db: db as unknown as Db, kind: 'pglite', close: () => client.close() };
  await applyMigrations(database, options.migrationsFolder);
  if (options.tokenCache !== false) {
    const cache = new TokenCache(options.tokenCache);
    await client.listen(CREDENTIALS_CHANNEL, () => cache.forgetAll());
    registerTokenCache(database.db, cache);
  }
  return database;
}

/** Readiness: whether the database answers a trivial statement. */
export async function databaseAnswers(db: Db): Promise<boolean> {
  return db.execute(sql`select 1`).then(
    () => true,
    () => false,
  );
}
