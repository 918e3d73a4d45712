// Every message a caseWorkflow answers, shared by the workflow, the API and tests.
import { defineQuery, defineUpdate } from '@temporalio/workflow';
import type { WorkingCalendar } from '../process/calendar.ts';
import type { Assignment, Deficiency } from '../process/case-machine.ts';
import type { ClockWarning } from '../process/clock.ts';
import type { Actor, DecisionOutcome, OutputValue } from '../process/decision.ts';
import type { AdapterKind, CaseStatus, ProcessDefinition, StepStatus } from '../process/definition.ts';
import type { SpecialStageKind, StepDeadlines } from '../process/events.ts';

export interface CaseInput {
  caseId: string;
  caseNo: string;
  /** The definition snapshot: editing or republishing a definition never changes a running case. */
  definition: ProcessDefinition;
  submittedBy: string;
  /** Steps whose condition did not hold over the application (decided at intake). */
  notApplicable?: string[];
  /** The adapter of each step in this deployment, fixed at intake (e.g. a department integrated over HTTP). */
  adapters?: Record<string, AdapterKind>;
  /** Per department reached over HTTP: dispatch attempts before an incident needs a person. */
  httpAttempts?: Record<string, number>;
  /** Per department reached over HTTP: how long one request to its system may take (ms). */
  httpTimeoutsMs?: Record<string, number>;
  /** 容缺受理: materials promised later, per step, with their deadline. */
  deficiencies?: Deficiency[];
  /** The working-day calendar (snapshot at intake) for deadlines; without it the case has no clocks. */
  calendar?: WorkingCalendar;
  /** When a promised clock turns yellow. */
  warning?: ClockWarning;
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
  /** The deadlines as last counted: the case's promise, and each dispatched step's clocks. */
  deadlines: { promised?: string; steps: Record<string, StepDeadlines> };
}

export interface DecideArgs {
  stepId: string;
  outcome: DecisionOutcome;
  outputs?: Record<string, OutputValue>;
  opinion: string;
  reasons?: string[];
  items?: { item: string; reason: string }[];
  actor: Actor;
  /** Sent by the department's own system (its signed callback), not by staff in the worklist. */
  bySystem?: boolean;
  /** The system's task was this round of the step: refused (stale-task) if the step has moved on. */
  round?: number;
}

/** What a message did to the case, as the caller's read model now shows it. */
export interface CaseChange {
  caseStatus: CaseStatus;
  /** Status of each step this message (and any instant decisions it led to) changed. */
  steps: Record<string, StepStatus>;
  seq: number;
}

export interface DecideResult extends CaseChange {
  stepId: string;
  stepStatus: StepStatus;
  /** Steps this decision released to their departments. */
  dispatched: string[];
  /** Steps this decision cancelled. */
  cancelled: string[];
}

export interface SupplementArgs {
  stepId: string;
  note: string;
  /** Material ids (of the definition) attached with this supplement. */
  materials: string[];
  actor: Actor;
}

export interface StageArgs {
  stepId: string;
  kind?: SpecialStageKind;
  opinion: string;
  actor: Actor;
}

export interface WithdrawArgs {
  opinion: string;
  actor: Actor;
}

export interface MaterialsArgs {
  materials: string[];
  actor: Actor;
}

export interface RedispatchArgs {
  stepId: string;
  actor: Actor;
}

export interface CalendarArgs {
  /** The region's effective calendar as just published: a snapshot, recorded in the case's history. */
  calendar: WorkingCalendar;
  /** The administrator who published it. */
  actor: string;
}

export interface CalendarResult extends CaseChange {
  /** Clocks (the case's promise, steps' clocks) whose deadlines the calendar made known or moved. */
  deadlines: number;
}

export interface IntakeResult extends CaseChange {
  /** Steps released to their departments at intake. */
  dispatched: string[];
}

/**
 * Sent with the start (update-with-start): answers once the opening batch (the case's steps, the first
 * dispatches and any instant decisions) is in the read model, so the clerk's "submitted" means "in the
 * departments' worklists". Sending it again to a running case is harmless.
 */
export const intakeUpdate = defineUpdate<IntakeResult, []>('intake');
/** A department decides a step. The validator refuses, without touching history, anything invalid. */
export const decideUpdate = defineUpdate<DecideResult, [DecideArgs]>('decide');
/** The clerk submits what a supplement request asked for; the step returns to its department. */
export const supplementUpdate = defineUpdate<CaseChange, [SupplementArgs]>('supplement');
export const openStageUpdate = defineUpdate<CaseChange, [StageArgs]>('openSpecialStage');
export const closeStageUpdate = defineUpdate<CaseChange, [StageArgs]>('closeSpecialStage');
/** The applicant withdraws the whole case (through the clerk). */
export const withdrawUpdate = defineUpdate<CaseChange, [WithdrawArgs]>('withdraw');
/** Materials attached after intake: settles what steps owed under 容缺受理. */
export const materialsUpdate = defineUpdate<CaseChange, [MaterialsArgs]>('provideMaterials');
/** A manager retries the dispatch of a step whose adapter raised an incident. */
export const redispatchUpdate = defineUpdate<CaseChange, [RedispatchArgs]>('redispatch');
export const stateQuery = defineQuery<CaseState>('state');
/**
 * The audit chain's head after each batch the workflow wrote, as its history records them: [last seq of
 * the batch, hash]. The verify endpoint's anchor: a trail row changed and every later hash recomputed to
 * match is found by the first batch whose head differs.
 */
export const chainHeadsQuery = defineQuery<[number, string][]>('chainHeads');
/** Staff claim or release a step, or the department's lead assigns it to a colleague (承办人). */
export const assignUpdate = defineUpdate<CaseChange, [Assignment]>('assign');
/**
 * A calendar year published after intake reaches the running case: it counts with the region's new
 * snapshot from now on, and records the deadlines that became known. The validator refuses, without
 * touching history, a case without clocks, another region's calendar, one it has already, or an older one.
 */
export const calendarUpdate = defineUpdate<CalendarResult, [CalendarArgs]>('publishCalendar');
