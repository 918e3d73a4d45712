// Sending an Update to a case's workflow, and turning the workflow's refusals (the case machine's problem
// codes, carried as ApplicationFailure types) into problems with the right HTTP status.
import { type Client, WorkflowNotFoundError, WorkflowUpdateFailedError } from '@temporalio/client';
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
  'task-claimed': [409, 'Task claimed by someone else'],
  'not-assignable': [409, 'Not in the worklist'],
};

export function problemFor(code: MachineProblem['code'], detail: string, errors?: FieldError[]): Problem {
  const [status, title] = STATUS[code];
  return new Problem(status, code, title, detail, errors);
}

/** Sends an Update to the case's workflow and turns the workflow's refusals into problems. */
export async function sendUpdate<Ret, Arg>(
  client: Client,
  kase: { id: string; caseNo: string },
  update: UpdateDefinition<Ret, [Arg]>,
  arg: Arg,
): Promise<Ret> {
  try {
    return await client.workflow.getHandle(kase.id).executeUpdate(update, { args: [arg] });
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
