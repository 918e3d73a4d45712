// Follow-ups (整改) of bad ratings, on the API's side: starting the follow-up's workflow (its clock) once the
// rating and the follow-up row are committed, stopping it once the response is, and the view staff get.
//
// The workflow id comes from the follow-up's id and the start is an update-with-start with the id-conflict
// policy USE_EXISTING: a retried request, or a second bad rating, finds the running workflow and gets the
// same answer, so a follow-up never gets two clocks. The answer comes once the workflow has written the
// deadline to the read model (read-your-writes).
import { type Client, WorkflowNotFoundError } from '@temporalio/client';
import type { Static } from 'typebox';
import type { CalendarStore } from '../db/calendars.ts';
import { type CaseRow, findCase } from '../db/cases.ts';
import type { Db } from '../db/client.ts';
import { type FollowUpListRow, type FollowUpRow, uncountedFollowUps } from '../db/follow-ups.ts';
import type { ClockWarning } from '../process/clock.ts';
import { urgencyOf } from '../process/step-clock.ts';
import {
  type FollowUpInput,
  followUpClosedUpdate,
  followUpOpenedUpdate,
  followUpWorkflowId,
} from '../workflows/follow-up-messages.ts';
import { Problem } from './problem.ts';
import type { FollowUp } from './schemas/follow-ups.ts';
import { startWithUpdate, withinBound } from './updates.ts';

export interface FollowUpDeps {
  db: Db;
  client: Client;
  taskQueue: string;
  calendars: CalendarStore;
  /** The deployment's region, for cases stored before they recorded their own. */
  calendarRegion: string;
  warning: ClockWarning;
  updateWaitMs: number;
}

export class FollowUps {
  constructor(private readonly deps: FollowUpDeps) {}

  /** Starts the follow-up's clock unless it runs already; answers once the deadline is in the read model. */
  async startClock(row: FollowUpRow, kase: CaseRow): Promise<void> {
    const region = kase.calendarRegion ?? this.deps.calendarRegion;
    const calendar = await this.deps.calendars.effective(region);
    if (!calendar) throw new Error(`no calendar for region ${region}`);
    const input: FollowUpInput = {
      followUpId: row.id,
      caseId: kase.id,
      caseNo: kase.caseNo,
      processId: kase.processId,
      department: row.department,
      calendar,
      warning: this.deps.warning,
    };
    // An answer before the start ends the workflow at once: a start refused then is taken as done.
    await startWithUpdate(this.deps.client, kase.caseNo, this.deps.updateWaitMs, {
      workflowType: 'followUpWorkflow',
      workflowId: followUpWorkflowId(row.id),
      taskQueue: this.deps.taskQueue,
      args: [input],
      update: followUpOpenedUpdate,
      updateId: `opened:${row.id}`,
    });
  }

  /**
   * Starts the clocks of follow-ups opened by a rating whose request ended before their workflow started
   * (the process stopped in between, and the applicant did not rate again). Run at start-up.
   */
  async resumeUncounted(olderThanMs = 30_000): Promise<number> {
    const rows = await uncountedFollowUps(this.deps.db, new Date(Date.now() - olderThanMs));
    for (const row of rows) {
      const kase = await findCase(this.deps.db, row.caseId);
      if (kase) await this.startClock(row, kase);
    }
    return rows.length;
  }

  /**
   * Stops the clock of a follow-up just answered (the response is committed). Should the workflow not be
   * reached in time, the answer stands: the workflow finds it at its next alarm and stops there.
   */
  async stopClock(row: FollowUpRow, caseNo: string): Promise<void> {
    try {
      await withinBound(this.deps.client, caseNo, this.deps.updateWaitMs, () =>
        this.deps.client.workflow.getHandle(followUpWorkflowId(row.id)).executeUpdate(followUpClosedUpdate, {
          args: [{ closedAt: row.closedAt!.toISOString() }],
          updateId: `closed:${row.id}`,
        }),
      );
    } catch (error) {
      if (error instanceof WorkflowNotFoundError || error instanceof Problem) return;
      throw error;
    }
  }
}

/** A follow-up as staff see it; urgency is the clock's colour now, from the instants its workflow recorded. */
export function followUpView(row: FollowUpListRow, now: number): Static<typeof FollowUp> {
  const closed = row.closedAt !== null;
  const urgency = closed
    ? 'none'
    : urgencyOf({ deadline: row.dueAt?.getTime(), yellowAt: row.yellowAt?.getTime() }, now);
  const at = (d: Date | null) => d?.toISOString() ?? null;
  return {
    id: row.id,
    caseId: row.caseId,
    caseNo: row.caseNo,
    processId: row.processId,
    department: row.department,
    score: row.score,
    comment: row.comment,
    status: closed ? 'closed' : 'open',
    urgency,
    overdue: urgency === 'red',
    clockState: row.clockState,
    finalLevel: row.finalLevel,
    openedAt: row.openedAt.toISOString(),
    dueAt: at(row.dueAt),
    yellowAt: at(row.yellowAt),
    warnedYellowAt: at(row.warnedYellowAt),
    warnedRedAt: at(row.warnedRedAt),
    reminders: row.reminders,
    closedAt: at(row.closedAt),
    response: row.response,
    respondedBy: row.respondedBy,
  };
}
