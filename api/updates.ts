// Sending an Update to a case's workflow, and turning the workflow's refusals (the case machine's problem
// codes, carried as ApplicationFailure types) into problems with the right HTTP status.
import {
  type Client,
  ServiceError,
  WorkflowNotFoundError,
  WorkflowUpdateFailedError,
} from '@temporalio/client';
import { ApplicationFailure, type UpdateDefinition } from '@temporalio/common';
import type { MachineProblem } from '../process/case-machine.ts';
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
};

export function problemFor(code: MachineProblem['code'], detail: string, errors?: FieldError[]): Problem {
  const [status, title] = STATUS[code];
  return new Problem(status, code, title, detail, errors);
}

/**
 * The server aborts Updates it has not yet accepted when the workflow task carrying them fails (seen
 * under load when a department system's callback and the case's other events meet in one task):
 * FAILED_PRECONDITION, "…due to unexpected workflow task failure". Nothing of such an Update was applied,
 * so it is sent again (its validator runs again on the case as it is then).
 */
const NOT_ACCEPTED_RETRIES = 3;
function notAccepted(error: unknown): boolean {
  for (let e = error, depth = 0; e instanceof Error && depth < 4; e = e.cause, depth++)
    if (e instanceof ServiceError && e.message.includes('due to unexpected workflow task failure'))
      return true;
  return false;
}

/** Sends an Update to the case's workflow and turns the workflow's refusals into problems. */
export async function sendUpdate<Ret, Arg>(
  client: Client,
  kase: { id: string; caseNo: string },
  update: UpdateDefinition<Ret, [Arg]>,
  arg: Arg,
): Promise<Ret> {
  try {
    for (let attempt = 1; ; attempt++) {
      try {
        return await client.workflow.getHandle(kase.id).executeUpdate(update, { args: [arg] });
      } catch (error) {
        if (attempt > NOT_ACCEPTED_RETRIES || !notAccepted(error)) throw error;
      }
    }
  } catch (error) {
    if (error instanceof WorkflowUpdateFailedError && error.cause instanceof ApplicationFailure) {
      const code = error.cause.type as MachineProblem['code'];
      if (code in STATUS)
        throw problemFor(code, error.cause.message, error.cause.details?.[0] as FieldError[]);
    }
    if (error instanceof WorkflowNotFoundError)
      throw problemFor('case-closed', `Case ${kase.caseNo} is closed.`);
    throw error;
  }
}
