// The whole engine in one process (embedded mode): database, Temporal (started here or reached at
// TEMPORAL_ADDRESS), the case worker and the API. Also the pieces the separate worker and API entries use.
import { join } from 'node:path';
import type { Worker } from '@temporalio/worker';
import type { FastifyServerOptions } from 'fastify';
import { type Integrations, loadIntegrations } from '../activities/integrations.ts';
import { createNotifier } from '../activities/notifier.ts';
import { buildApp } from '../api/app.ts';
import { type Config, warningOf } from '../api/config.ts';
import type { App } from '../api/deps.ts';
import { type Database, openDatabase } from '../db/client.ts';
import { DefinitionStore } from '../db/definitions.ts';
import { CATALOG, loadCatalog } from '../processes/index.ts';
import { FsMaterialStore } from '../storage/material-store.ts';
import { createCaseWorker } from './case-worker.ts';
import { availablePort } from './ports.ts';
import { connectTemporal, startEmbeddedTemporal, type TemporalServices } from './temporal.ts';

export async function openConfiguredDatabase(config: Config): Promise<Database> {
  return openDatabase(
    config.databaseUrl ? { url: config.databaseUrl } : { dataDir: join(config.dataDir, 'pglite') },
  );
}

/** Validates the built-in catalog and publishes any version the database does not have yet. */
export async function publishCatalog(definitions: DefinitionStore): Promise<void> {
  for (const definition of loadCatalog(CATALOG)) await definitions.publish(definition);
}

export async function openTemporal(config: Config): Promise<TemporalServices> {
  if (config.temporalAddress) return connectTemporal(config.temporalAddress, config.temporalNamespace);
  return startEmbeddedTemporal({
    dbFilename: join(config.dataDir, 'temporal.sqlite'),
    port: await availablePort(config.temporalPort ?? 7233),
    uiPort: await availablePort(config.temporalUiPort ?? 8233),
  });
}

export function notifierOf(config: Config) {
  return createNotifier({
    ...(config.notifyWebhookUrl ? { webhookUrl: config.notifyWebhookUrl } : {}),
    ...(config.notifyWebhookSecret ? { webhookSecret: config.notifyWebhookSecret } : {}),
  });
}

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
  /** Runs once the database is open, before the API listens (e.g. demo accounts: ready means usable). */
  prepare?: (database: Database) => Promise<void>;
}

export async function startSystem({
  config,
  withWorker,
  logger,
  integrations: given,
  webDist,
  prepare,
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
    await prepare?.(database);
    const temporal = await openTemporal(config);
    stops.push(() => temporal.stop());

    let worker: Worker | undefined;
    if (withWorker) {
      worker = await createCaseWorker({
        connection: temporal.nativeConnection,
        namespace: temporal.namespace,
        taskQueue: config.taskQueue,
        db: database.db,
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
      warning: warningOf(config),
      materialMaxBytes: config.materialMaxBytes,
      sessionIdleMinutes: config.sessionIdleMinutes,
      cookieSecure: config.cookieSecure,
      ...(config.trustProxy !== undefined ? { trustProxy: config.trustProxy } : {}),
      logger: logger ?? false,
      ...(webDist ? { webDist } : {}),
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
    return { app, url, temporal, database, ...(worker ? { worker } : {}), stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

/** Stops on SIGINT/SIGTERM (once; a second signal forces exit). */
export function stopOnSignals(stop: () => Promise<void>): void {
  let stopping = false;
  const handler = (signal: NodeJS.Signals) => {
    if (stopping) process.exit(130);
    stopping = true;
    console.log(`\n${signal}: stopping…`);
    stop().then(
      () => process.exit(0),
      (error) => {
        console.error(error);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', handler);
  process.on('SIGTERM', handler);
}
