// The Fastify application: what the routes need (AppDeps), third-party plugins, the app's own plugins
// (problem+json errors, validation), and the routes in their authentication scopes.

import { randomBytes } from 'node:crypto';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { Client } from '@temporalio/client';
import Fastify, { type FastifyServerOptions } from 'fastify';
import { DEFAULTS, type Limits } from '../config.ts';
import { CalendarStore } from '../db/calendars.ts';
import type { Db } from '../db/client.ts';
import type { DefinitionStore } from '../db/definitions.ts';
import { SessionStore } from '../db/sessions.ts';
import type { Integrations } from '../departments/integrations.ts';
import type { ClockWarning } from '../process/clock.ts';
import type { MaterialStore } from '../storage/material-store.ts';
import { CaseActions } from './case-actions.ts';
import type { App, AppDeps } from './deps.ts';
import { FollowUps } from './follow-ups.ts';
import { CaseIntake } from './intake.ts';
import { nullableSerializers } from './nullable-serializer.ts';
import { clientErrorHandler, frameworkErrors } from './plugins/app/framework-errors.ts';
import { registerAppPlugins } from './plugins/app/index.ts';
import { safeLoggerOptions } from './plugins/app/logging.ts';
import { registerExternalPlugins } from './plugins/external/index.ts';
import { registerMetrics } from './plugins/external/metrics.ts';
import { registerRoutes } from './routes/index.ts';

declare module 'fastify' {
  interface FastifyInstance {
    /** Intake, for start-up work such as resuming cases stored but never started. */
    intake: CaseIntake;
    /** Follow-ups of bad ratings, for start-up work: starting clocks that never started. */
    followUps: FollowUps;
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
  /** How long a case action waits for its workflow before answering 503 (default 20 s). */
  updateWaitMs?: number;
  /** Browser origins of the Temporal UI allowed to call /codec (default: none). */
  temporalUiOrigins?: string[];
  /** Browser origins allowed to call /api with a bearer token (default: none, CORS off). */
  corsOrigins?: string[];
  /** Rate limits per client address (default: DEFAULTS.limits); tests shorten them. */
  limits?: Partial<Limits>;
  /** Pino options (redaction of personal data and the safe error serialiser are added), or false. */
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
  /** Key of the applicant identifiers' hashes (search); default: a random key for this process. */
  applicantHashKey?: string;
  /** /metrics answers only with this bearer token; without it (and without metricsListen), not at all. */
  metricsToken?: string;
  /** Serve /metrics on a separate server (no token) at this address instead. */
  metricsListen?: { port: number; host: string };
  /** The Temporal web UI and namespace, for links from a case's history to its workflow. */
  temporalUiUrl?: string;
  temporalNamespace?: string;
}

export async function buildApp(options: BuildAppOptions): Promise<App> {
  const app = Fastify({
    logger: safeLoggerOptions(options.logger ?? false),
    ...(options.trustProxy !== undefined ? { trustProxy: options.trustProxy } : {}),
    // Router and HTTP-parser refusals (414, 431, undecodable URLs) as problem+json too.
    frameworkErrors,
    clientErrorHandler,
    schemaController: { compilersFactory: { buildSerializer: nullableSerializers } },
  }).withTypeProvider<TypeBoxTypeProvider>();

  const calendars = new CalendarStore(options.db);
  await calendars.seed();
  const calendarRegion = options.calendarRegion ?? DEFAULTS.calendarRegion;
  const warning = options.warning ?? DEFAULTS.warning;
  const applicantHashKey = options.applicantHashKey ?? randomBytes(32).toString('base64url');
  const deps: AppDeps = {
    applicantHashKey,
    ...(options.temporalUiUrl
      ? {
          workflowUrl: (caseId: string) =>
            `${options.temporalUiUrl}/namespaces/${encodeURIComponent(options.temporalNamespace ?? 'default')}/workflows/${encodeURIComponent(caseId)}`,
        }
      : {}),
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
      caseNoPrefix: options.caseNoPrefix ?? DEFAULTS.caseNoPrefix,
      integrations: options.integrations ?? {},
      calendars,
      calendarRegion,
      warning,
      applicantHashKey,
      updateWaitMs: options.updateWaitMs ?? DEFAULTS.updateWaitMs,
    }),
    followUps: new FollowUps({
      db: options.db,
      client: options.client,
      taskQueue: options.taskQueue,
      calendars,
      calendarRegion,
      warning,
      updateWaitMs: options.updateWaitMs ?? DEFAULTS.updateWaitMs,
    }),
    actions: new CaseActions(
      options.db,
      options.definitions,
      options.client,
      options.updateWaitMs ?? DEFAULTS.updateWaitMs,
    ),
    integrations: options.integrations ?? {},
    materials: options.materials,
    materialMaxBytes: options.materialMaxBytes ?? DEFAULTS.materialMaxBytes,
    ready: options.ready ?? (async () => true),
    temporalUiOrigins: options.temporalUiOrigins ?? [],
    corsOrigins: options.corsOrigins ?? [],
    limits: { ...DEFAULTS.limits, ...options.limits },
  };

  app.decorate('intake', deps.intake);
  app.decorate('followUps', deps.followUps);
  await registerExternalPlugins(app, { materialMaxBytes: deps.materialMaxBytes });
  await registerAppPlugins(app, {
    sessions: new SessionStore(options.db, {
      idleMs: (options.sessionIdleMinutes ?? DEFAULTS.sessionIdleMinutes) * 60_000,
      ...(options.now ? { now: options.now } : {}),
    }),
    cookieSecure: options.cookieSecure ?? false,
  });
  await registerMetrics(app, {
    db: options.db,
    ...(options.metricsToken ? { token: options.metricsToken } : {}),
    ...(options.metricsListen ? { listen: options.metricsListen } : {}),
  });
  await registerRoutes(app, deps, {
    integrations: options.integrations ?? {},
    ...(options.now ? { now: options.now } : {}),
    ...(options.webDist ? { webDist: options.webDist } : {}),
  });
  return app;
}
