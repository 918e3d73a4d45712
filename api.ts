// The API as its own process, for the distributed topology (no worker in it unless WITH_WORKER=1).

import { distributedApiProblems, loadConfig } from './config.ts';
import { stopOnSignals } from './services/system.ts';
import { installTemporalRuntime } from './services/temporal.ts';
import { defaultWebDist } from './services/web-build.ts';
import { startSystem } from './system.ts';

const config = loadConfig();
// The worker's own SDK metrics, when asked for (before anything else of the SDK runs).
if (config.workerMetricsPort !== undefined)
  installTemporalRuntime('WARN', `${config.metricsHost}:${config.workerMetricsPort}`);
const problems = distributedApiProblems(config);
if (problems.length > 0) {
  console.error(`api.ts: invalid configuration:\n  ${problems.join('\n  ')}`);
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
