// The case worker as its own process, for the distributed topology: a Temporal cluster at TEMPORAL_ADDRESS
// and a Postgres server at DATABASE_URL, shared with any number of API processes and other workers.
import { loadConfig } from './config.ts';
import { DefinitionStore } from './db/definitions.ts';
import { loadIntegrations } from './departments/integrations.ts';
import { createCaseWorker } from './services/case-worker.ts';
import { serveProcessMetrics } from './services/metrics-server.ts';
import { payloadKeysOf } from './services/payload-keys.ts';
import { notifierOf, openConfiguredDatabase, publishCatalog } from './services/system.ts';
import { connectTemporal, installTemporalRuntime } from './services/temporal.ts';

const config = loadConfig();
if (config.workerMetricsPort !== undefined)
  installTemporalRuntime('WARN', `${config.metricsHost}:${config.workerMetricsPort}`);
if (config.metricsPort !== undefined) await serveProcessMetrics(config.metricsPort, config.metricsHost);
if (!config.temporalAddress || !config.databaseUrl) {
  console.error(
    'worker.ts needs TEMPORAL_ADDRESS and DATABASE_URL (for everything in one process: npm start).',
  );
  process.exit(2);
}
const database = await openConfiguredDatabase(config);
await publishCatalog(new DefinitionStore(database.db));
const payloadKeys = payloadKeysOf(config);
const temporal = await connectTemporal(config.temporalAddress, payloadKeys, config.temporalNamespace);
const worker = await createCaseWorker({
  connection: temporal.nativeConnection,
  namespace: temporal.namespace,
  taskQueue: config.taskQueue,
  db: database.db,
  payloadKeys,
  notifier: notifierOf(config),
  integrations: loadIntegrations(config.departmentsConfig),
  ...(config.publicUrl ? { publicUrl: config.publicUrl } : {}),
});
// The SDK's worker handles SIGINT/SIGTERM itself: it drains and run() resolves.
console.log(`Case worker on task queue '${config.taskQueue}' at ${config.temporalAddress}`);
await worker.run();
await temporal.stop();
await database.close();
