// The read-model projection of a follow-up's workflow: a local activity (our own database), each write
// idempotent (db/follow-ups.ts), answering whether the read model has the follow-up closed meanwhile.
import type { Db } from '../db/client.ts';
import { type FollowUpChange, type FollowUpProjected, projectFollowUpChange } from '../db/follow-ups.ts';

export interface ProjectFollowUpArgs {
  followUpId: string;
  change: FollowUpChange;
}

export function createFollowUpProjection(db: Db) {
  return function projectFollowUp(args: ProjectFollowUpArgs): Promise<FollowUpProjected> {
    return projectFollowUpChange(db, args.followUpId, args.change);
  };
}
