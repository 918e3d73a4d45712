// Every message a followUpWorkflow answers, shared by the workflow, the API and tests. Only ids and
// instants travel here: the applicant's comment and the department's response stay in the read model.
import { defineQuery, defineUpdate } from '@temporalio/workflow';
import type { WorkingCalendar } from '../process/calendar.ts';
import type { ClockWarning } from '../process/clock.ts';

export interface FollowUpInput {
  followUpId: string;
  caseId: string;
  /** For notifications (the case number is no personal data). */
  caseNo: string;
  processId: string;
  /** The blamed department's code; null: the service centre. */
  department: string | null;
  /** The case's calendar (its region's, as published when the follow-up opened): a snapshot. */
  calendar: WorkingCalendar;
  /** When the clock turns yellow, as for a step's promised clock. */
  warning: ClockWarning;
}

/** The follow-up's clock as the workflow counts it (ISO instants). */
export interface FollowUpClock {
  openedAt: string;
  /** Absent when the 15 working days run past the published calendar years (see note). */
  deadline?: string;
  yellowAt?: string;
  state: 'green' | 'yellow' | 'red' | 'stopped';
  /** Set once stopped: the colour at the response. */
  finalLevel?: 'green' | 'yellow' | 'red';
  closedAt?: string;
  note?: string;
}

/** The workflow id of a follow-up: one per follow-up, so a repeated start finds the running one. */
export const followUpWorkflowId = (followUpId: string) => `follow-up-${followUpId}`;

/** Sent with the start (update-with-start): answers once the opening (the deadline) is in the read model. */
export const followUpOpenedUpdate = defineUpdate<FollowUpClock, []>('followUpOpened');
/** The response was recorded (at closedAt, in the read model): the clock stops there. */
export const followUpClosedUpdate = defineUpdate<FollowUpClock, [{ closedAt: string }]>('followUpClosed');
export const followUpClockQuery = defineQuery<FollowUpClock>('followUpClock');
