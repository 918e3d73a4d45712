// Every route, grouped by resource, in the scope of the authentication it needs. Which routes need a token
// is decided here by where they are registered (Fastify's encapsulation), never by matching URLs.
import type { Integrations } from '../../departments/integrations.ts';
import type { App, AppDeps } from '../deps.ts';
import { authenticate } from '../plugins/app/auth.ts';
import { calendarRoutes } from './calendars.ts';
import { callbackRoutes } from './callbacks.ts';
import { caseChangeRoutes } from './cases/changes.ts';
import { decisionRoutes } from './cases/decisions.ts';
import { deliveryRoutes } from './cases/delivery.ts';
import { caseRoutes } from './cases/index.ts';
import { codecPreflightRoutes, codecRoutes } from './codec.ts';
import { healthRoutes } from './health.ts';
import { incidentRoutes } from './incidents.ts';
import { materialRoutes } from './materials.ts';
import { meRoutes } from './me.ts';
import { processRoutes } from './processes.ts';
import { taskRoutes } from './tasks.ts';
import { userRoutes } from './users.ts';

export async function registerRoutes(app: App, deps: AppDeps, integrations: Integrations): Promise<void> {
  // Open to anyone: liveness and readiness (no case data).
  healthRoutes(app, deps);

  // Department systems: each callback is authenticated by its HMAC signature, not by a bearer token.
  await callbackRoutes(app, deps, integrations);

  // CORS preflights of the codec endpoint: browsers send them without a token (they carry no data).
  codecPreflightRoutes(app, deps);

  // Staff and API systems: a bearer token on every request.
  await app.register(async (scope) => {
    const api = scope as App;
    authenticate(api, deps.db);
    meRoutes(api);
    processRoutes(api, deps);
    caseRoutes(api, deps);
    decisionRoutes(api, deps);
    caseChangeRoutes(api, deps);
    deliveryRoutes(api, deps);
    materialRoutes(api, deps);
    taskRoutes(api, deps);
    incidentRoutes(api, deps);
    calendarRoutes(api, deps);
    userRoutes(api, deps);
    codecRoutes(api, deps);
  });
}
