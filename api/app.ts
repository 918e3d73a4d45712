// The Fastify application: problem+json errors, bearer auth, OpenAPI at /docs, and the routes.
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { Client } from '@temporalio/client';
import Fastify, { type FastifyServerOptions } from 'fastify';
import type { Integrations } from '../activities/integrations.ts';
import { CalendarStore } from '../db/calendars.ts';
import type { Db } from '../db/client.ts';
import type { DefinitionStore } from '../db/definitions.ts';
import { SessionStore } from '../db/sessions.ts';
import type { ClockWarning } from '../process/clock.ts';
import type { MaterialStore } from '../storage/material-store.ts';
import { CaseActions } from './case-actions.ts';
import type { App, AppDeps } from './deps.ts';
import { CaseIntake } from './intake.ts';
import { registerAuth } from './plugins/auth.ts';
import { registerErrorHandling } from './plugins/errors.ts';
import { registerSessions } from './plugins/session.ts';
import { registerValidation } from './plugins/validation.ts';
import { registerWebUi } from './plugins/web-ui.ts';
import { calendarRoutes } from './routes/calendars.ts';
import { callbackRoutes } from './routes/callbacks.ts';
import { caseActionRoutes } from './routes/case-actions.ts';
import { caseRoutes } from './routes/cases.ts';
import { decisionRoutes } from './routes/decisions.ts';
import { deliveryRoutes } from './routes/delivery.ts';
import { healthRoutes } from './routes/health.ts';
import { incidentRoutes } from './routes/incidents.ts';
import { materialRoutes } from './routes/materials.ts';
import { meRoutes } from './routes/me.ts';
import { processRoutes } from './routes/processes.ts';
import { sessionRoutes } from './routes/session.ts';
import { taskRoutes } from './routes/tasks.ts';
import { trackingRoutes } from './routes/tracking.ts';
import { userAdminRoutes } from './routes/user-admin.ts';
import { userRoutes } from './routes/users.ts';
import { Problem } from './schemas.ts';

declare module 'fastify' {
  interface FastifyInstance {
    /** Intake, for start-up work such as resuming cases stored but never started. */
    intake: CaseIntake;
  }
}

export interface BuildAppOptions {
  db: Db;
  definitions: DefinitionStore;
  client: Client;
  taskQueue: string;
  caseNoPrefix?: string;
  materials: MaterialStore;
  /** Largest material upload accepted (bytes); default 10 MiB. */
  materialMaxBytes?: number;
  /** Departments reached over HTTP (their steps use the 'http' adapter), with their secrets. */
  integrations?: Integrations;
  /** Calendar region deadlines are counted in (default 'CN'). */
  calendarRegion?: string;
  /** When promised clocks turn yellow (default: 20% of the limit left). */
  warning?: ClockWarning;
  ready?: () => Promise<boolean>;
  logger?: FastifyServerOptions['logger'];
  /** Browser sessions end after this much inactivity (default 30 minutes). */
  sessionIdleMinutes?: number;
  /** Mark the session cookie Secure on every response, not only on requests that came over HTTPS. */
  cookieSecure?: boolean;
  /** Believe X-Forwarded-For/-Proto from these proxies (Fastify's trustProxy); default: no proxy. */
  trustProxy?: FastifyServerOptions['trustProxy'];
  /** The clock sessions expire by (tests move it). */
  now?: () => Date;
  /** The built browser UI (web/dist) to serve at /; absent: no UI routes. */
  webDist?: string;
}

export async function buildApp(options: BuildAppOptions): Promise<App> {
  const app = Fastify({
    logger: options.logger ?? false,
    ...(options.trustProxy !== undefined ? { trustProxy: options.trustProxy } : {}),
  }).withTypeProvider<TypeBoxTypeProvider>();

  const calendars = new CalendarStore(options.db);
  await calendars.seed();
  const calendarRegion = options.calendarRegion ?? 'CN';
  const warning = options.warning ?? { fraction: 0.2 };
  const deps: AppDeps = {
    calendars,
    calendarRegion,
    warning,
    db: options.db,
    definitions: options.definitions,
    client: options.client,
    intake: new CaseIntake({
      db: options.db,
      definitions: options.definitions,
      client: options.client,
      taskQueue: options.taskQueue,
      caseNoPrefix: options.caseNoPrefix ?? 'YJS',
      integrations: options.integrations ?? {},
      calendars,
      calendarRegion,
      warning,
    }),
    actions: new CaseActions(options.db, options.definitions, options.client),
    materials: options.materials,
    materialMaxBytes: options.materialMaxBytes ?? 10 * 1024 * 1024,
    ready: options.ready ?? (async () => true),
  };

  app.decorate('intake', deps.intake);
  registerErrorHandling(app);
  registerValidation(app);
  app.addSchema(Problem);
  await app.register(swagger, {
    openapi: {
      info: {
        title: 'Yijianshi: "one thing" case engine API',
        version: '0.1.0',
        description: 'Combined applications (一件事) run as one case across departments.',
      },
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
      security: [{ bearer: [] }],
    },
  });
  await app.register(swaggerUi, { routePrefix: '/docs' });
  await registerSessions(
    app,
    new SessionStore(options.db, {
      idleMs: (options.sessionIdleMinutes ?? 30) * 60_000,
      ...(options.now ? { now: options.now } : {}),
    }),
    { secure: options.cookieSecure ?? false },
  );
  registerAuth(app, options.db);

  healthRoutes(app, deps);
  meRoutes(app);
  processRoutes(app, deps);
  caseRoutes(app, deps);
  decisionRoutes(app, deps);
  caseActionRoutes(app, deps);
  deliveryRoutes(app, deps);
  calendarRoutes(app, deps);
  incidentRoutes(app, deps);
  await callbackRoutes(app, deps, options.integrations ?? {});
  await materialRoutes(app, deps);
  taskRoutes(app, deps);
  userRoutes(app, deps);
  userAdminRoutes(app, deps);
  sessionRoutes(app, deps);
  trackingRoutes(app, deps, options.now ? { now: options.now } : {});
  if (options.webDist) await registerWebUi(app, options.webDist);
  return app;
}
