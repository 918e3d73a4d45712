// The read-model projection as an activity: brings cases, case_steps and the audit trail up to date with a
// batch of events from one caseWorkflow. Runs as a local activity (our own database, no extra server round
// trip); the statement itself, idempotent by the workflow's sequence numbers, is db/case-events.ts.
//
// A failure retrying can cure (the database restarting) is thrown as it is and retried by the workflow's
// policy. One it cannot (the database refuses the data itself: SQLSTATE classes 22, 23, 54) is recorded as
// an incident on the case and thrown as a non-retryable 'projection-rejected' failure, so the workflow
// waits for a person instead of retrying in a hot loop. Either way the error carries the SQLSTATE and the
// driver's message, never the query's parameters (the case's data).
import { ApplicationFailure } from '@temporalio/common';
import { type ProjectCaseArgs, projectEvents } from '../db/case-events.ts';
import type { Db } from '../db/client.ts';
import { recordProjectionFailure, resolveProjectionFailures } from '../db/incidents.ts';
import { countEvents } from './metrics.ts';

export type { ProjectCaseArgs };

export const PROJECTION_REJECTED = 'projection-rejected';

export interface ProjectionArgs extends ProjectCaseArgs {
  /** Set when retrying a batch the read model refused before: its incident is resolved on success. */
  afterIncident?: boolean;
}

/** The SQLSTATE of a database error (drizzle wraps the driver's error as `cause`), and its message. */
function databaseError(error: unknown): { code: string; message: string } | undefined {
  for (
    let e = error as { code?: unknown; message?: unknown; cause?: unknown } | undefined, i = 0;
    e && i < 5;
    i++
  ) {
    if (typeof e.code === 'string' && /^[0-9A-Z]{5}$/.test(e.code)) {
      return { code: e.code, message: typeof e.message === 'string' ? e.message : '' };
    }
    e = e.cause as typeof e;
  }
  return undefined;
}

/** Data exceptions, integrity violations, program limits: the same batch fails the same way every time. */
const isPermanent = (code: string) => ['22', '23', '54'].includes(code.slice(0, 2));

export function createProjection(db: Db) {
  return async function projectCase(args: ProjectionArgs): Promise<string> {
    let hash: string;
    try {
      hash = await projectEvents(db, args, (events, written) =>
        countEvents(events, written.processId, written.departments),
      );
    } catch (error) {
      const refused = databaseError(error);
      if (!refused) throw new Error(`read model write failed: ${(error as Error).message?.split('\n')[0]}`);
      const reason = `read model refused the case's events (SQLSTATE ${refused.code}: ${refused.message})`;
      if (!isPermanent(refused.code)) throw new Error(reason);
      const withStep = args.events.find((e) => 'stepId' in e && typeof e.stepId === 'string');
      const stepId = withStep && 'stepId' in withStep ? String(withStep.stepId) : 'case';
      await recordProjectionFailure(db, { caseId: args.caseId, stepId }, reason);
      throw ApplicationFailure.nonRetryable(reason, PROJECTION_REJECTED);
    }
    if (args.afterIncident) await resolveProjectionFailures(db, args.caseId);
    return hash;
  };
}
