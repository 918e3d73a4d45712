// The case state machine: everything that can happen to a case, as pure functions of its state and the
// instant given. The workflow wires Temporal messages, timers and activities to it; tests drive it with no
// server. Each transition returns the events to record and the side effects to carry out (dispatching a
// step to an adapter, withdrawing one); it never performs them.
import { type ClockSpan, isStarted, type StartedSpan } from './clock.ts';
import type { Actor, Decision } from './decision.ts';
import { checkDecision, type DecisionProblem, type OutputValue } from './decision.ts';
import type { AdapterKind, CaseOutcome, CaseStatus, ProcessDefinition, StepStatus } from './definition.ts';
import { ACTIVE_STEP_STATUSES, isTerminal, stepById } from './definition.ts';
import type {
  AssignAction,
  CaseEvent,
  DistributiveOmit,
  SpecialStageKind,
  StepDeadlines,
  StepTiming,
  SupplementItem,
} from './events.ts';
import { initialStatuses, plan } from './planner.ts';
import { type ClockEventType, clockAfter } from './step-clock.ts';

/** 容缺受理: a step accepted with non-core materials promised by a deadline. */
export interface Deficiency {
  stepId: string;
  materials: string[];
  /** ISO instant: when the step is terminated if the materials have not arrived. */
  due: string;
}

export interface CaseOptions {
  /** Steps whose condition did not hold at intake. */
  notApplicable?: string[];
  /** The adapter each step uses in this deployment (default: the definition's). */
  adapters?: Record<string, AdapterKind>;
  deficiencies?: Deficiency[];
  /** Deadlines for a step whose clock (re)starts; supplied by the clock module. */
  deadlines?: (stepId: string, clock: ClockSpan, now: number) => StepDeadlines;
  /** The case's promised deadline for an intake at `now`. */
  caseDeadline?: (now: number) => string | undefined;
  /** When the case's promise turns yellow, for an intake at `now`. */
  caseYellowAt?: (now: number) => string | undefined;
  /** What a step's stopped clock came to; supplied by the clock module. */
  timing?: (clock: StartedSpan, promisedDeadline: string | undefined) => StepTiming | undefined;
}

/** A claim, a release, or a lead's assignment of a step (承办人). */
export interface Assignment {
  stepId: string;
  action: AssignAction;
  /** The colleague assigned (for 'assign'); the actor claims for themself; null releases. */
  assignee?: string;
  actor: Actor;
}

export interface StepRuntime {
  status: StepStatus;
  /** 1 at first dispatch, +1 each time the step goes back to its department after a supplement. */
  round: number;
  stage?: { kind: SpecialStageKind; since: number };
  supplementItems?: SupplementItem[];
  /** Materials still owed under 容缺受理. */
  owed: string[];
  incident?: string;
  /** The member of staff who claimed the step or was assigned it: only they (or the lead) decide it. */
  assignee?: string;
  /** Working-time clock: starts at dispatch, pauses for supplements and special stages (step-clock.ts). */
  clock: ClockSpan;
  deadlines: StepDeadlines;
}

export interface Effects {
  events: CaseEvent[];
  /** Steps to hand to an adapter other than the worklist (the worklist is the read model itself). */
  dispatch: { stepId: string; adapter: AdapterKind; round: number }[];
  /** Steps no longer needed that an adapter other than the worklist must withdraw. */
  withdraw: { stepId: string; adapter: AdapterKind }[];
}

/** Why a running case does not take a calendar offered to it (see CaseClocks.compare). */
export type CalendarRefusal = 'no-clocks' | 'calendar-current' | 'calendar-stale' | 'other-region';

export interface MachineProblem {
  code:
    | DecisionProblem['code']
    | 'case-closed'
    | 'not-in-supplement'
    | 'stage-open'
    | 'no-stage-open'
    | 'no-incident'
    | 'held-by-system'
    | 'stale-task'
    | 'task-claimed'
    | 'not-assignable'
    | CalendarRefusal;
  message: string;
  errors?: { field: string; message: string }[];
}

export class CaseMachine {
  readonly steps: Record<string, StepRuntime>;
  readonly data: Record<string, { value: OutputValue; stepId: string; at: string }> = {};
  outcome: CaseOutcome | undefined;
  seq = 0;

  constructor(
    readonly definition: ProcessDefinition,
    private readonly options: CaseOptions = {},
  ) {
    const statuses = initialStatuses(definition, options.notApplicable ?? []);
    this.steps = Object.fromEntries(
      definition.steps.map((s) => [
        s.id,
        {
          status: statuses[s.id]!,
          round: 0,
          owed: (options.deficiencies ?? []).filter((d) => d.stepId === s.id).flatMap((d) => d.materials),
          clock: { pauses: [] },
          deadlines: {},
        },
      ]),
    );
  }

  get status(): CaseStatus {
    return this.outcome ?? 'running';
  }

  statuses(): Record<string, StepStatus> {
    return Object.fromEntries(Object.entries(this.steps).map(([id, s]) => [id, s.status]));
  }

  private adapterOf(stepId: string): AdapterKind {
    return this.options.adapters?.[stepId] ?? stepById(this.definition, stepId)!.adapter;
  }

  private effects(): Effects {
    return { events: [], dispatch: [], withdraw: [] };
  }

  private emit(
    fx: Effects,
    now: number,
    actor: string,
    body: DistributiveOmit<CaseEvent, 'seq' | 'at' | 'actor'>,
  ) {
    const event: CaseEvent = { ...body, seq: ++this.seq, at: new Date(now).toISOString(), actor };
    fx.events.push(event);
    return event;
  }

  /** Moves a step's clock as its event does: the same rule the read side replays the timeline with. */
  private moveClock(stepId: string, type: ClockEventType, now: number): void {
    const step = this.steps[stepId]!;
    step.clock = clockAfter(step.clock, type, now);
  }

  private restartClock(stepId: string, now: number): StepDeadlines {
    const step = this.steps[stepId]!;
    step.deadlines = this.options.deadlines?.(stepId, step.clock, now) ?? {};
    return step.deadlines;
  }

  /** Releases ready steps, cancels dependants of failures, and closes the case when nothing can run. */
  private advance(fx: Effects, now: number): void {
    const next = plan(this.definition, this.statuses());
    for (const t of next.transitions) {
      const step = this.steps[t.stepId]!;
      if (t.to === 'awaiting_decision') {
        step.status = 'awaiting_decision';
        step.round = 1;
        this.moveClock(t.stepId, 'step.dispatched', now);
        const adapter = this.adapterOf(t.stepId);
        const deadlines = this.restartClock(t.stepId, now);
        this.emit(fx, now, 'system', {
          type: 'step.dispatched',
          stepId: t.stepId,
          adapter,
          round: 1,
          ...deadlines,
        });
        if (adapter !== 'worklist') fx.dispatch.push({ stepId: t.stepId, adapter, round: 1 });
      } else {
        this.cancel(fx, now, t.stepId, t.because!, !!t.withdraw);
      }
    }
    if (next.finished && this.outcome === undefined) this.close(fx, now, next.outcome!);
  }

  private cancel(fx: Effects, now: number, stepId: string, because: string, withdraw: boolean): void {
    const step = this.steps[stepId]!;
    step.status = 'cancelled';
    step.incident = undefined;
    this.moveClock(stepId, 'step.cancelled', now);
    this.emit(fx, now, 'system', { type: 'step.cancelled', stepId, because, withdrawn: withdraw });
    const adapter = this.adapterOf(stepId);
    if (withdraw && adapter === 'http') fx.withdraw.push({ stepId, adapter });
  }

  private close(fx: Effects, now: number, outcome: CaseOutcome): void {
    this.outcome = outcome;
    this.closedAt = now;
    // Every result goes into one delivery (统一出件), whatever the outcome.
    this.emit(fx, now, 'system', { type: 'case.closed', outcome, results: { ...this.data } });
  }

  startedAt: number | undefined;
  closedAt: number | undefined;
  private caseDeadlineValue: string | undefined;

  start(now: number, actor: string): Effects {
    const fx = this.effects();
    this.startedAt = now;
    const deadline = this.options.caseDeadline?.(now);
    const yellowAt = deadline ? this.options.caseYellowAt?.(now) : undefined;
    this.caseDeadlineValue = deadline;
    this.emit(fx, now, actor, {
      type: 'case.started',
      steps: this.definition.steps.map((s) => ({ stepId: s.id, department: s.department, title: s.title })),
      ...(deadline ? { deadline } : {}),
      ...(yellowAt ? { yellowAt } : {}),
    });
    for (const s of this.definition.steps) {
      if (this.steps[s.id]!.status === 'not_applicable') {
        this.emit(fx, now, 'system', { type: 'step.not_applicable', stepId: s.id });
      }
    }
    this.advance(fx, now);
    return fx;
  }

  // --- decisions -------------------------------------------------------------------------------------

  checkDecision(decision: Decision): MachineProblem | undefined {
    if (this.outcome !== undefined)
      return { code: 'case-closed', message: `The case is closed (${this.outcome}).` };
    return (
      checkDecision(this.definition, this.steps[decision?.stepId]?.status, decision) ??
      this.checkHolder(decision.stepId, decision.actor)
    );
  }

  /**
   * What no later transition can change about a decision: a closed case, an unknown step, another
   * department's step, malformed content. The status and the holder are left to the moment it applies.
   */
  checkDecisionContent(decision: Decision): MachineProblem | undefined {
    if (this.outcome !== undefined)
      return { code: 'case-closed', message: `The case is closed (${this.outcome}).` };
    const known = this.steps[decision?.stepId] !== undefined;
    return checkDecision(this.definition, known ? 'awaiting_decision' : undefined, decision);
  }

  /** A claimed step is acted on only by its assignee or the department's lead. */
  private checkHolder(stepId: string, actor: Actor): MachineProblem | undefined {
    const assignee = this.steps[stepId]?.assignee;
    if (assignee === undefined || assignee === actor.userId || actor.lead) return undefined;
    return {
      code: 'task-claimed',
      message: `Step '${stepId}' is claimed by another member of staff; only they or the lead may act on it.`,
    };
  }

  /** The timing an ending step's event carries (its clock has just stopped). */
  private timingOf(stepId: string): { timing?: StepTiming } {
    const step = this.steps[stepId]!;
    if (!isStarted(step.clock)) return {};
    const timing = this.options.timing?.(step.clock, step.deadlines.promised);
    return timing ? { timing } : {};
  }

  // --- claims and assignments (承办人) ----------------------------------------------------------------

  checkAssign(a: Assignment): MachineProblem | undefined {
    if (this.outcome !== undefined)
      return { code: 'case-closed', message: `The case is closed (${this.outcome}).` };
    const def = stepById(this.definition, a.stepId);
    const step = this.steps[a.stepId];
    if (!def || !step)
      return { code: 'unknown-step', message: `Step '${a.stepId}' is not part of this case.` };
    if (a.actor.department !== def.department) {
      return {
        code: 'wrong-department',
        message: `Step '${a.stepId}' belongs to department ${def.department}.`,
      };
    }
    if (this.adapterOf(a.stepId) !== 'worklist' || !ACTIVE_STEP_STATUSES.includes(step.status)) {
      return {
        code: 'not-assignable',
        message: `Step '${a.stepId}' is ${step.status}${this.adapterOf(a.stepId) !== 'worklist' ? ' in its department’s own system' : ''}: it is not in the worklist.`,
      };
    }
    if (a.action === 'assign' && !a.actor.lead) {
      return { code: 'wrong-department', message: `Only the lead of ${def.department} assigns its tasks.` };
    }
    if (a.action !== 'assign') return this.checkHolder(a.stepId, a.actor);
    return undefined;
  }

  /** Records who holds the step now; claiming a step one already holds changes nothing. */
  assign(a: Assignment, now: number): Effects {
    const fx = this.effects();
    const step = this.steps[a.stepId]!;
    const next = a.action === 'release' ? undefined : a.action === 'claim' ? a.actor.userId : a.assignee;
    if (next === step.assignee) return fx;
    if (next === undefined) delete step.assignee;
    else step.assignee = next;
    this.emit(fx, now, a.actor.userId, {
      type: 'step.assigned',
      stepId: a.stepId,
      action: a.action,
      assignee: next ?? null,
    });
    return fx;
  }

  /**
   * Who may decide a step: a step handed to its department's own system (the 'http' adapter) is decided by
   * that system, through its callback. Staff decide it in the worklist only once the engine has given up
   * handing it over (an incident on the step): then they are the fallback, and the system's late callback
   * finds the step decided. One rule, so the two never race for the same step.
   */
  checkDecider(stepId: string, bySystem: boolean): MachineProblem | undefined {
    const step = this.steps[stepId];
    if (bySystem || !step || this.adapterOf(stepId) !== 'http' || step.incident) return undefined;
    const { department } = stepById(this.definition, stepId)!;
    return {
      code: 'held-by-system',
      message:
        `Step '${stepId}' is with ${department}'s own system, which decides it; staff decide it here only ` +
        'if the system cannot be reached (an incident on the step).',
    };
  }

  /**
   * A department system's decision answers the task it was sent: one round of the step. Once the step has
   * gone round again (a supplement and a resubmission), the old task's decision is stale. The API checks
   * this against the read model when that already shows the round; the workflow is asked when it does not.
   */
  checkRound(stepId: string, round: number | undefined): MachineProblem | undefined {
    const step = this.steps[stepId];
    if (round === undefined || !step || step.round === round) return undefined;
    return {
      code: 'stale-task',
      message: `The task of round ${round} of step '${stepId}' was superseded by round ${step.round}.`,
    };
  }

  /** A department's decision (or an adapter's on its behalf): approve, deny, or ask for a supplement. */
  decide(decision: Decision, now: number, actor = decision.actor.userId): Effects {
    const fx = this.effects();
    const step = this.steps[decision.stepId]!;
    const at = new Date(now).toISOString();
    if (decision.outcome === 'supplement') {
      step.status = 'supplement_requested';
      step.supplementItems = decision.items ?? [];
      this.moveClock(decision.stepId, 'step.supplement_requested', now);
      this.emit(fx, now, actor, {
        type: 'step.supplement_requested',
        stepId: decision.stepId,
        opinion: decision.opinion,
        items: step.supplementItems,
      });
      return fx;
    }
    this.moveClock(decision.stepId, decision.outcome === 'approve' ? 'step.approved' : 'step.denied', now);
    step.incident = undefined;
    if (decision.outcome === 'approve') {
      const outputs = decision.outputs ?? {};
      step.status = 'approved';
      for (const [name, value] of Object.entries(outputs))
        this.data[name] = { value, stepId: decision.stepId, at };
      this.emit(fx, now, actor, {
        type: 'step.approved',
        stepId: decision.stepId,
        opinion: decision.opinion,
        outputs,
        ...this.timingOf(decision.stepId),
      });
    } else {
      step.status = 'denied';
      this.emit(fx, now, actor, {
        type: 'step.denied',
        stepId: decision.stepId,
        opinion: decision.opinion,
        reasons: decision.reasons ?? [],
        ...this.timingOf(decision.stepId),
      });
    }
    this.advance(fx, now);
    return fx;
  }

  // --- supplements (补正) ------------------------------------------------------------------------------

  checkSupplement(stepId: string): MachineProblem | undefined {
    if (this.outcome !== undefined)
      return { code: 'case-closed', message: `The case is closed (${this.outcome}).` };
    const step = this.steps[stepId];
    if (!step) return { code: 'unknown-step', message: `Step '${stepId}' is not part of this case.` };
    if (step.status !== 'supplement_requested') {
      return { code: 'not-in-supplement', message: `Step '${stepId}' is not waiting for a supplement.` };
    }
    return undefined;
  }

  /** The applicant's answer to a supplement request: the step goes back to the same department. */
  supplement(stepId: string, note: string, materials: string[], actor: Actor, now: number): Effects {
    const fx = this.effects();
    const step = this.steps[stepId]!;
    this.moveClock(stepId, 'step.supplemented', now);
    step.status = 'awaiting_decision';
    step.supplementItems = undefined;
    step.round += 1;
    const deadlines = this.restartClock(stepId, now);
    this.emit(fx, now, actor.userId, {
      type: 'step.supplemented',
      stepId,
      note,
      materials,
      round: step.round,
      ...deadlines,
    });
    const adapter = this.adapterOf(stepId);
    if (adapter !== 'worklist') fx.dispatch.push({ stepId, adapter, round: step.round });
    this.resolveOwed(fx, now, materials, actor.userId);
    return fx;
  }

  // --- special stages (特别程序) -----------------------------------------------------------------------

  checkStage(stepId: string, actor: Actor, open: boolean): MachineProblem | undefined {
    if (this.outcome !== undefined)
      return { code: 'case-closed', message: `The case is closed (${this.outcome}).` };
    const def = stepById(this.definition, stepId);
    const step = this.steps[stepId];
    if (!def || !step) return { code: 'unknown-step', message: `Step '${stepId}' is not part of this case.` };
    if (actor.department !== undefined && actor.department !== def.department) {
      return {
        code: 'wrong-department',
        message: `Step '${stepId}' belongs to department ${def.department}.`,
      };
    }
    if (open && step.status !== 'awaiting_decision') {
      return {
        code: step.status === 'in_special_stage' ? 'stage-open' : 'step-not-awaiting-decision',
        message: `Step '${stepId}' is ${step.status.replace(/_/g, ' ')}; a special stage opens on a step awaiting a decision.`,
      };
    }
    if (!open && step.status !== 'in_special_stage') {
      return { code: 'no-stage-open', message: `Step '${stepId}' has no special stage open.` };
    }
    return this.checkHolder(stepId, actor);
  }

  openStage(stepId: string, kind: SpecialStageKind, opinion: string, actor: Actor, now: number): Effects {
    const fx = this.effects();
    const step = this.steps[stepId]!;
    step.status = 'in_special_stage';
    step.stage = { kind, since: now };
    this.moveClock(stepId, 'step.special_stage_opened', now);
    this.emit(fx, now, actor.userId, { type: 'step.special_stage_opened', stepId, kind, opinion });
    return fx;
  }

  closeStage(stepId: string, opinion: string, actor: Actor, now: number): Effects {
    const fx = this.effects();
    const step = this.steps[stepId]!;
    const kind = step.stage!.kind;
    this.moveClock(stepId, 'step.special_stage_closed', now);
    step.status = 'awaiting_decision';
    step.stage = undefined;
    const deadlines = this.restartClock(stepId, now);
    this.emit(fx, now, actor.userId, {
      type: 'step.special_stage_closed',
      stepId,
      kind,
      opinion,
      ...deadlines,
    });
    return fx;
  }

  // --- accept with deficiency (容缺受理) ------------------------------------------------------------

  /** Materials arrived: whatever a step owed of them is settled. */
  provideMaterials(materials: string[], actor: string, now: number): Effects {
    const fx = this.effects();
    this.resolveOwed(fx, now, materials, actor);
    return fx;
  }

  private resolveOwed(fx: Effects, now: number, materials: string[], actor: string): void {
    for (const [stepId, step] of Object.entries(this.steps)) {
      const settled = step.owed.filter((m) => materials.includes(m));
      if (settled.length === 0) continue;
      step.owed = step.owed.filter((m) => !materials.includes(m));
      this.emit(fx, now, actor, {
        type: 'step.deficiency_resolved',
        stepId,
        materials: settled,
        remaining: step.owed,
      });
    }
  }

  /** The deadline for promised materials passed: a step still owing them is terminated. */
  deficiencyDue(stepId: string, now: number): Effects {
    const fx = this.effects();
    const step = this.steps[stepId]!;
    if (this.outcome !== undefined || step.owed.length === 0 || isTerminal(step.status)) return fx;
    const wasActive = ACTIVE_STEP_STATUSES.includes(step.status);
    step.status = 'terminated';
    step.incident = undefined;
    this.moveClock(stepId, 'step.terminated', now);
    this.emit(fx, now, 'system', {
      type: 'step.terminated',
      stepId,
      opinion: '容缺受理承诺的材料未按期补齐 Promised materials not received by the deadline',
      materials: step.owed,
      ...this.timingOf(stepId),
    });
    if (wasActive && this.adapterOf(stepId) === 'http') fx.withdraw.push({ stepId, adapter: 'http' });
    this.advance(fx, now);
    return fx;
  }

  // --- withdrawal of the whole case ---------------------------------------------------------------

  checkWithdraw(): MachineProblem | undefined {
    if (this.outcome !== undefined)
      return { code: 'case-closed', message: `The case is closed (${this.outcome}).` };
    return undefined;
  }

  /** The applicant withdraws (through the clerk): every undecided step is cancelled, dispatched ones withdrawn. */
  withdraw(opinion: string, actor: Actor, now: number): Effects {
    const fx = this.effects();
    this.emit(fx, now, actor.userId, { type: 'case.withdrawn', opinion });
    for (const [stepId, step] of Object.entries(this.steps)) {
      if (isTerminal(step.status)) continue;
      this.cancel(fx, now, stepId, 'case-withdrawn', ACTIVE_STEP_STATUSES.includes(step.status));
    }
    this.close(fx, now, 'withdrawn');
    return fx;
  }

  // --- adapter incidents --------------------------------------------------------------------------

  incident(stepId: string, message: string, now: number): Effects {
    const fx = this.effects();
    // A dispatch that failed after the step moved on (decided, withdrawn) concerns no one any more.
    if (this.outcome !== undefined || !ACTIVE_STEP_STATUSES.includes(this.steps[stepId]!.status)) return fx;
    this.steps[stepId]!.incident = message;
    this.emit(fx, now, 'system', { type: 'step.incident', stepId, message });
    return fx;
  }

  checkRedispatch(stepId: string): MachineProblem | undefined {
    if (this.outcome !== undefined)
      return { code: 'case-closed', message: `The case is closed (${this.outcome}).` };
    const step = this.steps[stepId];
    if (!step) return { code: 'unknown-step', message: `Step '${stepId}' is not part of this case.` };
    if (!step.incident || !ACTIVE_STEP_STATUSES.includes(step.status)) {
      return { code: 'no-incident', message: `Step '${stepId}' has no open incident.` };
    }
    return undefined;
  }

  redispatch(stepId: string, actor: string, now: number): Effects {
    const fx = this.effects();
    const step = this.steps[stepId]!;
    step.incident = undefined;
    this.emit(fx, now, actor, { type: 'step.redispatched', stepId });
    fx.dispatch.push({ stepId, adapter: this.adapterOf(stepId), round: step.round });
    return fx;
  }

  // --- clocks ------------------------------------------------------------------------------------

  /** A clock turned yellow or red (预警 / 超时督办). */
  /** Whether the clock an alarm is for still runs (the case open; the step's clock started, unpaused). */
  warns(alarm: { stepId?: string }): boolean {
    if (this.outcome !== undefined) return false;
    if (alarm.stepId === undefined) return true;
    const clock = this.steps[alarm.stepId]?.clock;
    return (
      clock !== undefined &&
      isStarted(clock) &&
      clock.stoppedAt === undefined &&
      !clock.pauses.some((p) => p.to === undefined)
    );
  }

  warn(
    alarm: { stepId?: string; clock: 'promised' | 'statutory'; kind: 'yellow' | 'red' },
    deadline: string,
    now: number,
  ): Effects {
    const fx = this.effects();
    const level = alarm.kind;
    if (alarm.stepId === undefined) this.emit(fx, now, 'system', { type: 'case.warning', level, deadline });
    else
      this.emit(fx, now, 'system', {
        type: 'step.warning',
        stepId: alarm.stepId,
        clock: alarm.clock,
        level,
        deadline,
      });
    return fx;
  }

  /**
   * A calendar published after intake reached the case (the clock module counts with it already): every
   * deadline it makes known or moves is recorded anew, the case's promise and each step's whose clock has
   * not stopped. A step's deadlines are those its clock got at its last (re)start, counted with the new
   * calendar: a paused clock keeps its pause open, and is counted again when it resumes.
   */
  recountDeadlines(region: string, years: string[], actor: string, now: number): Effects {
    const fx = this.effects();
    const promise: { deadline?: string; yellowAt?: string } = {};
    if (this.startedAt !== undefined) {
      const deadline = this.options.caseDeadline?.(this.startedAt);
      if (deadline !== undefined && deadline !== this.caseDeadlineValue) {
        this.caseDeadlineValue = deadline;
        promise.deadline = deadline;
        const yellowAt = this.options.caseYellowAt?.(this.startedAt);
        if (yellowAt !== undefined) promise.yellowAt = yellowAt;
      }
    }
    this.emit(fx, now, actor, { type: 'case.calendar_updated', region, years, ...promise });
    for (const [stepId, step] of Object.entries(this.steps)) {
      const clock = step.clock;
      if (!isStarted(clock) || clock.stoppedAt !== undefined) continue;
      const closed = clock.pauses.filter((p) => p.to !== undefined);
      const lastStart = Math.max(clock.startedAt, ...closed.map((p) => p.to!));
      const deadlines =
        this.options.deadlines?.(stepId, { startedAt: clock.startedAt, pauses: closed }, lastStart) ?? {};
      if (sameDeadlines(deadlines, step.deadlines)) continue;
      step.deadlines = deadlines;
      this.emit(fx, now, actor, { type: 'step.deadlines_updated', stepId, ...deadlines });
    }
    return fx;
  }

  /** The deadline of a clock, as last computed (for warnings). */
  deadlineOf(stepId: string | undefined, clock: 'promised' | 'statutory'): string | undefined {
    if (stepId === undefined) return this.caseDeadlineValue;
    return this.steps[stepId]?.deadlines[clock];
  }
}

function sameDeadlines(a: StepDeadlines, b: StepDeadlines): boolean {
  return (
    a.promised === b.promised && a.statutory === b.statutory && a.yellowAt === b.yellowAt && a.note === b.note
  );
}
