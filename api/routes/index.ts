// Every route, grouped by resource, in the scope of the authentication it needs. Which routes need a token
// is decided here by where they are registered (Fastify's encapsulation), never by matching URLs.
import type { Integrations } from '../../departments/integrations.ts';
import type { App, AppDeps } from '../deps.ts';
import { authenticate } from '../plugins/app/auth.ts';
import { registerCors } from '../plugins/app/cors.ts';
import { failureGate } from '../plugins/app/failure-gate.ts';
import { registerWebUi } from '../plugins/app/web-ui.ts';
import { calendarRoutes } from './calendars.ts';
import { callbackRoutes } from './callbacks.ts';
import { caseChangeRoutes } from './cases/changes.ts';
import { decisionRoutes } from './cases/decisions.ts';
import { deliveryRoutes } from './cases/delivery.ts';
import { caseHistoryRoutes } from './cases/history.ts';
import { caseRoutes } from './cases/index.ts';
import { caseSearchRoutes } from './cases/search.ts';
import { codecPreflightRoutes, codecRoutes } from './codec.ts';
import { followUpRoutes } from './follow-ups.ts';
import { healthRoutes } from './health.ts';
import { incidentRoutes } from './incidents.ts';
import { materialRoutes } from './materials.ts';
import { meRoutes } from './me.ts';
import { processRoutes } from './processes.ts';
import { reportRoutes } from './reports.ts';
import { sessionRoutes } from './session.ts';
import { taskRoutes } from './tasks.ts';
import { trackingRoutes } from './tracking.ts';
import { userAdminRoutes } from './user-admin.ts';
import { userRoutes } from './users.ts';

export interface RouteOptions {
  integrations: Integrations;
  /** The clock tracking answers by (tests move it). */
  now?: () => Date;
  /** The built browser UI (web/dist) to serve at /; absent: no UI routes. */
  webDist?: string;
}

export async function registerRoutes(app: App, deps: AppDeps, options: RouteOptions): Promise<void> {
  // Cross-origin pages only from the configured origins (none by default), preflights included.
  registerCors(app, deps.corsOrigins);

  // Open to anyone: liveness and readiness (no case data).
  healthRoutes(app, deps);

  // Department systems: each callback is authenticated by its HMAC signature, not by a bearer token.
  await callbackRoutes(app, deps, options.integrations);

  // Applicants: their case number and tracking code, checked by the routes themselves.
  trackingRoutes(app, deps, options.now ? { now: options.now } : {});

  // CORS preflights of the codec endpoint: browsers send them without a token (they carry no data).
  codecPreflightRoutes(app, deps);

  // Staff and API systems: a bearer token or a browser session on every request.
  await app.register(async (scope) => {
    const api = scope as App;
    authenticate(api, deps.db, failureGate(api, deps.limits.authFailures, 'failed authentications'));
    sessionRoutes(api, deps);
    meRoutes(api);
    processRoutes(api, deps);
    caseRoutes(api, deps);
    caseSearchRoutes(api, deps);
    caseHistoryRoutes(api, deps);
    decisionRoutes(api, deps);
    caseChangeRoutes(api, deps);
    deliveryRoutes(api, deps);
    materialRoutes(api, deps);
    taskRoutes(api, deps);
    followUpRoutes(api, deps);
    incidentRoutes(api, deps);
    reportRoutes(api, deps);
    calendarRoutes(api, deps);
    userRoutes(api, deps);
    userAdminRoutes(api, deps);
    codecRoutes(api, deps);
  });

  // The browser UI: static files and the pages a browser navigates to (after the API, which keeps its 404s).
  if (options.webDist) await registerWebUi(app, options.webDist);
}
