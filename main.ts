// `npm start`: the whole engine in one process, embedded: a Temporal dev server (persisted under
// DATA_DIR), PGlite (persisted under DATA_DIR), the case worker and the API, with demo accounts.
import { loadConfig } from './api/config.ts';
import { ensureDemoUsers } from './services/demo-users.ts';
import { startSystem, stopOnSignals } from './services/system.ts';

const config = loadConfig();
console.log(`Starting the "one thing" case engine (data in ${config.dataDir})…`);
const system = await startSystem({
  config,
  withWorker: true,
  logger: { level: config.logLevel === 'info' ? 'warn' : config.logLevel },
});
stopOnSignals(system.stop);

const credentials = await ensureDemoUsers(system.database.db, config.dataDir);
const base = system.url.replace('127.0.0.1', 'localhost');
console.log(`
Ready.
  API          ${base}/api
  API docs     ${base}/docs
  Temporal UI  ${system.temporal.uiUrl ?? `(external server at ${system.temporal.address})`}
  Database     ${system.database.kind === 'pglite' ? `PGlite in ${config.dataDir}/pglite` : 'Postgres (DATABASE_URL)'}

Demo tokens (also in ${config.dataDir}/demo-credentials.json):
${credentials.map((c) => `  ${c.user.padEnd(8)} ${(c.department ?? c.role).padEnd(10)} ${c.token}`).join('\n')}

Try:  curl -H "Authorization: Bearer ${credentials[0]!.token}" ${base}/api/processes
Stop with Ctrl-C; starting again resumes open cases.
`);
