// `npm run departments`: the department simulator on its own, for trying the engine's HTTP adapter by
// hand or from another process. Configuration comes from the environment only, so the same command
// works in a shell, in CI and in the bench:
//   SIMULATOR_PORT          default 4100 (0 = any free port)
//   SIMULATOR_HOST          default 127.0.0.1 (the control API has no authentication: keep it local)
//   SIMULATOR_DEPARTMENTS   JSON array of SimulatedDepartment; default TAX and BANK
//   SIMULATOR_SECRET_<CODE> a department's secret when the JSON gives none; default dev-secret-<code>
//   SIMULATOR_LOG_LEVEL     default warn (logs carry ids and statuses, never bodies)
//   SIMULATOR_CALLBACK_ATTEMPTS  tries per callback before giving up (default 8, about 12 s of backoff)
import type { SimulatedDepartment } from './control-types.ts';
import { startSimulator } from './server.ts';

function secretFor(code: string): string {
  return process.env[`SIMULATOR_SECRET_${code.toUpperCase()}`] ?? `dev-secret-${code.toLowerCase()}`;
}

function departmentsFromEnv(): SimulatedDepartment[] {
  const json = process.env.SIMULATOR_DEPARTMENTS;
  if (!json) return ['TAX', 'BANK'].map((code) => ({ code, secret: secretFor(code) }));
  const parsed = JSON.parse(json) as (Omit<SimulatedDepartment, 'secret'> & { secret?: string })[];
  if (!Array.isArray(parsed)) throw new Error('SIMULATOR_DEPARTMENTS must be a JSON array.');
  return parsed.map((d) => ({ ...d, secret: d.secret ?? secretFor(d.code) }));
}

const port = Number(process.env.SIMULATOR_PORT ?? 4100);
if (!Number.isInteger(port) || port < 0 || port > 65_535)
  throw new Error('SIMULATOR_PORT must be a port number.');

const attempts = process.env.SIMULATOR_CALLBACK_ATTEMPTS;
if (attempts !== undefined && !/^[1-9][0-9]{0,3}$/.test(attempts))
  throw new Error('SIMULATOR_CALLBACK_ATTEMPTS must be a whole number from 1 to 9999.');

const simulator = await startSimulator({
  ...(attempts ? { callbackRetry: { attempts: Number(attempts) } } : {}),
  port,
  host: process.env.SIMULATOR_HOST ?? '127.0.0.1',
  departments: departmentsFromEnv(),
  logger: { level: process.env.SIMULATOR_LOG_LEVEL ?? 'warn' },
});

const codes = simulator.departments().map((d) => d.code);
console.log(`Department simulator at ${simulator.url}
  departments  ${codes.join(', ')}
  dispatch     POST ${simulator.url}/departments/{CODE}/tasks
  withdraw     POST ${simulator.url}/departments/{CODE}/tasks/{taskId}/withdraw
  control      PUT  ${simulator.url}/_control/departments/{CODE}   {"delayMs":..,"approveRate":..,"errorRate":..}
               POST ${simulator.url}/_control/departments/{CODE}/outage   {"seconds":30}
               GET  ${simulator.url}/_control/ledger
Stop with Ctrl-C.`);

let stopping = false;
const onSignal = (signal: NodeJS.Signals) => {
  if (stopping) process.exit(130); // a second Ctrl-C means now
  stopping = true;
  console.log(`\n${signal}: stopping the department simulator…`);
  simulator.stop().then(
    () => process.exit(0),
    (error: unknown) => {
      console.error(error);
      process.exit(1);
    },
  );
};
process.on('SIGINT', onSignal);
process.on('SIGTERM', onSignal);
