// `npm start`: the whole engine in one process, embedded: a Temporal dev server (persisted under
// DATA_DIR), PGlite (persisted under DATA_DIR), the case worker and the API, with demo accounts, and the
// department simulator playing Tax's and the bank's own systems (unless DEPARTMENTS_CONFIG names real ones).
import { mkdirSync } from 'node:fs';
import { loadConfig } from './config.ts';
import { loadIntegrations } from './departments/integrations.ts';
import { startDemoDepartments } from './services/demo-departments.ts';
import { type DemoCredential, ensureDemoUsers } from './services/demo-users.ts';
import { stopOnSignals } from './services/system.ts';
import { installTemporalRuntime } from './services/temporal.ts';
import { ensureWebBuilt } from './services/web-build.ts';
import { startSystem } from './system.ts';

const config = loadConfig();
// The worker's own SDK metrics, when asked for (before anything else of the SDK runs).
if (config.workerMetricsPort !== undefined)
  installTemporalRuntime('WARN', `${config.metricsHost}:${config.workerMetricsPort}`);
mkdirSync(config.dataDir, { recursive: true });
console.log(`Starting the "one thing" case engine (data in ${config.dataDir})…`);

// The browser UI is built here when web/ changed (skipped when up to date), so `npm start` serves it. A
// failed build leaves the API running: the error says what to fix.
const web = await ensureWebBuilt().catch((error) => {
  console.error(
    `Web UI: the build failed, serving the API only.\n${error instanceof Error ? error.message : error}`,
  );
  return { built: false, dist: undefined };
});
const demo =
  !config.departmentsConfig && config.demoSimulator
    ? await startDemoDepartments(config.dataDir, config.simulatorPort)
    : undefined;
const integrations = demo?.integrations ?? loadIntegrations(config.departmentsConfig);
// Demo accounts exist before the API reports ready, so whoever waits for /readyz finds them.
let credentials: DemoCredential[] = [];
const system = await startSystem({
  config,
  withWorker: true,
  integrations,
  beforeListen: async (database) => {
    credentials = await ensureDemoUsers(database.db, config.dataDir);
  },
  ...(web.dist ? { webDist: web.dist } : {}),
  logger: { level: config.logLevel === 'info' ? 'warn' : config.logLevel },
}).catch(async (error) => {
  await demo?.simulator.stop();
  throw error;
});
stopOnSignals(async () => {
  await system.stop();
  await demo?.simulator.stop();
});

const base = system.url.replace('127.0.0.1', 'localhost');
const http = Object.keys(integrations);
console.log(`
Ready.
  Web UI       ${web.dist ? `${base}/  (sign in at ${base}/login; applicants track at ${base}/track)` : '(not built: no web/ sources)'}
  API          ${base}/api
  API docs     ${base}/docs
  Temporal UI  ${system.temporal.uiUrl ?? `(external server at ${system.temporal.address})`}
  Database     ${system.database.kind === 'pglite' ? `PGlite in ${config.dataDir}/pglite` : 'Postgres (DATABASE_URL)'}
  Departments  ${http.length > 0 ? `${http.join(', ')} over HTTP${demo ? ` (simulated at ${demo.simulator.url})` : ''}; the others in the worklist` : 'all in the worklist'}

Demo accounts (also in ${config.dataDir}/demo-credentials.json): user, role, password for ${base}/login, API token
${credentials.map((c) => `  ${c.user.padEnd(10)} ${(c.department ?? c.role).padEnd(10)} ${c.password}  ${c.token}`).join('\n')}

Try:  curl -H "Authorization: Bearer ${credentials[0]!.token}" ${base}/api/processes
Stop with Ctrl-C; starting again resumes open cases.
`);
