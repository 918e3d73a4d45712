// Shared by test files: a real database (PGlite in memory, or a fresh database on the Postgres server
// named by TEST_DATABASE_URL) and a real worker on the shared Temporal dev server.
import { randomUUID } from 'node:crypto';
import type { Worker } from '@temporalio/worker';
import { inject } from 'vitest';
import { type Database, openDatabase } from '../db/client.ts';
import { createCaseWorker } from '../services/case-worker.ts';
import { connectTemporal, type TemporalServices } from '../services/temporal.ts';

export async function openTestDatabase(): Promise<Database> {
  const admin = process.env.TEST_DATABASE_URL;
  if (!admin) return openDatabase({});
  const { default: postgres } = await import('postgres');
  const name = `test_${randomUUID().replace(/-/g, '')}`;
  const sql = postgres(admin, { max: 1, onnotice: () => {} });
  await sql.unsafe(`create database ${name}`);
  await sql.end();
  const url = new URL(admin);
  url.pathname = `/${name}`;
  const database = await openDatabase({ url: url.toString(), poolSize: 5 });
  return {
    ...database,
    close: async () => {
      await database.close();
      const cleanup = postgres(admin, { max: 1, onnotice: () => {} });
      await cleanup.unsafe(`drop database if exists ${name} with (force)`);
      await cleanup.end();
    },
  };
}

export interface TestEngine {
  temporal: TemporalServices;
  database: Database;
  worker: Worker;
  taskQueue: string;
  stop(): Promise<void>;
}

/** A worker on its own task queue against the run's Temporal server, with a fresh database. */
export async function startTestEngine(): Promise<TestEngine> {
  const temporal = await connectTemporal(inject('temporalAddress'));
  const database = await openTestDatabase();
  const taskQueue = `test-${randomUUID()}`;
  const worker = await createCaseWorker({
    connection: temporal.nativeConnection,
    namespace: temporal.namespace,
    taskQueue,
    db: database.db,
  });
  const running = worker.run();
  return {
    temporal,
    database,
    worker,
    taskQueue,
    stop: async () => {
      worker.shutdown();
      await running;
      await database.close();
      await temporal.stop();
    },
  };
}
