// Sending an Update to a case's workflow, and turning the workflow's refusals (the case machine's problem
// codes, carried as ApplicationFailure types) into problems with the right HTTP status.
//
// Every Update carries an id: the caller's Idempotency-Key (scoped to the action and the actor) or one made
// per request. Temporal applies an Update id once and answers every repeat with the first outcome, so a
// client that lost an answer (a timeout, a dropped socket) repeats its request and gets that answer. The
// wait is bounded: transient refusals (Temporal unreachable or overloaded, a workflow task that failed
// while a worker restarted, a long poll that timed out) are retried with the same id until the bound, and
// then the caller gets 503 with Retry-After instead of a request that hangs or a 500.
import {
  type Client,
  WithStartWorkflowOperation,
  WorkflowExecutionAlreadyStartedError,
  WorkflowNotFoundError,
  WorkflowUpdateFailedError,
  WorkflowUpdateRPCTimeoutOrCancelledError,
} from '@temporalio/client';
import { ApplicationFailure, type UpdateDefinition } from '@temporalio/common';
import type { MachineProblem } from '../process/case-machine.ts';
import {
  GRPC_ABORTED,
  GRPC_DEADLINE_EXCEEDED,
  GRPC_FAILED_PRECONDITION,
  GRPC_RESOURCE_EXHAUSTED,
  GRPC_UNAVAILABLE,
  grpcCode,
  RETRY_AFTER_SECONDS,
} from './outage.ts';
import { type FieldError, Problem } from './problem.ts';

const STATUS: Record<MachineProblem['code'], [number, string]> = {
  'unknown-step': [404, 'Unknown step'],
  'wrong-department': [403, 'Not your department'],
  'step-not-awaiting-decision': [409, 'Step not awaiting a decision'],
  'malformed-decision': [400, 'Malformed decision'],
  'invalid-outputs': [400, 'Invalid outputs'],
  'case-closed': [409, 'Case closed'],
  'not-in-supplement': [409, 'No supplement requested'],
  'stage-open': [409, 'Special stage already open'],
  'no-stage-open': [409, 'No special stage open'],
  'no-incident': [409, 'No incident'],
  'held-by-system': [409, "With the department's own system"],
  'stale-task': [409, 'Stale task'],
  'task-claimed': [409, 'Task claimed by someone else'],
  'not-assignable': [409, 'Not in the worklist'],
  'no-clocks': [409, 'Case without clocks'],
  'calendar-current': [409, 'Calendar already current'],
  'calendar-stale': [409, 'Calendar older than the case’s'],
  'other-region': [409, 'Another region'],
};

export function problemFor(code: MachineProblem['code'], detail: string, errors?: FieldError[]): Problem {
  const [status, title] = STATUS[code];
  return new Problem(status, code, title, detail, errors);
}

export interface UpdateOptions {
  /** The Update id: a repeat with the same id is answered with the first outcome, applied once. */
  updateId: string;
  /** How long the caller waits in all, retries included, before a 503. */
  waitMs: number;
}

/** Refusals that say "not now" rather than "no": the same Update may succeed when sent again. */
const TRANSIENT = new Set([
  GRPC_UNAVAILABLE,
  GRPC_DEADLINE_EXCEEDED,
  GRPC_RESOURCE_EXHAUSTED,
  GRPC_ABORTED,
  // "unexpected workflow task failure": the task that carried the Update failed (a worker died, say).
  GRPC_FAILED_PRECONDITION,
]);

function isTransient(error: unknown): boolean {
  if (error instanceof WorkflowUpdateRPCTimeoutOrCancelledError) return true;
  const code = grpcCode(error);
  return code !== undefined && TRANSIENT.has(code);
}

const TIMED_OUT = Symbol('timed out');

function notAnsweredYet(caseNo: string, waitMs: number): Problem {
  const problem = new Problem(
    503,
    'not-answered-yet',
    'Not answered yet',
    `Case ${caseNo} did not answer within ${Math.round(waitMs / 1000)} s (the engine may be restarting); ` +
      'the action may still be applied. Repeat the request with the same Idempotency-Key: it is applied ' +
      'at most once, and the repeat gets its answer (without a key, look at the case before repeating).',
  );
  problem.retryAfter = RETRY_AFTER_SECONDS;
  return problem;
}

/**
 * Calls Temporal for a case within a bound: `call` runs with an abort signal; transient refusals are retried
 * (the caller gives the same Update id each time, so a retry is applied once); `refusal` may turn an error
 * into a problem first. At the bound the caller gets 503 with Retry-After (notAnsweredYet).
 */
export async function withinBound<T>(
  client: Client,
  caseNo: string,
  waitMs: number,
  call: () => Promise<T>,
  refusal: (error: unknown) => void = () => undefined,
): Promise<T> {
  const deadline = Date.now() + waitMs;
  let backoff = 100;
  for (;;) {
    const left = deadline - Date.now();
    if (left <= 0) throw notAnsweredYet(caseNo, waitMs);
    const abort = new AbortController();
    let timer: NodeJS.Timeout | undefined;
    // Not every call heeds the signal (update-with-start): the bound is a race as well.
    const timeout = new Promise<typeof TIMED_OUT>((resolve) => {
      timer = setTimeout(() => resolve(TIMED_OUT), left);
    });
    const attempt = client.withAbortSignal(abort.signal, call);
    try {
      const result = await Promise.race([attempt, timeout]);
      if (result === TIMED_OUT) {
        abort.abort();
        attempt.catch(() => undefined); // its rejection after the abort concerns no one
        throw notAnsweredYet(caseNo, waitMs);
      }
      return result;
    } catch (error) {
      if (error instanceof Problem) throw error;
      refusal(error);
      if (!isTransient(error)) throw error;
      const pause = Math.min(backoff, deadline - Date.now());
      if (pause > 0) await new Promise((resolve) => setTimeout(resolve, pause));
      backoff = Math.min(backoff * 2, 2000);
    } finally {
      clearTimeout(timer);
    }
  }
}

/** A workflow started, unless it runs already, with an Update that answers once it took effect. */
export interface UpdateWithStart<Ret, Arg> {
  workflowType: string;
  workflowId: string;
  taskQueue: string;
  args: [Arg];
  update: UpdateDefinition<Ret, []>;
  updateId: string;
}

/**
 * Starts a workflow with an Update (update-with-start) within the bound, as `withinBound` retries: each
 * attempt needs its own start operation (one is used once), and the same Update id, which the server
 * applies once. A workflow that has already ended with this id is taken as done (its start was applied),
 * and answers undefined: its Update's outcome is no longer to be had.
 */
export function startWithUpdate<Ret, Arg>(
  client: Client,
  caseNo: string,
  waitMs: number,
  start: UpdateWithStart<Ret, Arg>,
): Promise<Ret | undefined> {
  return withinBound(client, caseNo, waitMs, async () => {
    const startWorkflowOperation = new WithStartWorkflowOperation(start.workflowType, {
      taskQueue: start.taskQueue,
      workflowId: start.workflowId,
      args: start.args,
      workflowIdConflictPolicy: 'USE_EXISTING',
      workflowIdReusePolicy: 'REJECT_DUPLICATE',
    });
    try {
      return await client.workflow.executeUpdateWithStart(start.update, {
        startWorkflowOperation,
        updateId: start.updateId,
      });
    } catch (error) {
      if (!(error instanceof WorkflowExecutionAlreadyStartedError)) throw error;
      return undefined;
    }
  });
}

/**
 * Sends an Update to the case's workflow and turns the workflow's refusals into problems; retries transient
 * refusals with the same Update id until `waitMs` has passed, then answers 503 with Retry-After.
 */
export function sendUpdate<Ret, Arg>(
  client: Client,
  kase: { id: string; caseNo: string },
  update: UpdateDefinition<Ret, [Arg]>,
  arg: Arg,
  options: UpdateOptions,
): Promise<Ret> {
  return withinBound(
    client,
    kase.caseNo,
    options.waitMs,
    () =>
      client.workflow.getHandle(kase.id).executeUpdate(update, { args: [arg], updateId: options.updateId }),
    (error) => {
      if (error instanceof WorkflowUpdateFailedError && error.cause instanceof ApplicationFailure) {
        const code = error.cause.type as MachineProblem['code'];
        if (code in STATUS)
          throw problemFor(code, error.cause.message, error.cause.details?.[0] as FieldError[]);
      }
      if (error instanceof WorkflowNotFoundError)
        throw problemFor('case-closed', `Case ${kase.caseNo} is closed.`);
    },
  );
}
