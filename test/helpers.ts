// Shared by test files: a real database (PGlite in memory, or a fresh database on the Postgres server
// named by TEST_DATABASE_URL) and a real worker on the shared Temporal dev server.
import { randomUUID } from 'node:crypto';
import type { Client, WorkflowHandle } from '@temporalio/client';
import { Worker, type WorkerOptions } from '@temporalio/worker';
import { afterAll, beforeAll, inject } from 'vitest';
import { type Activities, createActivities } from '../activities/index.ts';
import { insertCase } from '../db/cases.ts';
import { type Database, type DatabaseOptions, type Db, openDatabase } from '../db/client.ts';
import { createUser } from '../db/users.ts';
import type { ProcessDefinition } from '../process/definition.ts';
import { caseWorkflowBundle, createCaseWorker } from '../services/case-worker.ts';
import { dataConverterFor } from '../services/payload-codec.ts';
import { connectTemporal, type TemporalServices } from '../services/temporal.ts';
import { type CaseInput, stateQuery } from '../workflows/messages.ts';
import { SAMPLE_SCAN } from './fixtures/examples.ts';
import { TEST_PAYLOAD_KEYS } from './payload-keys.ts';

/** A sample material for uploads in tests (a tiny PDF). */
export const SAMPLE_PDF = SAMPLE_SCAN;

export async function openTestDatabase(
  options: Pick<DatabaseOptions, 'migrationsFolder'> = {},
): Promise<Database> {
  const admin = process.env.TEST_DATABASE_URL;
  if (!admin) return openDatabase(options);
  const { default: postgres } = await import('postgres');
  const name = `test_${randomUUID().replace(/-/g, '')}`;
  const sql = postgres(admin, { max: 1, onnotice: () => {} });
  await sql.unsafe(`create database ${name}`);
  await sql.end();
  const url = new URL(admin);
  url.pathname = `/${name}`;
  const database = await openDatabase({ ...options, url: url.toString(), poolSize: 5 });
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
  /** Stops the worker and starts a new one on the same task queue (as a redeploy would). */
  restartWorker(): Promise<void>;
  stop(): Promise<void>;
}

/** A worker on its own task queue against the run's Temporal server, with a fresh database. */
export async function startTestEngine(): Promise<TestEngine> {
  const temporal = await connectTemporal(inject('temporalAddress'), TEST_PAYLOAD_KEYS);
  const database = await openTestDatabase();
  const taskQueue = `test-${randomUUID()}`;
  const newWorker = () =>
    createCaseWorker({
      connection: temporal.nativeConnection,
      namespace: temporal.namespace,
      taskQueue,
      db: database.db,
      payloadKeys: TEST_PAYLOAD_KEYS,
    });
  let worker = await newWorker();
  let running = worker.run();
  const engine: TestEngine = {
    temporal,
    database,
    worker,
    taskQueue,
    restartWorker: async () => {
      worker.shutdown();
      await running;
      worker = await newWorker();
      engine.worker = worker;
      running = worker.run();
    },
    stop: async () => {
      worker.shutdown();
      await running;
      await database.close();
      await temporal.stop();
    },
  };
  return engine;
}

/** Where a test starts cases: its database, a Temporal client, the worker's task queue, the clerk who submits. */
export interface CaseTarget {
  db: Db;
  client: Client;
  taskQueue: string;
  clerk: string;
}

/** Waits (up to about 5 s) until the case's workflow shows the step awaiting a decision. */
export async function untilAwaiting(handle: WorkflowHandle, stepId: string): Promise<void> {
  for (let i = 0; i < 100 && (await handle.query(stateQuery)).steps[stepId] !== 'awaiting_decision'; i++)
    await new Promise((resolve) => setTimeout(resolve, 50));
}

/**
 * Starts a case of `definition` as intake does once its checks pass: the case row with its steps, then
 * caseWorkflow (workflowId = case id) with the definition snapshot and whatever else of the input is given
 * (calendar, warning, deficiencies...). No form or material checks: tests give the definitions they need.
 */
export async function startCase(
  target: CaseTarget,
  definition: ProcessDefinition,
  input: Partial<Omit<CaseInput, 'caseId' | 'definition'>> = {},
  start: { workflowTaskTimeout?: string } = {},
) {
  const id = randomUUID();
  await insertCase(target.db, {
    id,
    caseNoPrefix: 'T',
    processId: definition.id,
    processVersion: definition.version,
    application: {},
    submittedBy: target.clerk,
    requestHash: 'test',
    steps: definition.steps.map((s) => ({ stepId: s.id, department: s.department, title: s.title })),
  });
  const args: CaseInput = { caseId: id, caseNo: `T-${id}`, definition, submittedBy: target.clerk, ...input };
  return target.client.workflow.start('caseWorkflow', {
    taskQueue: target.taskQueue,
    workflowId: id,
    args: [args],
    ...start,
  });
}

/** A JSON request to an API over real HTTP, with an optional bearer token; the status and parsed body. */
export async function callApi(
  url: string,
  method: string,
  path: string,
  token: string | undefined,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<ApiResponse> {
  const response = await fetch(url + path, {
    method,
    headers: {
      ...(token ? { authorization: `Bearer ${token}` } : {}),
      ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
      ...headers,
    },
    ...(body !== undefined ? { body: typeof body === 'string' ? body : JSON.stringify(body) } : {}),
  });
  const text = await response.text();
  return { status: response.status, headers: response.headers, body: text ? JSON.parse(text) : undefined };
}

/** Uploads a file to an API as a clerk would (multipart); the upload's id. */
export async function uploadMaterial(
  url: string,
  token: string,
  bytes: Buffer = SAMPLE_PDF,
  filename = 'scan.pdf',
) {
  const form = new FormData();
  form.append('file', new Blob([new Uint8Array(bytes)]), filename);
  return fetch(`${url}/api/materials`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}` },
    body: form,
  });
}

/** One uploaded sample PDF per material id: material id -> upload id. */
export async function uploadMaterials(
  url: string,
  token: string,
  materialIds: string[],
): Promise<Record<string, string>> {
  const ids: Record<string, string> = {};
  for (const id of materialIds)
    ids[id] = (
      (await (await uploadMaterial(url, token, SAMPLE_PDF, `${id}.pdf`)).json()) as { id: string }
    ).id;
  return ids;
}

export interface TestApi {
  engine: TestEngine;
  app: import('../api/deps.ts').App;
  url: string;
  tokens: Record<string, string>;
  /** Demo passwords for /login: user name -> password. */
  passwords: Record<string, string>;
  /** Uploads a file as the clerk (multipart, as a browser would). */
  upload(bytes: Buffer, filename?: string, token?: string): Promise<ApiResponse>;
  /** One uploaded PDF for every material of a process: material id -> upload id. */
  materialsFor(processId: string): Promise<Record<string, string>>;
  call(
    method: string,
    path: string,
    token: string | undefined,
    body?: unknown,
    headers?: Record<string, string>,
  ): Promise<ApiResponse>;
  stop(): Promise<void>;
}

export interface ApiResponse {
  status: number;
  headers: Headers;
  // biome-ignore lint/suspicious/noExplicitAny: tests read arbitrary JSON bodies
  body: any;
}

/** The API over real HTTP on a free port, with a worker, a database and the demo accounts. */
export async function startTestApi(
  appOptions: Partial<import('../api/app.ts').BuildAppOptions> = {},
): Promise<TestApi> {
  const { mkdtempSync, rmSync } = await import('node:fs');
  const { tmpdir } = await import('node:os');
  const { join } = await import('node:path');
  const { buildApp } = await import('../api/app.ts');
  const { DefinitionStore } = await import('../db/definitions.ts');
  const { publishCatalog } = await import('../services/system.ts');
  const { ensureDemoUsers } = await import('../services/demo-users.ts');

  const engine = await startTestEngine();
  const definitions = new DefinitionStore(engine.database.db);
  await publishCatalog(definitions);
  const dir = mkdtempSync(join(tmpdir(), 'yjs-api-'));
  const credentials = await ensureDemoUsers(engine.database.db, dir);
  const { FsMaterialStore } = await import('../storage/material-store.ts');
  const app = await buildApp({
    db: engine.database.db,
    definitions,
    client: engine.temporal.client,
    taskQueue: engine.taskQueue,
    materials: new FsMaterialStore(join(dir, 'materials')),
    materialMaxBytes: 256 * 1024,
    ...appOptions,
  });
  const url = await app.listen({ port: 0, host: '127.0.0.1' });
  const materialSets = new Map<string, Record<string, string>>();
  const testApi: TestApi = {
    engine,
    app,
    url,
    tokens: Object.fromEntries(credentials.map((c) => [c.user, c.token])),
    passwords: Object.fromEntries(credentials.map((c) => [c.user, c.password])),
    call: (method, path, token, body, headers = {}) => callApi(url, method, path, token, body, headers),
    async upload(bytes, filename = 'scan.pdf', token) {
      const response = await uploadMaterial(
        url,
        token ?? credentials.find((c) => c.user === 'clerk')!.token,
        bytes,
        filename,
      );
      const text = await response.text();
      return {
        status: response.status,
        headers: response.headers,
        body: text ? JSON.parse(text) : undefined,
      };
    },
    async materialsFor(processId) {
      const cached = materialSets.get(processId);
      if (cached) return cached;
      const definition = (await definitions.latest(processId))!;
      const set: Record<string, string> = {};
      for (const m of definition.materials)
        set[m.id] = (await testApi.upload(SAMPLE_PDF, `${m.id}.pdf`)).body.id;
      materialSets.set(processId, set);
      return set;
    },
    async stop() {
      await app.close();
      await engine.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
  return testApi;
}

/** The clerk a test's cases are submitted by: its user id. */
export async function createClerk(db: Db): Promise<string> {
  return (await createUser(db, { username: 'clerk', displayName: 'Clerk', role: 'clerk' })).id;
}

/**
 * A test file's engine and the clerk its cases are submitted by, started before its tests and stopped after
 * them: read `engine` and `clerk` inside the tests (they are set once the file's beforeAll has run).
 */
export function engineWithClerk(): { engine: TestEngine; clerk: string } {
  const shared = {} as { engine: TestEngine; clerk: string };
  beforeAll(async () => {
    shared.engine = await startTestEngine();
    shared.clerk = await createClerk(shared.engine.database.db);
  });
  afterAll(() => shared.engine?.stop());
  return shared;
}

/** A case worker of a test's own on `taskQueue`, against the engine's server and database, as production builds it. */
export function caseWorkerOn(engine: TestEngine, taskQueue: string): Promise<Worker> {
  return createCaseWorker({
    connection: engine.temporal.nativeConnection,
    namespace: engine.temporal.namespace,
    taskQueue,
    db: engine.database.db,
    payloadKeys: TEST_PAYLOAD_KEYS,
  });
}

/**
 * A case worker whose activities are the real ones with some wrapped around them (`wrap` gets the real ones:
 * count them, hold them, hang them), and the SDK's options a test sets (another connection, a forced
 * shutdown).
 */
export async function workerWithActivities(
  engine: TestEngine,
  taskQueue: string,
  wrap: (real: Activities) => Partial<Activities>,
  options: Partial<WorkerOptions> = {},
): Promise<Worker> {
  const activities = createActivities({ db: engine.database.db });
  return Worker.create({
    connection: engine.temporal.nativeConnection,
    namespace: engine.temporal.namespace,
    taskQueue,
    workflowBundle: await caseWorkflowBundle(),
    dataConverter: dataConverterFor(TEST_PAYLOAD_KEYS),
    ...options,
    activities: { ...activities, ...wrap(activities) },
  });
}

type ProjectCase = Activities['projectCase'];

/** The same with only the projection activity wrapped. */
export function workerWithProjection(
  engine: TestEngine,
  taskQueue: string,
  project: (real: ProjectCase) => ProjectCase,
  options: Partial<WorkerOptions> = {},
): Promise<Worker> {
  return workerWithActivities(
    engine,
    taskQueue,
    (real) => ({ projectCase: project(real.projectCase) }),
    options,
  );
}

/** Replays the case's history with the workflow's current code (throws on a nondeterminism error). */
export async function replays(handle: WorkflowHandle): Promise<void> {
  await Worker.runReplayHistory(
    { workflowBundle: await caseWorkflowBundle(), dataConverter: dataConverterFor(TEST_PAYLOAD_KEYS) },
    await handle.fetchHistory(),
    handle.workflowId,
  );
}
