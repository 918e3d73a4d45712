// All activities, built from their dependencies so the worker and tests inject real ones
// (samples-typescript: activities-dependency-injection).
import { DEFAULTS } from '../config.ts';
import type { Db } from '../db/client.ts';
import type { Integrations } from '../departments/integrations.ts';
import { createDepartmentHttp } from './department-http.ts';
import { createFollowUpProjection } from './follow-ups.ts';
import { createNotifier, type Notification, type Notifier } from './notifier.ts';
import { createProjection } from './projection.ts';
import { createRules, createWaveRules } from './rules.ts';

export interface ActivityDeps {
  db: Db;
  /** Where clock warnings go (a webhook, or the log). */
  notifier?: Notifier;
  /** Departments reached over HTTP, and the engine's public URL for their callbacks. */
  integrations?: Integrations;
  publicUrl?: string;
}

export function createActivities(deps: ActivityDeps) {
  const notifier = deps.notifier ?? createNotifier();
  return {
    projectCase: createProjection(deps.db),
    projectFollowUp: createFollowUpProjection(deps.db),
    decideByRules: createRules(deps.db),
    decideWaveByRules: createWaveRules(deps.db),
    notify: (n: Notification, idempotencyKey: string) => notifier.notify(n, idempotencyKey),
    ...createDepartmentHttp(deps.db, deps.integrations ?? {}, deps.publicUrl ?? DEFAULTS.publicUrl),
  };
}

export type Activities = ReturnType<typeof createActivities>;
