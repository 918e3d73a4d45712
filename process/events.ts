// Case events: every transition of a case, numbered by its workflow. They are the audit trail and the
// only thing the projection needs to bring the read model up to date.

import type { OutputValue } from './decision.ts';
import type { CaseOutcome } from './definition.ts';

interface EventBase {
  /** 1, 2, 3 … per case, assigned by the workflow: the projection's idempotency key. */
  seq: number;
  /** ISO instant in workflow time. */
  at: string;
  /** A user id, or 'system'. */
  actor: string;
}

export interface StepSummary {
  stepId: string;
  department: string;
  title: string;
}

export type CaseEvent = EventBase &
  (
    | { type: 'case.started'; steps: StepSummary[] }
    | { type: 'step.dispatched'; stepId: string; adapter: string }
    | { type: 'step.approved'; stepId: string; opinion: string; outputs: Record<string, OutputValue> }
    | { type: 'step.denied'; stepId: string; opinion: string; reasons: string[] }
    | { type: 'step.cancelled'; stepId: string; because: string; withdrawn: boolean }
    | { type: 'case.closed'; outcome: CaseOutcome }
  );

export type CaseEventType = CaseEvent['type'];
