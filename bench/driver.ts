// The bench's load generator, run as its own process (as real clients are: the engine's process should
// spend its CPU on the engine, not on generating load). Drives one scenario and prints its measurements
// as JSON on stdout.
//
//   BENCH_DRIVER=<json: {scenario, cases, concurrency, url, tokens, temporalAddress}>
import { Client, Connection, WithStartWorkflowOperation } from '@temporalio/client';
import { companyStartup } from '../processes/company-startup.ts';
import { dataConverterFor } from '../services/payload-codec.ts';
import {
  companyStartupApplication,
  parallelApprovals,
  registrationApproval,
  SAMPLE_SCAN,
} from '../test/fixtures/examples.ts';
import { bareDecide, bareOpen } from './bare-workflow.ts';
import { type Measured, pool } from './stats.ts';

export interface DriverTask {
  scenario: 'bare' | 'api' | 'http';
  label: string;
  cases: number;
  concurrency: number;
  url: string;
  tokens: Record<string, string>;
  temporalAddress: string;
  bareTaskQueue: string;
  /** The run's payload keys (id:base64), as the engine's client and workers encrypt with them. */
  payloadKeys: string[];
}

const task = JSON.parse(process.env.BENCH_DRIVER ?? '{}') as DriverTask;
const STEPS_PER_CASE = 1 + parallelApprovals.length;

async function timed(latencies: number[], fn: () => Promise<unknown>): Promise<void> {
  const t0 = performance.now();
  await fn();
  latencies.push(performance.now() - t0);
}

async function post(path: string, token: string, body: unknown): Promise<{ id?: string }> {
  const response = await fetch(task.url + path, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  const json = (await response.json()) as { id?: string };
  if (!response.ok) throw new Error(`${path}: ${response.status} ${JSON.stringify(json)}`);
  return json;
}

/** One upload per material, made once and attached to every case (as one clerk's scans might be). */
async function uploadMaterials(): Promise<Record<string, string>> {
  const ids: Record<string, string> = {};
  for (const material of companyStartup.materials) {
    const form = new FormData();
    form.append('file', new Blob([new Uint8Array(SAMPLE_SCAN)]), `${material.id}.pdf`);
    const response = await fetch(`${task.url}/api/materials`, {
      method: 'POST',
      headers: { authorization: `Bearer ${task.tokens.clerk}` },
      body: form,
    });
    ids[material.id] = ((await response.json()) as { id: string }).id;
  }
  return ids;
}

const materials = task.scenario === 'bare' ? {} : await uploadMaterials();

async function caseStatus(id: string): Promise<string> {
  const response = await fetch(`${task.url}/api/cases/${id}`, {
    headers: { authorization: `Bearer ${task.tokens.manager}` },
  });
  return ((await response.json()) as { status: string }).status;
}

/**
 * One company start-up case through the API: intake, registration, then the five parallel steps. The
 * departments in `ownSystems` decide in their own systems (the simulator); the driver then waits for
 * the case to close.
 */
async function apiCase(latencies: number[], ownSystems: string[] = []): Promise<void> {
  const { id } = await post('/api/cases', task.tokens.clerk!, {
    processId: 'company-startup',
    application: companyStartupApplication,
    materials,
  });
  const decide = (step: string, dept: string, outputs: unknown) =>
    timed(latencies, () =>
      post(`/api/cases/${id}/steps/${step}/decision`, task.tokens[dept.toLowerCase()]!, {
        outcome: 'approve',
        opinion: '同意',
        outputs,
      }),
    );
  await decide('registration', 'SAMR', registrationApproval);
  const byPeople = parallelApprovals.filter(([, dept]) => !ownSystems.includes(dept));
  await Promise.all(byPeople.map(([step, dept, outputs]) => decide(step, dept, outputs)));
  if (ownSystems.length === 0) return;
  while ((await caseStatus(id!)) === 'running') await new Promise((r) => setTimeout(r, 20));
}

const client = new Client({
  connection: await Connection.connect({ address: task.temporalAddress }),
  dataConverter: dataConverterFor(
    task.payloadKeys.map((entry) => {
      const [id, key] = entry.split(':') as [string, string];
      return { id, key: Buffer.from(key, 'base64') };
    }),
  ),
});
let bareIds = 0;

/** The same case shape on the bare workflow, driven straight through the Temporal client. */
async function bareCase(latencies: number[]): Promise<void> {
  const workflowId = `bare-${process.pid}-${++bareIds}`;
  await client.workflow.executeUpdateWithStart(bareOpen, {
    startWorkflowOperation: new WithStartWorkflowOperation('bareCaseWorkflow', {
      taskQueue: task.bareTaskQueue,
      workflowId,
      workflowIdConflictPolicy: 'FAIL',
    }),
  });
  const handle = client.workflow.getHandle(workflowId);
  const decide = (step: string) => timed(latencies, () => handle.executeUpdate(bareDecide, { args: [step] }));
  await decide('registration');
  await Promise.all(parallelApprovals.map(([step]) => decide(step)));
}

const runCase = {
  bare: bareCase,
  api: (l: number[]) => apiCase(l),
  http: (l: number[]) => apiCase(l, ['TAX', 'BANK']),
}[task.scenario];
await pool(Math.min(5, task.cases), Math.min(5, task.concurrency), () => runCase([])); // warm-up
const latencies: number[] = [];
const t0 = performance.now();
await pool(task.cases, task.concurrency, () => runCase(latencies));
const seconds = (performance.now() - t0) / 1000;
const measured: Measured = {
  scenario: task.label,
  cases: task.cases,
  concurrency: task.concurrency,
  steps: task.cases * STEPS_PER_CASE,
  seconds,
  latencies,
};
process.stdout.write(JSON.stringify(measured));
await client.connection.close();
