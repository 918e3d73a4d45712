// CaseActions: everything done to a running case goes through its workflow as a Temporal Update: a
// department's decision (by its staff here or by its own system's callback), a special stage, the clerk's
// supplement, attached materials, a withdrawal, a manager's retry. Each action runs the same sequence:
// the case's facts, the actor's right to act (one own-step check for staff and department systems alike),
// the content against the definition (so most mistakes cost no server round trip), then the Update, whose
// validator is the authority on the case's state. Each answers once the read model shows the change.
import type { Client } from '@temporalio/client';
import type { UpdateDefinition } from '@temporalio/common';
import type { Static } from 'typebox';
import { findCase, findStep } from '../db/cases.ts';
import type { Db } from '../db/client.ts';
import type { DefinitionStore } from '../db/definitions.ts';
import { attachMaterials, findUploads } from '../db/materials.ts';
import type { User } from '../db/users.ts';
import { checkDecision } from '../process/decision.ts';
import { type ProcessDefinition, type StepDefinition, stepById } from '../process/definition.ts';
import {
  type CaseChange,
  closeStageUpdate,
  type DecideArgs,
  decideUpdate,
  materialsUpdate,
  openStageUpdate,
  redispatchUpdate,
  supplementUpdate,
  withdrawUpdate,
} from '../workflows/messages.ts';
import { checkMaterialRefs } from './intake-checks.ts';
import { conflict, forbidden, invalid, notFound, Problem } from './problem.ts';
import type { AttachBody, SupplementBody, WithdrawBody } from './schemas/cases.ts';
import type { DecisionBody, StageBody, StageCloseBody } from './schemas/tasks.ts';
import { problemFor, sendUpdate } from './updates.ts';

export interface CaseFacts {
  id: string;
  caseNo: string;
  processId: string;
  processVersion: number;
  definition: ProcessDefinition;
  /** Known only when just read; a closed case is refused by the workflow either way. */
  status?: string;
}

/** Who acts on a department's step: its staff here, or its own system (by signed callback). */
export type StepActor = { user: User } | { system: string };

/** A department system's decision on a task it was sent (the callback protocol's content). */
export interface SystemDecision {
  taskId: string;
  stepId: string;
  /** The round of the step the task was sent for (from the task id). */
  round: number;
  outcome: 'approve' | 'deny';
  outputs?: DecideArgs['outputs'];
  opinion: string;
  reasons?: string[];
}

/** Facts about a case that never change, kept for the cases worked on recently (saves a read per action). */
const FACTS_CACHE_SIZE = 10_000;

const DECIDED = new Set(['approved', 'denied']);

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
    return { ...(await this.remember(row)), status: row.status };
  }

  /**
   * Keeps a case's facts (intake calls this for the case it just stored, so the departments' first
   * decisions need no read).
   */
  async remember(row: Omit<CaseFacts, 'definition' | 'status'>): Promise<Omit<CaseFacts, 'status'>> {
    const definition = (await this.definitions.get(row.processId, row.processVersion))!;
    const facts = {
      id: row.id,
      caseNo: row.caseNo,
      processId: row.processId,
      processVersion: row.processVersion,
      definition,
    };
    if (this.facts.size >= FACTS_CACHE_SIZE) this.facts.delete(this.facts.keys().next().value!);
    this.facts.set(row.id, facts);
    return facts;
  }

  /** The step, which must belong to the actor's department: the one own-step check. */
  ownStep(actor: StepActor, facts: CaseFacts, stepId: string): StepDefinition {
    const step = this.step(facts, stepId);
    if ('system' in actor) {
      if (actor.system !== step.department)
        throw forbidden(`Step '${step.id}' belongs to ${step.department}, not ${actor.system}.`);
    } else if (actor.user.role !== 'department' || actor.user.department !== step.department) {
      throw forbidden(`Only staff of ${step.department} act on step '${stepId}'.`);
    }
    return step;
  }

  refuseIfClosed(facts: CaseFacts): void {
    if (facts.status !== undefined && facts.status !== 'running') {
      throw problemFor('case-closed', `Case ${facts.caseNo} is closed (${facts.status}).`);
    }
  }

  async decide(user: User, caseId: string, stepId: string, body: Static<typeof DecisionBody>) {
    const facts = await this.caseFacts(caseId);
    this.ownStep({ user }, facts, stepId);
    const args: DecideArgs = { stepId, ...body, actor: { userId: user.id, department: user.department! } };
    // Content first, as if the step were waiting: a malformed decision never reaches the workflow.
    const precheck = checkDecision(facts.definition, 'awaiting_decision', args);
    if (precheck) throw problemFor(precheck.code, precheck.message, precheck.errors);
    this.refuseIfClosed(facts);
    return this.send(facts, decideUpdate, args);
  }

  /**
   * A department system's decision. Idempotent: a repeat of a decision already applied answers
   * 'duplicate', also when two deliveries of one callback race.
   */
  async decideBySystem(
    department: string,
    caseId: string,
    d: SystemDecision,
  ): Promise<{ status: 'accepted'; caseStatus: string } | { status: 'duplicate' }> {
    const facts = await this.caseFacts(caseId);
    const step = this.ownStep({ system: department }, facts, d.stepId);
    const row = await findStep(this.db, caseId, d.stepId);
    if (row && DECIDED.has(row.status)) return { status: 'duplicate' };
    if (row && row.round !== d.round) {
      throw conflict(
        'stale-task',
        'Stale task',
        `Task ${d.taskId} was superseded by round ${row.round} of the step.`,
      );
    }
    if (row?.status !== 'awaiting_decision') {
      throw conflict(
        'step-withdrawn',
        'Step not awaiting a decision',
        `Step '${step.id}' of case ${facts.caseNo} is ${row?.status ?? 'unknown'}; the task is withdrawn.`,
      );
    }
    try {
      const result = await this.send(facts, decideUpdate, {
        stepId: d.stepId,
        outcome: d.outcome,
        ...(d.outputs ? { outputs: d.outputs } : {}),
        opinion: d.opinion,
        ...(d.reasons ? { reasons: d.reasons } : {}),
        actor: { userId: `department:${department}`, department },
      });
      return { status: 'accepted', caseStatus: result.caseStatus };
    } catch (error) {
      // Two deliveries of one callback racing: the loser finds the step decided.
      if (error instanceof Problem && error.code === 'step-not-awaiting-decision') {
        const now = await findStep(this.db, caseId, d.stepId);
        if (now && DECIDED.has(now.status)) return { status: 'duplicate' };
      }
      throw error;
    }
  }

  async supplement(user: User, caseId: string, body: Static<typeof SupplementBody>): Promise<CaseChange> {
    const facts = await this.caseFacts(caseId);
    const { stepId, note } = body;
    const materials = body.materials ?? {};
    this.step(facts, stepId);
    await this.checkMaterials(user, facts, materials);
    const change = await this.send(facts, supplementUpdate, {
      stepId,
      note,
      materials: Object.keys(materials),
      actor: { userId: user.id },
    });
    await attachMaterials(this.db, facts.id, user.id, materials);
    return change;
  }

  async attach(user: User, caseId: string, body: Static<typeof AttachBody>): Promise<CaseChange> {
    const facts = await this.caseFacts(caseId);
    this.refuseIfClosed(facts);
    await this.checkMaterials(user, facts, body.materials);
    const change = await this.send(facts, materialsUpdate, {
      materials: Object.keys(body.materials),
      actor: { userId: user.id },
    });
    await attachMaterials(this.db, facts.id, user.id, body.materials);
    return change;
  }

  async withdraw(user: User, caseId: string, body: Static<typeof WithdrawBody>): Promise<CaseChange> {
    const facts = await this.caseFacts(caseId);
    this.refuseIfClosed(facts);
    return this.send(facts, withdrawUpdate, { opinion: body.reason, actor: { userId: user.id } });
  }

  async openStage(user: User, caseId: string, stepId: string, body: Static<typeof StageBody>) {
    const facts = await this.caseFacts(caseId);
    this.ownStep({ user }, facts, stepId);
    return this.send(facts, openStageUpdate, {
      stepId,
      kind: body.kind,
      opinion: body.reason,
      actor: { userId: user.id, department: user.department! },
    });
  }

  async closeStage(user: User, caseId: string, stepId: string, body: Static<typeof StageCloseBody>) {
    const facts = await this.caseFacts(caseId);
    this.ownStep({ user }, facts, stepId);
    return this.send(facts, closeStageUpdate, {
      stepId,
      opinion: body.opinion,
      actor: { userId: user.id, department: user.department! },
    });
  }

  async redispatch(user: User, caseId: string, stepId: string): Promise<CaseChange> {
    const facts = await this.caseFacts(caseId);
    return this.send(facts, redispatchUpdate, { stepId, actor: { userId: user.id } });
  }

  private step(facts: CaseFacts, stepId: string): StepDefinition {
    const step = stepById(facts.definition, stepId);
    if (!step) throw notFound('step', `Case ${facts.caseNo} has no step '${stepId}'.`);
    return step;
  }

  /** Uploads named for materials must exist, be the clerk's own, and be materials the case asks for. */
  private async checkMaterials(user: User, facts: CaseFacts, materials: Record<string, string>) {
    const errors = checkMaterialRefs(
      facts.definition,
      materials,
      await findUploads(this.db, Object.values(materials)),
      user.id,
    );
    if (errors.length > 0)
      throw invalid('invalid-materials', 'Invalid materials', 'Some materials cannot be attached.', errors);
  }

  private send<Ret, Arg>(facts: CaseFacts, update: UpdateDefinition<Ret, [Arg]>, arg: Arg): Promise<Ret> {
    return sendUpdate(this.client, facts, update, arg);
  }
}
