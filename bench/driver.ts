// The bench's load generator, run as its own process (as real clients are: the engine's process should
// spend its CPU on the engine, not on generating load). Drives one scenario, reports progress on stderr
// (`progress <cases done> <steps done>` lines, read by run.ts) and prints its measurements as JSON on stdout.
//
//   BENCH_DRIVER=<json: DriverTask>
import { Client, Connection, WithStartWorkflowOperation } from '@temporalio/client';
import type { ProcessDefinition } from '../process/definition.ts';
import { companyStartup } from '../processes/company-startup.ts';
import { dataConverterFor } from '../services/payload-codec.ts';
import {
  companyStartupApplication,
  parallelApprovals,
  registrationApproval,
  SAMPLE_SCAN,
  SAMPLES,
} from '../test/fixtures/examples.ts';
import { bareDecide, bareOpen } from './bare-workflow.ts';
import { MIX, mixDefinition, mixEntryFor, mixId } from './mix.ts';
import { type Measured, pool } from './stats.ts';

export type Scenario = 'bare' | 'bareown' | 'barehttp' | 'api' | 'http' | 'mix' | 'open';

export interface DriverTask {
  scenario: Scenario;
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
const DECIDED = new Set(['approved', 'denied']);

let casesDone = 0;
let stepsDone = 0;
let lastReport = 0;
function progress(steps: number): void {
  casesDone++;
  stepsDone += steps;
  const now = performance.now();
  if (now - lastReport < 250) return;
  lastReport = now;
  process.stderr.write(`progress ${casesDone} ${stepsDone}\n`);
}

async function timed<T>(latencies: number[], fn: () => Promise<T>): Promise<T> {
  const t0 = performance.now();
  const result = await fn();
  latencies.push(performance.now() - t0);
  return result;
}

async function call<T>(method: string, path: string, token: string, body?: unknown): Promise<T> {
  const response = await fetch(task.url + path, {
    method,
    headers: {
      authorization: `Bearer ${token}`,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const json = (await response.json()) as T;
  if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${JSON.stringify(json)}`);
  return json;
}
const post = <T = { id?: string }>(path: string, token: string, body: unknown) =>
  call<T>('POST', path, token, body);

/** One upload per material, made once and attached to every case (as one clerk's scans might be). */
async function uploadMaterials(definition: ProcessDefinition): Promise<Record<string, string>> {
  const ids: Record<string, string> = {};
  for (const material of definition.materials) {
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

const usesApi = !['bare', 'bareown', 'barehttp'].includes(task.scenario);
const materials = usesApi ? await uploadMaterials(companyStartup) : {};
const mixMaterials: Record<string, Record<string, string>> = {};
if (task.scenario === 'mix')
  for (const entry of MIX) mixMaterials[entry.processId] = await uploadMaterials(mixDefinition(entry));

/**
 * Waits for a case's workflow to close, from the Temporal server (a long poll): the bench's own way of
 * knowing when the departments' systems have decided. Polling the case view through the API every few
 * milliseconds (as the bench did before 2026-12-04) added reads and access-log writes to the engine's load
 * that no clerk makes.
 */
async function caseClosed(id: string): Promise<void> {
  await client!.workflow.getHandle(id).result();
}

const submitCompany = () =>
  post('/api/cases', task.tokens.clerk!, {
    processId: 'company-startup',
    application: companyStartupApplication,
    materials,
  });

/**
 * One company start-up case through the API: intake, registration, then the five parallel steps. The
 * departments in `ownSystems` decide in their own systems (the simulator); the driver then waits for
 * the case to close.
 */
async function apiCase(latencies: number[], ownSystems: string[] = []): Promise<void> {
  const { id } = await submitCompany();
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
  if (ownSystems.length > 0) await caseClosed(id!);
  progress(STEPS_PER_CASE);
}

let mixed = 0;
let instantSteps = 0;
let mixSteps = 0;

/**
 * One case of the realistic mix: submitted, then each step decided by its department the moment it awaits
 * a decision (the answers say which steps a decision released; instant steps decide themselves).
 */
async function mixCase(latencies: number[]): Promise<void> {
  const entry = mixEntryFor(mixed++);
  const sample = SAMPLES[entry.processId]!;
  // Intake's answer says where the case went (before 2026-12-07 the driver read the case view for it: a
  // request with five reads and an access-log write that no clerk needs).
  const intake = await post<{ id: string; status: string; steps: Record<string, string> }>(
    '/api/cases',
    task.tokens.clerk!,
    {
      processId: mixId(entry.processId),
      application: sample.application,
      materials: mixMaterials[entry.processId],
    },
  );
  const id = intake.id;
  const statuses = new Map<string, string>();
  let status = intake.status;
  const started = new Set<string>();
  const running: Promise<void>[] = [];
  const release = (steps: Record<string, string>) => {
    for (const [stepId, stepStatus] of Object.entries(steps)) {
      statuses.set(stepId, stepStatus);
      if (stepStatus !== 'awaiting_decision' || started.has(stepId)) continue;
      started.add(stepId);
      running.push(decide(stepId));
    }
  };
  const decide = async (stepId: string) => {
    const { department, outputs } = sample.approvals[stepId]!;
    const answer = await timed(latencies, () =>
      post<{ caseStatus: string; steps: Record<string, string> }>(
        `/api/cases/${id}/steps/${stepId}/decision`,
        task.tokens[department.toLowerCase()]!,
        { outcome: 'approve', opinion: '同意', outputs },
      ),
    );
    if (answer.caseStatus !== 'running') status = answer.caseStatus;
    release(answer.steps);
  };
  release(intake.steps);
  for (let i = 0; i < running.length; i++) await running[i]; // the list grows while it is awaited
  if (status === 'running') throw new Error(`mix case ${id} (${entry.processId}) did not close`);
  const decided = [...statuses.values()].filter((s) => DECIDED.has(s)).length;
  mixSteps += decided;
  instantSteps += decided - started.size;
  progress(decided);
}

/** A case submitted and left waiting on its first department (the 'open cases' scenario). */
async function openCase(): Promise<void> {
  await submitCompany();
  progress(0);
}

// The Temporal client: the bare scenario's only way in; the http scenario's way to learn a case closed.
const client = ['bare', 'bareown', 'http'].includes(task.scenario)
  ? new Client({
      connection: await Connection.connect({ address: task.temporalAddress }),
      dataConverter: dataConverterFor(
        task.payloadKeys.map((entry) => {
          const [id, key] = entry.split(':') as [string, string];
          return { id, key: Buffer.from(key, 'base64') };
        }),
      ),
    })
  : undefined;
let bareIds = 0;

/** The steps of Tax and the bank, the departments the 'http' scenario reaches in their own systems. */
const OWN_SYSTEM_STEPS = parallelApprovals
  .filter(([, dept]) => ['TAX', 'BANK'].includes(dept))
  .map(([s]) => s);

/**
 * The same case shape on the bare workflow, driven straight through the Temporal client; with `ownSystems`,
 * those steps are delivered by an ordinary activity first (bench/bare-workflow.ts).
 */
async function bareCase(latencies: number[], ownSystems: string[] = []): Promise<void> {
  const workflowId = `bare-${process.pid}-${++bareIds}`;
  await client!.workflow.executeUpdateWithStart(bareOpen, {
    startWorkflowOperation: new WithStartWorkflowOperation('bareCaseWorkflow', {
      taskQueue: task.bareTaskQueue,
      workflowId,
      workflowIdConflictPolicy: 'FAIL',
      args: [ownSystems],
    }),
  });
  const handle = client!.workflow.getHandle(workflowId);
  const decide = (step: string) => timed(latencies, () => handle.executeUpdate(bareDecide, { args: [step] }));
  await decide('registration');
  await Promise.all(parallelApprovals.map(([step]) => decide(step)));
  if (ownSystems.length > 0) await handle.result(); // the deliveries done, as the http scenario waits
  progress(STEPS_PER_CASE);
}

const runCase = {
  bare: (l: number[]) => bareCase(l),
  bareown: (l: number[]) => bareCase(l, OWN_SYSTEM_STEPS),
  // The engine's requests, with the same bodies, to a server that only forwards them (bench/bare-http.ts).
  barehttp: (l: number[]) => apiCase(l),
  api: (l: number[]) => apiCase(l),
  http: (l: number[]) => apiCase(l, ['TAX', 'BANK']),
  mix: mixCase,
  open: openCase,
}[task.scenario];
if (task.scenario !== 'open') {
  await pool(Math.min(5, task.cases), Math.min(5, task.concurrency), () => runCase([])); // warm-up
  casesDone = stepsDone = mixSteps = instantSteps = 0;
}
const latencies: number[] = [];
const cpu0 = process.cpuUsage();
const t0 = performance.now();
await pool(task.cases, task.concurrency, () => runCase(latencies));
const seconds = (performance.now() - t0) / 1000;
const cpu = process.cpuUsage(cpu0);
const steps = { mix: mixSteps, open: 0 }[task.scenario as string] ?? task.cases * STEPS_PER_CASE;
const measured: Measured = {
  scenario: task.label,
  cases: task.cases,
  concurrency: task.concurrency,
  steps,
  ...(task.scenario === 'mix' ? { instantSteps } : {}),
  seconds,
  latencies,
  driverCpuSeconds: (cpu.user + cpu.system) / 1e6,
};
process.stdout.write(JSON.stringify(measured));
await client?.connection.close();
