// A department's decision on a step: checked here against the definition (identity, department, content)
// so most mistakes cost no server round trip, then sent as the workflow's `decide` Update, whose validator
// is the authority on the step's state. Answers once the read model shows the decision.
import { type Client, WorkflowNotFoundError, WorkflowUpdateFailedError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { findCase } from '../db/cases.ts';
import type { Db } from '../db/client.ts';
import type { DefinitionStore } from '../db/definitions.ts';
import type { User } from '../db/users.ts';
import { checkDecision, type DecisionProblemCode, type OutputValue } from '../process/decision.ts';
import { stepById } from '../process/definition.ts';
import { type DecideArgs, type DecideResult, decideUpdate } from '../workflows/messages.ts';
import { type FieldError, forbidden, notFound, Problem } from './problem.ts';

export interface DecisionBody {
  outcome: 'approve' | 'deny';
  outputs?: Record<string, OutputValue>;
  opinion: string;
  reasons?: string[];
}

const STATUS: Record<DecisionProblemCode, [number, string]> = {
  'unknown-step': [404, 'Unknown step'],
  'wrong-department': [403, 'Not your department'],
  'step-not-awaiting-decision': [409, 'Step not awaiting a decision'],
  'malformed-decision': [400, 'Malformed decision'],
  'invalid-outputs': [400, 'Invalid outputs'],
};

function problemFor(code: DecisionProblemCode, detail: string, errors?: FieldError[]): Problem {
  const [status, title] = STATUS[code];
  return new Problem(status, code, title, detail, errors);
}

interface CaseFacts {
  caseNo: string;
  processId: string;
  processVersion: number;
  /** Known only when just read; a closed case is refused by the workflow either way. */
  status?: string;
}

/** Facts about a case that never change, kept for the cases decided recently (saves a read per decision). */
const FACTS_CACHE_SIZE = 10_000;

export class Decisions {
  private readonly facts = new Map<string, CaseFacts>();

  constructor(
    private readonly db: Db,
    private readonly definitions: DefinitionStore,
    private readonly client: Client,
  ) {}

  private async caseFacts(caseId: string): Promise<CaseFacts | undefined> {
    const cached = this.facts.get(caseId);
    if (cached) return cached;
    const row = await findCase(this.db, caseId);
    if (!row) return undefined;
    const { caseNo, processId, processVersion } = row;
    if (this.facts.size >= FACTS_CACHE_SIZE) this.facts.delete(this.facts.keys().next().value!);
    this.facts.set(caseId, { caseNo, processId, processVersion });
    return { caseNo, processId, processVersion, status: row.status };
  }

  async decide(user: User, caseId: string, stepId: string, body: DecisionBody): Promise<DecideResult> {
    const row = await this.caseFacts(caseId);
    if (!row) throw notFound('case', `There is no case ${caseId}.`);
    const definition = (await this.definitions.get(row.processId, row.processVersion))!;
    const step = stepById(definition, stepId);
    if (!step) throw notFound('step', `Case ${row.caseNo} has no step '${stepId}'.`);
    if (user.role !== 'department' || user.department !== step.department) {
      throw forbidden(`Only staff of ${step.department} decide step '${stepId}'.`);
    }
    const args: DecideArgs = { stepId, ...body, actor: { userId: user.id, department: user.department } };
    // Content first, as if the step were waiting: a malformed decision never reaches the workflow.
    const precheck = checkDecision(definition, 'awaiting_decision', args);
    if (precheck) throw problemFor(precheck.code, precheck.message, precheck.errors);
    if (row.status !== undefined && row.status !== 'running') {
      throw problemFor('step-not-awaiting-decision', `Case ${row.caseNo} is closed (${row.status}).`);
    }

    try {
      return await this.client.workflow.getHandle(caseId).executeUpdate(decideUpdate, { args: [args] });
    } catch (error) {
      if (error instanceof WorkflowUpdateFailedError && error.cause instanceof ApplicationFailure) {
        const code = error.cause.type as DecisionProblemCode;
        if (code in STATUS)
          throw problemFor(code, error.cause.message, error.cause.details?.[0] as FieldError[]);
      }
      if (error instanceof WorkflowNotFoundError) {
        throw problemFor('step-not-awaiting-decision', `Case ${row.caseNo} is closed.`);
      }
      throw error;
    }
  }
}
