// The API as its own process, for the distributed topology (no worker in it unless WITH_WORKER=1).
import { startSystem, stopOnSignals } from '../services/system.ts';
import { defaultWebDist } from '../services/web-build.ts';
import { loadConfig } from './config.ts';

const config = loadConfig();
if (!config.temporalAddress || !config.databaseUrl) {
  console.error(
    'api/server.ts needs TEMPORAL_ADDRESS and DATABASE_URL (for everything in one process: npm start).',
  );
  process.exit(2);
}
const system = await startSystem({
  config,
  withWorker: process.env.WITH_WORKER === '1',
  // Serves the UI if it was built (npm run build:web, or npm start in this checkout).
  webDist: defaultWebDist(),
  logger: { level: config.logLevel },
});
stopOnSignals(system.stop);
console.log(`API listening on ${system.url}`);
