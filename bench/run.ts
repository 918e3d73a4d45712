// `npm run bench`: company start-up cases through the real API (HTTP, auth, PGlite or DATABASE_URL, the
// case worker) next to a bare-Temporal baseline of the same shape measured in the same run on the same
// Temporal dev server. Prints one table.
//
//   BENCH_CASES (default 150)       cases per throughput scenario
//   BENCH_CONCURRENCY (default 10)  cases in flight at once
//   BENCH_SERIAL_CASES (default 30) cases for the one-at-a-time latency scenario
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { WithStartWorkflowOperation } from '@temporalio/client';
import { Worker } from '@temporalio/worker';
import { buildApp } from '../api/app.ts';
import { loadConfig } from '../api/config.ts';
import { CaseIntake } from '../api/intake.ts';
import { DefinitionStore } from '../db/definitions.ts';
import { findUserByName } from '../db/users.ts';
import type { OutputValue } from '../process/decision.ts';
import { companyStartupApplication, parallelApprovals, registrationApproval } from '../processes/examples.ts';
import { createCaseWorker } from '../services/case-worker.ts';
import { ensureDemoUsers } from '../services/demo-users.ts';
import { openConfiguredDatabase, publishCatalog } from '../services/system.ts';
import { startEmbeddedTemporal } from '../services/temporal.ts';
import { decideUpdate } from '../workflows/messages.ts';
import { bareActivities } from './bare-activities.ts';
import { bareDecide, bareOpen } from './bare-workflow.ts';
import { type Measured, pool, printTable, row } from './stats.ts';

const CASES = Number(process.env.BENCH_CASES ?? 150);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 10);
const SERIAL_CASES = Number(process.env.BENCH_SERIAL_CASES ?? 30);
const STEPS_PER_CASE = 1 + parallelApprovals.length;

const dataDir = mkdtempSync(join(tmpdir(), 'yjs-bench-'));
const config = { ...loadConfig(), dataDir, port: 0 };
console.log(`Starting Temporal dev server, ${config.databaseUrl ? 'Postgres' : 'PGlite'}, worker and API…`);
const temporal = await startEmbeddedTemporal();
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
});
const bareWorker = await Worker.create({
  connection: temporal.nativeConnection,
  namespace: temporal.namespace,
  taskQueue: 'bench-bare',
  workflowsPath: fileURLToPath(new URL('./bare-workflow.ts', import.meta.url)),
  activities: bareActivities,
});
const workersDone = Promise.all([caseWorker.run(), bareWorker.run()]);
const app = await buildApp({
  db: database.db,
  definitions,
  client: temporal.client,
  taskQueue: 'bench-cases',
});
const url = await app.listen({ port: 0, host: '127.0.0.1' });
const intake = new CaseIntake({
  db: database.db,
  definitions,
  client: temporal.client,
  taskQueue: 'bench-cases',
  caseNoPrefix: 'BENCH',
});
const clerk = (await findUserByName(database.db, 'clerk'))!;

async function post(path: string, token: string, body: unknown): Promise<{ id?: string }> {
  const response = await fetch(url + path, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  const json = (await response.json()) as { id?: string };
  if (!response.ok) throw new Error(`${path}: ${response.status} ${JSON.stringify(json)}`);
  return json;
}

async function timed(latencies: number[], fn: () => Promise<unknown>): Promise<void> {
  const t0 = performance.now();
  await fn();
  latencies.push(performance.now() - t0);
}

/** One company start-up case through the API: intake, registration, five parallel decisions. */
async function apiCase(latencies: number[]): Promise<void> {
  const { id } = await post('/api/cases', tokens.clerk!, {
    processId: 'company-startup',
    application: companyStartupApplication,
  });
  const decide = (step: string, dept: string, outputs: unknown) =>
    timed(latencies, () =>
      post(`/api/cases/${id}/steps/${step}/decision`, tokens[dept.toLowerCase()]!, {
        outcome: 'approve',
        opinion: '同意',
        outputs,
      }),
    );
  await decide('registration', 'SAMR', registrationApproval);
  await Promise.all(parallelApprovals.map(([step, dept, outputs]) => decide(step, dept, outputs)));
}

/** The engine's caseWorkflow driven straight through the Temporal client (no HTTP, no API checks). */
async function clientCase(latencies: number[]): Promise<void> {
  const { row } = await intake.submit(clerk, {
    processId: 'company-startup',
    application: companyStartupApplication,
  });
  const handle = temporal.client.workflow.getHandle(row.id);
  const decide = (stepId: string, department: string, outputs: Record<string, OutputValue>) =>
    timed(latencies, () =>
      handle.executeUpdate(decideUpdate, {
        args: [
          { stepId, outcome: 'approve', opinion: '同意', outputs, actor: { userId: clerk.id, department } },
        ],
      }),
    );
  await decide('registration', 'SAMR', registrationApproval);
  await Promise.all(parallelApprovals.map(([step, dept, outputs]) => decide(step, dept, outputs)));
}

let bareIds = 0;
/** The same case shape on the bare workflow, driven straight through the Temporal client. */
async function bareCase(latencies: number[]): Promise<void> {
  const workflowId = `bare-${++bareIds}-${Date.now()}`;
  await temporal.client.workflow.executeUpdateWithStart(bareOpen, {
    startWorkflowOperation: new WithStartWorkflowOperation('bareCaseWorkflow', {
      taskQueue: 'bench-bare',
      workflowId,
      workflowIdConflictPolicy: 'FAIL',
    }),
  });
  const handle = temporal.client.workflow.getHandle(workflowId);
  const decide = (step: string) => timed(latencies, () => handle.executeUpdate(bareDecide, { args: [step] }));
  await decide('registration');
  await Promise.all(parallelApprovals.map(([step]) => decide(step)));
}

async function measure(
  scenario: string,
  cases: number,
  concurrency: number,
  runCase: (l: number[]) => Promise<void>,
): Promise<Measured> {
  await pool(Math.min(5, cases), Math.min(5, concurrency), () => runCase([])); // warm-up: JIT, caches, pools
  const latencies: number[] = [];
  const t0 = performance.now();
  await pool(cases, concurrency, () => runCase(latencies));
  const seconds = (performance.now() - t0) / 1000;
  return { scenario, cases, concurrency, steps: cases * STEPS_PER_CASE, seconds, latencies };
}

try {
  const bare = await measure('bare Temporal (baseline)', CASES, CONCURRENCY, bareCase);
  const engine = await measure('engine via API', CASES, CONCURRENCY, apiCase);
  const direct = await measure('engine, Temporal client', CASES, CONCURRENCY, clientCase);
  const bareSerial = await measure('bare Temporal (baseline)', SERIAL_CASES, 1, bareCase);
  const engineSerial = await measure('engine via API', SERIAL_CASES, 1, apiCase);
  const directSerial = await measure('engine, Temporal client', SERIAL_CASES, 1, clientCase);
  const baseline = bare.steps / bare.seconds;
  const baselineSerial = bareSerial.steps / bareSerial.seconds;
  console.log(
    `\nCompany start-up (${STEPS_PER_CASE} department steps per case), ${database.kind}, Node ${process.version}\n`,
  );
  printTable([
    row(bare),
    row(engine, baseline),
    row(direct, baseline),
    row(bareSerial),
    row(engineSerial, baselineSerial),
    row(directSerial, baselineSerial),
  ]);
} finally {
  await app.close();
  caseWorker.shutdown();
  bareWorker.shutdown();
  await workersDone;
  await temporal.stop();
  await database.close();
  rmSync(dataDir, { recursive: true, force: true });
}
