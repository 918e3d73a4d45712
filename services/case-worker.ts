// Builds the Temporal worker that runs caseWorkflow and its activities. The workflow bundle is built once
// per process (webpack takes seconds) and shared by every worker created afterwards.
import { fileURLToPath } from 'node:url';
import { setFlagsFromString } from 'node:v8';
import { bundleWorkflowCode, type NativeConnection, Worker, type WorkflowBundle } from '@temporalio/worker';
import { createActivities } from '../activities/index.ts';
import type { Notifier } from '../activities/notifier.ts';
import type { Db } from '../db/client.ts';
import type { Integrations } from '../departments/integrations.ts';
import { dataConverterFor, FAILURE_CONVERTER_PATH, type PayloadKey } from './payload-codec.ts';
import { ValueFreeFailures } from './worker-log-safety.ts';

export interface CaseWorkerOptions {
  connection: NativeConnection;
  namespace: string;
  taskQueue: string;
  db: Db;
  /** Keys of the payload codec, oldest first (the last encrypts): the same as every client's. */
  payloadKeys: readonly PayloadKey[];
  notifier?: Notifier;
  integrations?: Integrations;
  /** Where department systems send their callbacks. */
  publicUrl?: string;
  /** Workflows kept in memory between their tasks (the rest replay from history when they next move). */
  maxCachedWorkflows?: number;
  /** Stack frames recorded in the workflow thread (default WORKFLOW_STACK_TRACE_LIMIT); 10 to debug. */
  workflowStackTraceLimit?: number;
}

/** Worker options the engine sets (others are the SDK's defaults). */
export const CASE_WORKER_DEFAULTS: { maxCachedWorkflows?: number } = {};

let bundle: Promise<WorkflowBundle> | undefined;

export function caseWorkflowBundle(): Promise<WorkflowBundle> {
  bundle ??= bundleWorkflowCode({
    workflowsPath: fileURLToPath(new URL('../workflows/index.ts', import.meta.url)),
    // Failures raised in workflow code get their messages encrypted like those of activities.
    failureConverterPath: FAILURE_CONVERTER_PATH,
    logger: {
      trace() {},
      debug() {},
      info() {},
      warn: console.warn,
      error: console.error,
      log() {},
    } as never,
  });
  return bundle;
}

/**
 * Frames V8 records in the workflow thread's stack traces. The SDK's promise hook records a stack trace
 * for every promise a workflow creates (for its stack-trace query), which was about a third of the
 * workflow thread's CPU; with 0 that costs next to nothing. The price: workflow-side errors and the
 * stack-trace query show no frames (activity and API errors keep theirs). V8 applies the flag to contexts
 * created after it is set, so it is set while the worker creates its thread and context, then put back.
 */
export const WORKFLOW_STACK_TRACE_LIMIT = 0;
const NODE_STACK_TRACE_LIMIT = 10;

export async function createCaseWorker(options: CaseWorkerOptions): Promise<Worker> {
  setFlagsFromString(`--stack-trace-limit=${options.workflowStackTraceLimit ?? WORKFLOW_STACK_TRACE_LIMIT}`);
  try {
    return await createWorker(options);
  } finally {
    setFlagsFromString(`--stack-trace-limit=${NODE_STACK_TRACE_LIMIT}`);
  }
}

async function createWorker(options: CaseWorkerOptions): Promise<Worker> {
  return Worker.create({
    connection: options.connection,
    namespace: options.namespace,
    taskQueue: options.taskQueue,
    workflowBundle: await caseWorkflowBundle(),
    dataConverter: dataConverterFor(options.payloadKeys),
    ...CASE_WORKER_DEFAULTS,
    ...(options.maxCachedWorkflows !== undefined ? { maxCachedWorkflows: options.maxCachedWorkflows } : {}),
    interceptors: { activity: [() => ({ inbound: new ValueFreeFailures() })] },
    activities: createActivities({
      db: options.db,
      ...(options.notifier ? { notifier: options.notifier } : {}),
      ...(options.integrations ? { integrations: options.integrations } : {}),
      ...(options.publicUrl ? { publicUrl: options.publicUrl } : {}),
    }),
  });
}
