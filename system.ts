// The whole engine in one process (embedded mode, and the API process of the distributed topology):
// database, Temporal, optionally the case worker, and the API. The composition root: the one place that
// wires the API to the worker's pieces, so neither imports the other.
import type { Worker } from '@temporalio/worker';
import type { FastifyServerOptions } from 'fastify';
import { buildApp } from './api/app.ts';
import type { App } from './api/deps.ts';
import type { Config } from './config.ts';
import type { Database } from './db/client.ts';
import { DefinitionStore } from './db/definitions.ts';
import { type Integrations, loadIntegrations } from './departments/integrations.ts';
import { createCaseWorker } from './services/case-worker.ts';
import { payloadKeysOf } from './services/payload-keys.ts';
import {
  applicantHashKeyOf,
  notifierOf,
  openConfiguredDatabase,
  openTemporal,
  publishCatalog,
} from './services/system.ts';
import type { TemporalServices } from './services/temporal.ts';
import { FsMaterialStore } from './storage/material-store.ts';

export interface RunningSystem {
  app: App;
  url: string;
  temporal: TemporalServices;
  database: Database;
  worker?: Worker;
  stop(): Promise<void>;
}

export interface SystemOptions {
  config: Config;
  /** Departments reached over HTTP (default: from DEPARTMENTS_CONFIG). */
  integrations?: Integrations;
  /** Run a case worker in this process (embedded mode, or an API that also works cases). */
  withWorker: boolean;
  logger?: FastifyServerOptions['logger'];
  /** The built browser UI to serve at / (services/web-build.ts); absent: the API only. */
  webDist?: string;
  /** Start-up work on the database before the API listens (and so before it reports ready). */
  beforeListen?: (database: Database) => Promise<void>;
}

/** The embedded UI as a browser names it: by the address it is bound to, or as localhost. */
function uiOrigins(uiUrl: string | undefined): string[] {
  if (!uiUrl) return [];
  const url = new URL(uiUrl);
  return [url.origin, `${url.protocol}//localhost:${url.port}`];
}

export async function startSystem({
  config,
  withWorker,
  logger,
  integrations: given,
  webDist,
  beforeListen,
}: SystemOptions): Promise<RunningSystem> {
  const integrations = given ?? loadIntegrations(config.departmentsConfig);
  const publicUrl = config.publicUrl ?? `http://${config.host}:${config.port}`;
  const database = await openConfiguredDatabase(config);
  const stops: (() => Promise<void>)[] = [() => database.close()];
  const stop = async () => {
    for (const s of stops.splice(0).reverse()) await s().catch((e) => console.error('stop failed:', e));
  };
  try {
    const definitions = new DefinitionStore(database.db);
    await publishCatalog(definitions);
    await beforeListen?.(database);
    const payloadKeys = payloadKeysOf(config);
    const temporal = await openTemporal(config, payloadKeys, `${publicUrl}/codec`);
    stops.push(() => temporal.stop());

    let worker: Worker | undefined;
    if (withWorker) {
      worker = await createCaseWorker({
        connection: temporal.nativeConnection,
        namespace: temporal.namespace,
        taskQueue: config.taskQueue,
        db: database.db,
        payloadKeys,
        notifier: notifierOf(config),
        integrations,
        publicUrl,
      });
      const running = worker.run();
      stops.push(async () => {
        if (worker!.getState() === 'RUNNING') worker!.shutdown();
        await running;
      });
    }

    const app = await buildApp({
      db: database.db,
      definitions,
      client: temporal.client,
      taskQueue: config.taskQueue,
      caseNoPrefix: config.caseNoPrefix,
      materials: new FsMaterialStore(config.materialsDir),
      calendarRegion: config.calendarRegion,
      integrations,
      warning: config.warning,
      materialMaxBytes: config.materialMaxBytes,
      sessionIdleMinutes: config.sessionIdleMinutes,
      cookieSecure: config.cookieSecure,
      ...(config.trustProxy !== undefined ? { trustProxy: config.trustProxy } : {}),
      ...(webDist ? { webDist } : {}),
      updateWaitMs: config.updateWaitMs,
      applicantHashKey: applicantHashKeyOf(config),
      ...(config.metricsToken ? { metricsToken: config.metricsToken } : {}),
      ...(config.metricsPort !== undefined
        ? { metricsListen: { port: config.metricsPort, host: config.metricsHost } }
        : {}),
      temporalNamespace: temporal.namespace,
      ...(config.temporalUiUrl || temporal.uiUrl
        ? { temporalUiUrl: (config.temporalUiUrl ?? temporal.uiUrl)! }
        : {}),
      logger: logger ?? false,
      temporalUiOrigins: config.temporalUiOrigins ?? uiOrigins(temporal.uiUrl),
      ...(config.corsOrigins ? { corsOrigins: config.corsOrigins } : {}),
      ready: async () => {
        await temporal.client.workflowService.getSystemInfo({});
        return !worker || worker.getState() === 'RUNNING';
      },
    });
    const url = await app.listen({ port: config.port, host: config.host });
    stops.push(() => app.close());
    // A case stored just before a crash, whose workflow never started, starts now.
    const resumed = await app.intake.resumeUnstarted();
    if (resumed > 0) app.log.warn({ resumed }, 'started the workflows of cases stored but never started');
    const counted = await app.followUps.resumeUncounted();
    if (counted > 0) app.log.warn({ counted }, 'started the clocks of follow-ups opened but never started');
    return { app, url, temporal, database, ...(worker ? { worker } : {}), stop };
  } catch (error) {
    await stop();
    throw error;
  }
}
