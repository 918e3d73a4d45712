// Every message a caseWorkflow answers, shared by the workflow, the API and tests.
import { defineQuery, defineUpdate } from '@temporalio/workflow';
import type { Actor, Decision, DecisionOutcome, OutputValue } from '../process/decision.ts';
import type { CaseStatus, ProcessDefinition, StepStatus } from '../process/definition.ts';

export const CASE_TASK_QUEUE_DEFAULT = 'cases';

export interface CaseInput {
  caseId: string;
  caseNo: string;
  /** The definition snapshot: editing or republishing a definition never changes a running case. */
  definition: ProcessDefinition;
  submittedBy: string;
}

export interface CaseDatumState {
  value: OutputValue;
  stepId: string;
  at: string;
}

export interface CaseState {
  caseId: string;
  status: CaseStatus;
  steps: Record<string, StepStatus>;
  /** Approved outputs with provenance (which step, when). */
  data: Record<string, CaseDatumState>;
  /** Sequence number of the last event. */
  seq: number;
}

export interface DecideArgs {
  stepId: string;
  outcome: DecisionOutcome;
  outputs?: Record<string, OutputValue>;
  opinion: string;
  reasons?: string[];
  actor: Actor;
}

export interface DecideResult {
  stepId: string;
  stepStatus: StepStatus;
  caseStatus: CaseStatus;
  /** Steps this decision released to their departments. */
  dispatched: string[];
  /** Steps this decision cancelled. */
  cancelled: string[];
  seq: number;
}

/** A department decides a step. The validator refuses, without touching history, anything invalid. */
export const decideUpdate = defineUpdate<DecideResult, [DecideArgs]>('decide');
export const stateQuery = defineQuery<CaseState>('state');

export interface IntakeResult {
  /** Steps released to their departments at intake. */
  dispatched: string[];
  status: CaseStatus;
}

/**
 * Sent with the start (update-with-start): answers once the opening batch (the case's steps and the first
 * dispatches) is in the read model, so the clerk's "submitted" means "in the departments' worklists".
 * Sending it again to a running case is harmless and answers the same.
 */
export const intakeUpdate = defineUpdate<IntakeResult, []>('intake');

export type { Decision };
