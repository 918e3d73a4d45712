// CaseActions: everything staff do to a running case goes through its workflow as a Temporal Update: a department's
// decision, a special stage, the clerk's supplement, attached materials, a withdrawal, a manager's retry.
// Identity, department and content are checked here against the definition, so most mistakes cost no
// server round trip; the Update's validator is the authority on the case's state. Each answers once the
// read model shows the change.
import { type Client, WorkflowNotFoundError, WorkflowUpdateFailedError } from '@temporalio/client';
import type { UpdateDefinition } from '@temporalio/common';
import { ApplicationFailure } from '@temporalio/common';
import { findCase } from '../db/cases.ts';
import type { Db } from '../db/client.ts';
import type { DefinitionStore } from '../db/definitions.ts';
import type { User } from '../db/users.ts';
import type { MachineProblem } from '../process/case-machine.ts';
import { checkDecision, type OutputValue } from '../process/decision.ts';
import { type ProcessDefinition, type StepDefinition, stepById } from '../process/definition.ts';
import { type DecideArgs, type DecideResult, decideUpdate } from '../workflows/messages.ts';
import { type FieldError, forbidden, notFound, Problem } from './problem.ts';

export interface DecisionBody {
  outcome: 'approve' | 'deny' | 'supplement';
  outputs?: Record<string, OutputValue>;
  opinion: string;
  reasons?: string[];
  items?: { item: string; reason: string }[];
}

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

export interface CaseFacts {
  id: string;
  caseNo: string;
  processId: string;
  processVersion: number;
  definition: ProcessDefinition;
  /** Known only when just read; a closed case is refused by the workflow either way. */
  status?: string;
}

/** Facts about a case that never change, kept for the cases worked on recently (saves a read per action). */
const FACTS_CACHE_SIZE = 10_000;

export class CaseActions {
  private readonly facts = new Map<string, Omit<CaseFacts, 'status'>>();

  constructor(
    private readonly db: Db,
    private readonly definitions: DefinitionStore,
    private readonly client: Client,
  ) {}

  async caseFacts(caseId: string): Promise<CaseFacts> {
    const cached = this.facts.get(caseId);
    if (cached) return cached;
    const row = await findCase(this.db, caseId);
    if (!row) throw notFound('case', `There is no case ${caseId}.`);
    const definition = (await this.definitions.get(row.processId, row.processVersion))!;
    const facts = {
      id: row.id,
      caseNo: row.caseNo,
      processId: row.processId,
      processVersion: row.processVersion,
      definition,
    };
    if (this.facts.size >= FACTS_CACHE_SIZE) this.facts.delete(this.facts.keys().next().value!);
    this.facts.set(caseId, facts);
    return { ...facts, status: row.status };
  }

  /** The step, which must belong to the user's department. */
  ownStep(user: User, facts: CaseFacts, stepId: string): StepDefinition {
    const step = stepById(facts.definition, stepId);
    if (!step) throw notFound('step', `Case ${facts.caseNo} has no step '${stepId}'.`);
    if (user.role !== 'department' || user.department !== step.department) {
      throw forbidden(`Only staff of ${step.department} act on step '${stepId}'.`);
    }
    return step;
  }

  refuseIfClosed(facts: CaseFacts): void {
    if (facts.status !== undefined && facts.status !== 'running') {
      throw problemFor('case-closed', `Case ${facts.caseNo} is closed (${facts.status}).`);
    }
  }

  /** Sends an Update and turns the workflow's refusals into problems. */
  async send<Ret, Arg>(facts: CaseFacts, update: UpdateDefinition<Ret, [Arg]>, arg: Arg): Promise<Ret> {
    try {
      return await this.client.workflow.getHandle(facts.id).executeUpdate(update, { args: [arg] });
    } catch (error) {
      if (error instanceof WorkflowUpdateFailedError && error.cause instanceof ApplicationFailure) {
        const code = error.cause.type as MachineProblem['code'];
        if (code in STATUS)
          throw problemFor(code, error.cause.message, error.cause.details?.[0] as FieldError[]);
      }
      if (error instanceof WorkflowNotFoundError)
        throw problemFor('case-closed', `Case ${facts.caseNo} is closed.`);
      throw error;
    }
  }

  async decide(user: User, caseId: string, stepId: string, body: DecisionBody): Promise<DecideResult> {
    const facts = await this.caseFacts(caseId);
    this.ownStep(user, facts, stepId);
    const args: DecideArgs = { stepId, ...body, actor: { userId: user.id, department: user.department! } };
    // Content first, as if the step were waiting: a malformed decision never reaches the workflow.
    const precheck = checkDecision(facts.definition, 'awaiting_decision', args);
    if (precheck) throw problemFor(precheck.code, precheck.message, precheck.errors);
    this.refuseIfClosed(facts);
    return this.send(facts, decideUpdate, args);
  }
}
