// The engine with Tax and the bank on the department simulator (signed HTTP both ways), on the shared
// Temporal dev server, a test database and a listening API: the rig of the departments' own systems tests.
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Worker } from '@temporalio/worker';
import { inject } from 'vitest';
import { buildApp } from '../api/app.ts';
import type { App } from '../api/deps.ts';
import type { Database } from '../db/client.ts';
import { DefinitionStore } from '../db/definitions.ts';
import type { Integrations } from '../departments/integrations.ts';
import type { ProcessDefinition } from '../process/definition.ts';
import { createCaseWorker } from '../services/case-worker.ts';
import { ensureDemoUsers } from '../services/demo-users.ts';
import { publishCatalog } from '../services/system.ts';
import { connectTemporal, type TemporalServices } from '../services/temporal.ts';
import { type Simulator, type SimulatorOptions, startSimulator } from '../simulator/server.ts';
import { FsMaterialStore } from '../storage/material-store.ts';
import { openTestDatabase, uploadMaterials } from './helpers.ts';
import { TEST_PAYLOAD_KEYS } from './payload-keys.ts';

export interface DepartmentRig {
  temporal: TemporalServices;
  database: Database;
  simulator: Simulator;
  app: App;
  worker: Worker;
  url: string;
  tokens: Record<string, string>;
  /** One upload per material of the definition, as the clerk: material id -> upload id. */
  attach: Record<string, string>;
  /** The engine's integrations: tests may change them while the rig runs (the app and worker read them). */
  integrations: Integrations;
  stop(): Promise<void>;
}

export interface DepartmentRigOptions {
  definition: ProcessDefinition;
  secrets: { TAX: string; BANK: string };
  /** How long the simulated Tax and bank take to decide. */
  delayMs: number;
  callbackRetry: SimulatorOptions['callbackRetry'];
  /** Dispatch attempts to the bank before an incident. */
  bankAttempts: number;
}

export async function startDepartmentRig(o: DepartmentRigOptions): Promise<DepartmentRig> {
  const dir = mkdtempSync(join(tmpdir(), 'yjs-departments-'));
  const taskQueue = `departments-${randomUUID()}`;
  const simulator = await startSimulator({
    departments: [
      { code: 'TAX', secret: o.secrets.TAX, delayMs: o.delayMs },
      { code: 'BANK', secret: o.secrets.BANK, delayMs: o.delayMs },
    ],
    ...(o.callbackRetry ? { callbackRetry: o.callbackRetry } : {}),
  });
  const integrations: Integrations = {
    TAX: { baseUrl: simulator.url, secret: o.secrets.TAX, timeoutMs: 3000 },
    BANK: {
      baseUrl: simulator.url,
      secret: o.secrets.BANK,
      timeoutMs: 3000,
      maximumAttempts: o.bankAttempts,
    },
  };
  const temporal = await connectTemporal(inject('temporalAddress'), TEST_PAYLOAD_KEYS);
  const database = await openTestDatabase();
  const definitions = new DefinitionStore(database.db);
  await publishCatalog(definitions);
  await definitions.publish(o.definition);
  const tokens = Object.fromEntries((await ensureDemoUsers(database.db, dir)).map((c) => [c.user, c.token]));
  const app = await buildApp({
    db: database.db,
    definitions,
    client: temporal.client,
    taskQueue,
    materials: new FsMaterialStore(join(dir, 'materials')),
    integrations,
  });
  const url = await app.listen({ port: 0, host: '127.0.0.1' });
  const worker = await createCaseWorker({
    connection: temporal.nativeConnection,
    namespace: temporal.namespace,
    taskQueue,
    db: database.db,
    payloadKeys: TEST_PAYLOAD_KEYS,
    integrations,
    publicUrl: url,
  });
  const running = worker.run();
  const attach = await uploadMaterials(
    url,
    tokens.clerk!,
    o.definition.materials.map((m) => m.id),
  );
  return {
    temporal,
    database,
    simulator,
    app,
    worker,
    url,
    tokens,
    attach,
    integrations,
    async stop() {
      await app.close();
      worker.shutdown();
      await running;
      await simulator.stop();
      await database.close();
      await temporal.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
