// The read-model projection as an activity: brings cases, case_steps and the audit trail up to date with a
// batch of events from one caseWorkflow. Runs as a local activity (our own database, no extra server round
// trip); the statement itself, idempotent by the workflow's sequence numbers, is db/case-events.ts.
import { type ProjectCaseArgs, projectEvents } from '../db/case-events.ts';
import type { Db } from '../db/client.ts';
import { countEvents } from './metrics.ts';

export type { ProjectCaseArgs };

export function createProjection(db: Db) {
  return function projectCase(args: ProjectCaseArgs): Promise<string> {
    return projectEvents(db, args, (events, written) =>
      countEvents(events, written.processId, written.departments),
    );
  };
}
