// CaseActions: everything done to a running case goes through its workflow as a Temporal Update: a
// department's decision (by its staff here or by its own system's callback), a special stage, the clerk's
// supplement, attached materials, a withdrawal, a manager's retry. Each action runs the same sequence:
// the case's facts, the actor's right to act (one own-step check for staff and department systems alike),
// the content against the definition (so most mistakes cost no server round trip), then the Update, whose
// validator is the authority on the case's state. Each answers once the read model shows the change.
import { randomUUID } from 'node:crypto';
import type { Client } from '@temporalio/client';
import type { UpdateDefinition } from '@temporalio/common';
import type { Static } from 'typebox';
import { findCase, stepProgressOf } from '../db/cases.ts';
import type { Db } from '../db/client.ts';
import type { DefinitionStore } from '../db/definitions.ts';
import { attachMaterials, uploadOwners } from '../db/materials.ts';
import { findUser, type User } from '../db/users.ts';
import type { Assignment } from '../process/case-machine.ts';
import { checkDecision } from '../process/decision.ts';
import { type ProcessDefinition, type StepDefinition, stepById } from '../process/definition.ts';
import {
  assignUpdate,
  type CaseChange,
  closeStageUpdate,
  type DecideArgs,
  decideUpdate,
  materialsUpdate,
  openStageUpdate,
  redispatchUpdate,
  stateQuery,
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

/**
 * The caller's Idempotency-Key of an action, if any. Scoped by the action and the actor in the Update id,
 * so one client's key never returns another action's or another user's answer.
 */
export type IdempotencyKey = string | undefined;

/** Facts about a case that never change, kept for the cases worked on recently (saves a read per action). */
const FACTS_CACHE_SIZE = 10_000;

const DECIDED = new Set(['approved', 'denied']);

/** How the workflow refuses a decision on a step another delivery has just decided. */
const REFUSED_AS_DECIDED = new Set(['step-not-awaiting-decision', 'case-closed']);

export class CaseActions {
  private readonly facts = new Map<string, Omit<CaseFacts, 'status'>>();

  constructor(
    private readonly db: Db,
    private readonly definitions: DefinitionStore,
    private readonly client: Client,
    /** How long an action waits for the workflow's answer before a 503 (the Update keeps its id). */
    private readonly waitMs: number,
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

  async decide(
    user: User,
    caseId: string,
    stepId: string,
    body: Static<typeof DecisionBody>,
    key?: IdempotencyKey,
  ) {
    const facts = await this.caseFacts(caseId);
    this.ownStep({ user }, facts, stepId);
    const args: DecideArgs = {
      stepId,
      ...body,
      actor: { userId: user.id, department: user.department!, lead: user.lead },
    };
    // Content first, as if the step were waiting: a malformed decision never reaches the workflow.
    const precheck = checkDecision(facts.definition, 'awaiting_decision', args);
    if (precheck) throw problemFor(precheck.code, precheck.message, precheck.errors);
    if (key === undefined) this.refuseIfClosed(facts); // a repeat must reach the workflow for its answer
    return this.send(facts, decideUpdate, args, `decide:${user.id}:${key ?? randomUUID()}`);
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
    const row = await stepProgressOf(this.db, caseId, d.stepId);
    if (row && DECIDED.has(row.status)) return { status: 'duplicate' };
    // The read model answers only for a round it already shows. The workflow sends a task before its
    // projection of the dispatch is written (under load that takes seconds), so a quick system's callback
    // may find the step still blocked at round 0: then the workflow is the one to ask (the Update's
    // validator checks the step's status and round), never a 409 that would make the system stop.
    const shown = row !== undefined && row.round >= d.round;
    if (shown && row.round > d.round) {
      throw conflict(
        'stale-task',
        'Stale task',
        `Task ${d.taskId} was superseded by round ${row.round} of the step.`,
      );
    }
    if (shown && row.status !== 'awaiting_decision') {
      throw conflict(
        'step-withdrawn',
        'Step not awaiting a decision',
        `Step '${step.id}' of case ${facts.caseNo} is ${row.status}; the task is withdrawn.`,
      );
    }
    try {
      const result = await this.send(
        facts,
        decideUpdate,
        {
          stepId: d.stepId,
          outcome: d.outcome,
          ...(d.outputs ? { outputs: d.outputs } : {}),
          opinion: d.opinion,
          ...(d.reasons ? { reasons: d.reasons } : {}),
          actor: { userId: `department:${department}`, department },
          bySystem: true,
          round: d.round,
        },
        `callback:${d.taskId}:${randomUUID()}`,
      );
      return { status: 'accepted', caseStatus: result.caseStatus };
    } catch (error) {
      // Two deliveries of one callback racing: the loser is refused because the winner decided the step,
      // and perhaps closed the case with it. The workflow's own state says so at once (the read model may
      // not show the winner's decision yet).
      if (error instanceof Problem && REFUSED_AS_DECIDED.has(error.code)) {
        if (await this.stepDecided(caseId, d.stepId)) return { status: 'duplicate' };
      }
      throw error;
    }
  }

  /** Whether the step is approved or denied: the workflow's state, or the read model if it cannot answer. */
  private async stepDecided(caseId: string, stepId: string): Promise<boolean> {
    const status = await this.client.workflow
      .getHandle(caseId)
      .query(stateQuery)
      .then((state) => state.steps[stepId] as string | undefined)
      .catch(async () => (await stepProgressOf(this.db, caseId, stepId))?.status);
    return status !== undefined && DECIDED.has(status);
  }

  async supplement(
    user: User,
    caseId: string,
    body: Static<typeof SupplementBody>,
    key?: IdempotencyKey,
  ): Promise<CaseChange> {
    const facts = await this.caseFacts(caseId);
    const { stepId, note } = body;
    const materials = body.materials ?? {};
    this.step(facts, stepId);
    await this.checkMaterials(user, facts, materials);
    const change = await this.send(
      facts,
      supplementUpdate,
      { stepId, note, materials: Object.keys(materials), actor: { userId: user.id } },
      `supplement:${user.id}:${key ?? randomUUID()}`,
    );
    await attachMaterials(this.db, facts.id, user.id, materials);
    return change;
  }

  async attach(
    user: User,
    caseId: string,
    body: Static<typeof AttachBody>,
    key?: IdempotencyKey,
  ): Promise<CaseChange> {
    const facts = await this.caseFacts(caseId);
    if (key === undefined) this.refuseIfClosed(facts);
    await this.checkMaterials(user, facts, body.materials);
    const change = await this.send(
      facts,
      materialsUpdate,
      { materials: Object.keys(body.materials), actor: { userId: user.id } },
      `materials:${user.id}:${key ?? randomUUID()}`,
    );
    await attachMaterials(this.db, facts.id, user.id, body.materials);
    return change;
  }

  async withdraw(
    user: User,
    caseId: string,
    body: Static<typeof WithdrawBody>,
    key?: IdempotencyKey,
  ): Promise<CaseChange> {
    const facts = await this.caseFacts(caseId);
    if (key === undefined) this.refuseIfClosed(facts);
    return this.send(
      facts,
      withdrawUpdate,
      { opinion: body.reason, actor: { userId: user.id } },
      `withdraw:${user.id}:${key ?? randomUUID()}`,
    );
  }

  async openStage(
    user: User,
    caseId: string,
    stepId: string,
    body: Static<typeof StageBody>,
    key?: IdempotencyKey,
  ) {
    const facts = await this.caseFacts(caseId);
    this.ownStep({ user }, facts, stepId);
    return this.send(
      facts,
      openStageUpdate,
      {
        stepId,
        kind: body.kind,
        opinion: body.reason,
        actor: { userId: user.id, department: user.department!, lead: user.lead },
      },
      `open-stage:${user.id}:${key ?? randomUUID()}`,
    );
  }

  async closeStage(
    user: User,
    caseId: string,
    stepId: string,
    body: Static<typeof StageCloseBody>,
    key?: IdempotencyKey,
  ) {
    const facts = await this.caseFacts(caseId);
    this.ownStep({ user }, facts, stepId);
    return this.send(
      facts,
      closeStageUpdate,
      {
        stepId,
        opinion: body.opinion,
        actor: { userId: user.id, department: user.department!, lead: user.lead },
      },
      `close-stage:${user.id}:${key ?? randomUUID()}`,
    );
  }

  async redispatch(user: User, caseId: string, stepId: string, key?: IdempotencyKey): Promise<CaseChange> {
    const facts = await this.caseFacts(caseId);
    return this.send(
      facts,
      redispatchUpdate,
      { stepId, actor: { userId: user.id } },
      `redispatch:${user.id}:${key ?? randomUUID()}`,
    );
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
      await uploadOwners(this.db, Object.values(materials)),
      user.id,
    );
    if (errors.length > 0)
      throw invalid('invalid-materials', 'Invalid materials', 'Some materials cannot be attached.', errors);
  }

  /**
   * Claims, releases or assigns a worklist task (承办人); the workflow keeps who holds it. Only the
   * department's lead assigns, and only to active staff of the department.
   */
  async assign(
    user: User,
    caseId: string,
    stepId: string,
    action: Assignment['action'],
    assignee?: string,
  ): Promise<CaseChange> {
    const facts = await this.caseFacts(caseId);
    this.ownStep({ user }, facts, stepId);
    if (action === 'assign') {
      if (!user.lead) throw forbidden(`Only the lead of ${user.department} assigns its tasks.`);
      const colleague = assignee ? await findUser(this.db, assignee) : undefined;
      if (!colleague || colleague.disabled || colleague.department !== user.department) {
        throw invalid(
          'invalid-request',
          'Invalid assignee',
          `The assignee is not active staff of ${user.department}.`,
          [{ field: 'body.assignee', message: `is not active staff of ${user.department}` }],
        );
      }
    }
    this.refuseIfClosed(facts);
    const assignment: Assignment = {
      stepId,
      action,
      ...(action === 'assign' && assignee ? { assignee } : {}),
      actor: { userId: user.id, department: user.department!, lead: user.lead },
    };
    return this.send(facts, assignUpdate, assignment, `assign:${user.id}:${randomUUID()}`);
  }

  private send<Ret, Arg>(
    facts: CaseFacts,
    update: UpdateDefinition<Ret, [Arg]>,
    arg: Arg,
    updateId: string,
  ): Promise<Ret> {
    return sendUpdate(this.client, facts, update, arg, { updateId, waitMs: this.waitMs });
  }
}
