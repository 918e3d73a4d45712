// Builds the Temporal worker that runs caseWorkflow and its activities. The workflow bundle is built once
// per process (webpack takes seconds) and shared by every worker created afterwards.
import { readFile } from 'node:fs/promises';
import { setFlagsFromString } from 'node:v8';
import { type NativeConnection, Worker, type WorkflowBundle } from '@temporalio/worker';
import { createActivities } from '../activities/index.ts';
import type { Notifier } from '../activities/notifier.ts';
import type { Db } from '../db/client.ts';
import type { Integrations } from '../departments/integrations.ts';
import { dataConverterFor, type PayloadKey } from './payload-codec.ts';
import { ValueFreeFailures } from './worker-log-safety.ts';
import { buildWorkflowBundleCode } from './workflow-bundle.ts';

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
export const CASE_WORKER_DEFAULTS: { maxCachedWorkflows?: number } = {
  // The SDK sizes its cache by the heap limit (about 2,300 workflows for a 4 GB heap), and a cached case
  // holds about 200 KB: 50,000 open cases would fill it and the worker's resident set would pass 800 MB.
  // Cases waiting on people are idle for hours; one evicted replays from its history when it next moves.
  maxCachedWorkflows: 200,
};

let bundle: Promise<WorkflowBundle> | undefined;

/**
 * The workflow bundle, built once per process, in a child process (webpack's memory stays there); or read
 * from WORKFLOW_BUNDLE_PATH, a bundle built beforehand from the same code: a test run builds one in its
 * global setup for all its files (each file is a process of its own, and each spent 4 CPU-s in webpack).
 */
export function caseWorkflowBundle(): Promise<WorkflowBundle> {
  const prebuilt = process.env.WORKFLOW_BUNDLE_PATH;
  if (prebuilt) {
    bundle ??= readFile(prebuilt, 'utf8').then((code) => ({ code }));
    return bundle;
  }
  bundle ??= buildWorkflowBundleCode().then((code) => ({ code }));
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

/**
 * The workflow thread's heap: an old space sized for the cache (a cached case holds about 200 KB, the
 * bundle and the SDK about 60 MB) and small young semi-spaces. V8 sizes a thread's heap for the machine
 * (here an old space of 4 GB and semi-spaces growing to 16 MB) and, with that much room, collects late,
 * so the cases a worker opens and evicts leave its resident set at a high-water mark far above what it
 * holds (BENCHMARKS.md, "Open cases": 448 MB with 4,000 open before, 266 MB with 50,000 now).
 */
export function workflowHeapFlags(maxCachedWorkflows: number): string[] {
  return [`--max-old-space-size=${128 + Math.ceil(maxCachedWorkflows * 0.4)}`, '--max-semi-space-size=2'];
}
/**
 * The same for the worker process's own (main) thread, which runs the activities and carries every task
 * to and from Temporal's core: V8 reads these at start only, so they are on worker.ts's command line
 * (package.json's `worker` script, docker-compose.yml; test/worker-heap.test.ts keeps them equal).
 */
export const WORKER_PROCESS_HEAP_FLAGS = ['--max-old-space-size=192', '--max-semi-space-size=2'];
/**
 * And its environment: at most two malloc arenas. glibc gives each of the process's threads (libuv's,
 * V8's, the Temporal core's) arenas of their own up to eight per core, and what they free stays mapped.
 */
export const WORKER_PROCESS_ENV = { MALLOC_ARENA_MAX: '2' };
/** The flags put back once the thread is made: Node's stack depth, and V8 sizing heaps itself (0). */
const PROCESS_FLAGS = [
  `--stack-trace-limit=${NODE_STACK_TRACE_LIMIT}`,
  '--max-old-space-size=0',
  '--max-semi-space-size=0',
];

export async function createCaseWorker(options: CaseWorkerOptions): Promise<Worker> {
  // V8 applies these flags to isolates (and contexts) created after they are set: the worker's workflow
  // thread is made in Worker.create, and the process's other threads keep V8's own settings.
  const cached = options.maxCachedWorkflows ?? CASE_WORKER_DEFAULTS.maxCachedWorkflows!;
  const workflowThread = [
    `--stack-trace-limit=${options.workflowStackTraceLimit ?? WORKFLOW_STACK_TRACE_LIMIT}`,
    ...workflowHeapFlags(cached),
  ];
  for (const flag of workflowThread) setFlagsFromString(flag);
  try {
    return await createWorker(options);
  } finally {
    for (const flag of PROCESS_FLAGS) setFlagsFromString(flag);
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
