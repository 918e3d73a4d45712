// `npm run bench`: company start-up cases through the real engine (HTTP API, auth, PGlite or
// DATABASE_URL, the case worker) next to a bare-Temporal baseline of the same shape, measured in the same
// run on the same Temporal dev server. The load comes from a separate driver process for both. Prints
// one table.
//
//   BENCH_CASES (default 150)        cases per throughput scenario
//   BENCH_CONCURRENCY (default 10)   cases in flight at once
//   BENCH_SERIAL_CASES (default 30)  cases for the one-case-at-a-time latency scenario
//   BENCH_SCENARIOS (default bare,api,http; 'http' = Tax and the bank on the department simulator)
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { Worker } from '@temporalio/worker';
import { buildApp } from '../api/app.ts';
import { loadConfig } from '../config.ts';
import { DefinitionStore } from '../db/definitions.ts';
import type { Integrations } from '../departments/integrations.ts';
import { createCaseWorker } from '../services/case-worker.ts';
import { ensureDemoUsers } from '../services/demo-users.ts';
import { dataConverterFor } from '../services/payload-codec.ts';
import { formatPayloadKey, newPayloadKey } from '../services/payload-keys.ts';
import { openConfiguredDatabase, publishCatalog } from '../services/system.ts';
import { startEmbeddedTemporal } from '../services/temporal.ts';
import { startSimulator } from '../simulator/server.ts';
import { FsMaterialStore } from '../storage/material-store.ts';
import { bareActivities } from './bare-activities.ts';
import type { DriverTask } from './driver.ts';
import { type Measured, printTable, row } from './stats.ts';

const CASES = Number(process.env.BENCH_CASES ?? 150);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 10);
const SERIAL_CASES = Number(process.env.BENCH_SERIAL_CASES ?? 30);
const SCENARIOS = (process.env.BENCH_SCENARIOS ?? 'bare,api,http').split(',') as DriverTask['scenario'][];
const LABELS = {
  bare: 'bare Temporal (baseline)',
  api: 'engine via API',
  http: 'engine, Tax+bank over HTTP',
};

const dataDir = mkdtempSync(join(tmpdir(), 'yjs-bench-'));
const config = { ...loadConfig(), dataDir };
console.log(`Starting Temporal dev server, ${config.databaseUrl ? 'Postgres' : 'PGlite'}, worker and API…`);
// Every payload encrypted, as in production; the baseline too, so both pay the codec's cost.
const payloadKeys = [newPayloadKey('bench')];
const temporal = await startEmbeddedTemporal({ payloadKeys });
const database = await openConfiguredDatabase(config);
const definitions = new DefinitionStore(database.db);
await publishCatalog(definitions);
const tokens = Object.fromEntries(
  (await ensureDemoUsers(database.db, dataDir)).map((c) => [c.user, c.token]),
);

const caseWorker = await createCaseWorker({
  connection: temporal.nativeConnection,
  namespace: temporal.namespace,
  taskQueue: 'bench-cases',
  db: database.db,
  payloadKeys,
});
const bareWorker = await Worker.create({
  connection: temporal.nativeConnection,
  namespace: temporal.namespace,
  taskQueue: 'bench-bare',
  workflowsPath: fileURLToPath(new URL('./bare-workflow.ts', import.meta.url)),
  activities: bareActivities,
  dataConverter: dataConverterFor(payloadKeys),
});
const app = await buildApp({
  db: database.db,
  definitions,
  client: temporal.client,
  taskQueue: 'bench-cases',
  materials: new FsMaterialStore(join(dataDir, 'materials')),
});
const url = await app.listen({ port: 0, host: '127.0.0.1' });

// The 'http' scenario: Tax and the bank are departments' own systems (the simulator, deciding at once),
// reached over signed HTTP by their own API and worker on another task queue.
const simulator = await startSimulator({
  departments: ['TAX', 'BANK'].map((code) => ({
    code,
    secret: `bench-secret-${code}-0123456789`,
    delayMs: 0,
  })),
});
const integrations: Integrations = Object.fromEntries(
  ['TAX', 'BANK'].map((code) => [
    code,
    { baseUrl: simulator.url, secret: `bench-secret-${code}-0123456789` },
  ]),
);
const httpApp = await buildApp({
  db: database.db,
  definitions,
  client: temporal.client,
  taskQueue: 'bench-http',
  materials: new FsMaterialStore(join(dataDir, 'materials')),
  integrations,
});
const httpUrl = await httpApp.listen({ port: 0, host: '127.0.0.1' });
const httpWorker = await createCaseWorker({
  connection: temporal.nativeConnection,
  namespace: temporal.namespace,
  taskQueue: 'bench-http',
  db: database.db,
  payloadKeys,
  integrations,
  publicUrl: httpUrl,
});
const workersDone = Promise.all([caseWorker.run(), bareWorker.run(), httpWorker.run()]);

async function drive(
  scenario: DriverTask['scenario'],
  cases: number,
  concurrency: number,
): Promise<Measured> {
  const task: DriverTask = {
    scenario,
    label: LABELS[scenario],
    cases,
    concurrency,
    url: scenario === 'http' ? httpUrl : url,
    tokens,
    temporalAddress: temporal.address,
    bareTaskQueue: 'bench-bare',
    payloadKeys: payloadKeys.map(formatPayloadKey),
  };
  const { stdout } = await promisify(execFile)(
    process.execPath,
    ['--import', 'tsx', fileURLToPath(new URL('./driver.ts', import.meta.url))],
    { env: { ...process.env, BENCH_DRIVER: JSON.stringify(task) }, maxBuffer: 64 * 1024 * 1024 },
  );
  return JSON.parse(stdout) as Measured;
}

try {
  const rows: Record<string, string>[] = [];
  for (const [cases, concurrency] of [
    [CASES, CONCURRENCY],
    [SERIAL_CASES, 1],
  ] as const) {
    let baseline: number | undefined;
    for (const scenario of SCENARIOS) {
      const m = await drive(scenario, cases, concurrency);
      if (scenario === 'bare') baseline = m.steps / m.seconds;
      rows.push(row(m, baseline));
    }
  }
  const steps = rows[0] ? Number(rows[0].steps) / Number(rows[0].cases) : 0;
  console.log(
    `\nCompany start-up (${steps} department steps per case), ${database.kind}, Node ${process.version}\n`,
  );
  printTable(rows);
} finally {
  await app.close();
  await httpApp.close();
  caseWorker.shutdown();
  bareWorker.shutdown();
  httpWorker.shutdown();
  await workersDone;
  await simulator.stop();
  await temporal.stop();
  await database.close();
  rmSync(dataDir, { recursive: true, force: true });
}
