// All activities, built from their dependencies so the worker and tests inject real ones
// (samples-typescript: activities-dependency-injection).
import type { Db } from '../db/client.ts';
import { createProjection } from './projection.ts';
import { createRules } from './rules.ts';

export interface ActivityDeps {
  db: Db;
}

export function createActivities(deps: ActivityDeps) {
  return {
    projectCase: createProjection(deps.db),
    decideByRules: createRules(deps.db),
  };
}

export type Activities = ReturnType<typeof createActivities>;
