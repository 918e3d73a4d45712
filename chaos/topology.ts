// The distributed topology as separate OS processes: a PostgreSQL server, a Temporal dev server, the
// department simulator (Tax and the bank as departments' own systems), two API processes and two case
// workers, each with the environment config.ts asks of the distributed mode (DATABASE_URL,
// TEMPORAL_ADDRESS, the same PAYLOAD_KEYS and DEPARTMENTS_CONFIG everywhere).
import { randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Connection } from '@temporalio/client';
import type { Integrations } from '../departments/integrations.ts';
import { availablePort } from '../services/ports.ts';
import { resolveTemporalExecutable } from '../services/temporal-cli.ts';
import { type PostgresServer, startPostgres } from './postgres.ts';
import { Managed } from './processes.ts';

const root = fileURLToPath(new URL('..', import.meta.url));

/** Departments whose steps go to their own systems (the simulator) in this run. */
export const SYSTEM_DEPARTMENTS = ['TAX', 'BANK'];
/** Dispatch attempts before an incident needs a person: small, so an outage can outlast it. */
export const SYSTEM_ATTEMPTS = 3;

export interface Topology {
  dir: string;
  postgres: PostgresServer;
  temporal: Managed;
  temporalAddress: string;
  simulator: Managed;
  simulatorUrl: string;
  apis: Managed[];
  apiUrls: string[];
  workers: Managed[];
  payloadKeys: string;
}

const port = () => availablePort(0);

async function httpOk(url: string): Promise<boolean> {
  const response = await fetch(url, { signal: AbortSignal.timeout(2000) });
  return response.ok;
}

async function temporalAnswers(address: string): Promise<boolean> {
  const connection = await Connection.connect({ address, connectTimeout: 1000 });
  try {
    await connection.workflowService.getSystemInfo({});
    return true;
  } finally {
    await connection.close();
  }
}

/** `payloadKeys`: the codec's keys as PAYLOAD_KEYS spells them (default: a fresh key for the run). */
export async function startTopology(dir: string, payloadKeys?: string): Promise<Topology> {
  const logDir = join(dir, 'logs');
  mkdirSync(logDir, { recursive: true });
  const pgDir = join(dir, 'pg');
  mkdirSync(pgDir);
  const postgres = startPostgres(pgDir, await port());

  const temporalPort = await port();
  const temporalAddress = `127.0.0.1:${temporalPort}`;
  const executable = resolveTemporalExecutable('dev-server');
  if (executable.type !== 'existing-path')
    throw new Error('the Temporal CLI could not be found or installed');
  const temporal = new Managed({
    name: 'temporal',
    command: executable.path,
    args: [
      'server',
      'start-dev',
      '--headless',
      '--ip',
      '127.0.0.1',
      '--port',
      String(temporalPort),
      '--http-port',
      String(await port()),
      '--metrics-port',
      String(await port()),
      '--db-filename',
      join(dir, 'temporal.sqlite'),
    ],
    env: process.env,
    cwd: dir,
    logDir,
    probe: () => temporalAnswers(temporalAddress),
  });

  const simulatorPort = await port();
  const simulatorUrl = `http://127.0.0.1:${simulatorPort}`;
  const secrets = Object.fromEntries(
    SYSTEM_DEPARTMENTS.map((c) => [c, randomBytes(24).toString('base64url')]),
  );
  const simulator = new Managed({
    name: 'simulator',
    command: process.execPath,
    args: ['--import', 'tsx', 'simulator/main.ts'],
    env: {
      ...process.env,
      SIMULATOR_PORT: String(simulatorPort),
      // Tax approves most and denies some; the bank approves all. A little latency, decided within a second.
      SIMULATOR_DEPARTMENTS: JSON.stringify([
        { code: 'TAX', secret: secrets.TAX, delayMs: 300, approveRate: 0.85 },
        { code: 'BANK', secret: secrets.BANK, delayMs: 200, approveRate: 1 },
      ]),
      // A department's system keeps calling back for minutes, as real ones do while an API restarts.
      SIMULATOR_CALLBACK_ATTEMPTS: '40',
    },
    cwd: root,
    logDir,
    probe: () => httpOk(`${simulatorUrl}/_control/departments`),
  });

  const integrations: Integrations = Object.fromEntries(
    SYSTEM_DEPARTMENTS.map((code) => [
      code,
      { baseUrl: simulatorUrl, secret: secrets[code]!, timeoutMs: 3000, maximumAttempts: SYSTEM_ATTEMPTS },
    ]),
  );
  payloadKeys ??= `chaos1:${randomBytes(32).toString('base64')}`;
  const common: NodeJS.ProcessEnv = {
    ...process.env,
    DATABASE_URL: postgres.url,
    TEMPORAL_ADDRESS: temporalAddress,
    PAYLOAD_KEYS: payloadKeys,
    DEPARTMENTS_CONFIG: JSON.stringify(integrations),
    APPLICANT_HASH_KEY: randomBytes(32).toString('hex'),
    DATA_DIR: join(dir, 'data'),
    MATERIALS_DIR: join(dir, 'materials'),
    LOG_LEVEL: 'warn',
    // Bounded waits, so an outage answers 503 well before a client's own timeout.
    UPDATE_WAIT_MS: '10000',
  };
  const apiPorts = [await port(), await port()];
  const apiUrls = apiPorts.map((p) => `http://127.0.0.1:${p}`);
  const apis = apiPorts.map(
    (p, i) =>
      new Managed({
        name: `api${i + 1}`,
        command: process.execPath,
        args: ['--import', 'tsx', 'api.ts'],
        env: { ...common, PORT: String(p) },
        cwd: root,
        logDir,
        probe: () => httpOk(`${apiUrls[i]}/readyz`),
      }),
  );
  // Each worker's dispatches name one API as the callback address (as two sites behind their own balancer
  // would), so killing an API leaves callbacks to it retried by the department's system until it is back.
  const workers = [0, 1].map(
    (i) =>
      new Managed({
        name: `worker${i + 1}`,
        command: process.execPath,
        args: ['--import', 'tsx', 'worker.ts'],
        env: { ...common, PUBLIC_URL: apiUrls[i] },
        cwd: root,
        logDir,
        readyLine: /Case worker on task queue/,
      }),
  );
  return {
    dir,
    postgres,
    temporal,
    temporalAddress,
    simulator,
    simulatorUrl,
    apis,
    apiUrls,
    workers,
    payloadKeys,
  };
}

/** Starts the processes: the servers first, then the APIs and workers (after the caller migrated the database). */
export async function startServers(t: Topology): Promise<void> {
  await Promise.all([t.temporal.start(), t.simulator.start()]);
}

export async function startEngine(t: Topology): Promise<void> {
  await t.apis[0]!.start();
  await Promise.all([t.apis[1]!.start(), ...t.workers.map((w) => w.start())]);
}
