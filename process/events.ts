// Case events: every transition of a case, numbered by its workflow. They are the audit trail and the
// only thing the projection needs to bring the read model up to date.

import type { OutputValue } from './decision.ts';
import type { CaseOutcome } from './definition.ts';

interface EventBase {
  /** 1, 2, 3 … per case, assigned by the workflow: the projection's idempotency key. */
  seq: number;
  /** ISO instant in workflow time. */
  at: string;
  /** A user id, 'system', or 'rule:<id>' / 'department:<CODE>' for decisions made without a person here. */
  actor: string;
}

export interface StepSummary {
  stepId: string;
  department: string;
  title: string;
}

/** One thing a department found missing or wrong (一次告知: all of them in one request). */
export interface SupplementItem {
  /** A material id or a form field name. */
  item: string;
  reason: string;
}

export type SpecialStageKind = 'site-inspection' | 'expert-review' | 'hearing' | 'public-notice';

/** Deadlines computed when a step's clock (re)starts, as ISO instants; absent when the step has no limit. */
export interface StepDeadlines {
  promised?: string;
  statutory?: string;
  /** When the promised clock turns yellow. */
  yellowAt?: string;
  /** Why there is no deadline (e.g. it runs past the last published holiday calendar). */
  note?: string;
}

/**
 * What a step's clock came to when the step ended (approved, denied, terminated): the SLA summaries are
 * built from it. Absent when the case has no calendar or the calendar does not reach that far.
 */
export interface StepTiming {
  /** Working time used, dispatch to ending, pauses excluded (ms). */
  workingMs: number;
  /** Working time the step spent waiting for supplements (ms). */
  supplementMs: number;
  /** Supplement requests the step made. */
  supplements: number;
  /** Ended after its promised deadline: it held the case past its promise. */
  late: boolean;
}

/** Claiming (承办), releasing, or a lead's assignment of a task to a colleague. */
export type AssignAction = 'claim' | 'release' | 'assign';

export type CaseEvent = EventBase &
  (
    | { type: 'case.started'; steps: StepSummary[]; deadline?: string; yellowAt?: string }
    | { type: 'step.not_applicable'; stepId: string }
    | ({ type: 'step.dispatched'; stepId: string; adapter: string; round: number } & StepDeadlines)
    | {
        type: 'step.approved';
        stepId: string;
        opinion: string;
        outputs: Record<string, OutputValue>;
        timing?: StepTiming;
      }
    | { type: 'step.denied'; stepId: string; opinion: string; reasons: string[]; timing?: StepTiming }
    | { type: 'step.supplement_requested'; stepId: string; opinion: string; items: SupplementItem[] }
    | ({
        type: 'step.supplemented';
        stepId: string;
        note: string;
        materials: string[];
        round: number;
      } & StepDeadlines)
    | { type: 'step.special_stage_opened'; stepId: string; kind: SpecialStageKind; opinion: string }
    | ({
        type: 'step.special_stage_closed';
        stepId: string;
        kind: SpecialStageKind;
        opinion: string;
      } & StepDeadlines)
    | { type: 'step.cancelled'; stepId: string; because: string; withdrawn: boolean }
    | {
        type: 'step.terminated';
        stepId: string;
        opinion: string;
        materials: string[];
        timing?: StepTiming;
      }
    | { type: 'step.assigned'; stepId: string; action: AssignAction; assignee: string | null }
    | { type: 'step.deficiency_resolved'; stepId: string; materials: string[]; remaining: string[] }
    | { type: 'step.incident'; stepId: string; message: string }
    // A calendar published after intake reached the case (its region's new snapshot): the deadlines it
    // made known or moved, for the case's promise and for each step whose clock had not stopped.
    | {
        type: 'case.calendar_updated';
        region: string;
        /** The calendar years the case knows now. */
        years: string[];
        deadline?: string;
        yellowAt?: string;
      }
    | ({ type: 'step.deadlines_updated'; stepId: string } & StepDeadlines)
    | { type: 'step.redispatched'; stepId: string }
    | {
        type: 'step.warning';
        stepId: string;
        clock: 'promised' | 'statutory';
        level: 'yellow' | 'red';
        deadline: string;
      }
    | { type: 'case.warning'; level: 'yellow' | 'red'; deadline: string }
    | { type: 'case.withdrawn'; opinion: string }
    | { type: 'case.closed'; outcome: CaseOutcome; results: Record<string, CaseResult> }
    // Recorded by the API after the workflow has ended: the clerk handed the results over (统一出件).
    | { type: 'case.delivered'; method: DeliveryMethod }
    // A bad rating's follow-up (整改), after delivery: appended by its followUpWorkflow's projection (opened,
    // warnings) and by the API (the response), after the case workflow's last event, like the handover.
    | {
        type: 'follow_up.opened';
        followUpId: string;
        /** The blamed department's code; null: the service centre. */
        department: string | null;
        score: number;
        deadline?: string;
        yellowAt?: string;
      }
    | { type: 'follow_up.warning'; followUpId: string; level: 'yellow' | 'red'; deadline: string }
    | { type: 'follow_up.closed'; followUpId: string; opinion: string; late: boolean }
  );

export type DeliveryMethod = 'window' | 'post' | 'electronic';

/** Omit over each member of a union (plain Omit would merge the members into one shape). */
export type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

/** An event before it is numbered in its case's trail. */
export type UnnumberedCaseEvent = DistributiveOmit<CaseEvent, 'seq'>;

export type CaseEventType = CaseEvent['type'];

/** One result of a closed case for unified delivery (统一出件): an output and the step that issued it. */
export interface CaseResult {
  value: OutputValue;
  stepId: string;
  at: string;
}
