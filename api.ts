// The API as its own process, for the distributed topology (no worker in it unless WITH_WORKER=1).

import { loadConfig } from './config.ts';
import { stopOnSignals } from './services/system.ts';
import { installTemporalRuntime } from './services/temporal.ts';
import { defaultWebDist } from './services/web-build.ts';
import { startSystem } from './system.ts';

const config = loadConfig();
// The worker's own SDK metrics, when asked for (before anything else of the SDK runs).
if (config.workerMetricsPort !== undefined)
  installTemporalRuntime('WARN', `${config.metricsHost}:${config.workerMetricsPort}`);
if (!config.temporalAddress || !config.databaseUrl) {
  console.error('api.ts needs TEMPORAL_ADDRESS and DATABASE_URL (for everything in one process: npm start).');
  process.exit(2);
}
const system = await startSystem({
  config,
  withWorker: config.withWorker,
  // Serves the UI if it was built (npm run build:web, or npm start in this checkout).
  webDist: defaultWebDist(),
  logger: { level: config.logLevel },
});
stopOnSignals(system.stop);
console.log(`API listening on ${system.url}`);
