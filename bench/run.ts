// `npm run bench`: cases through the real engine (HTTP API, auth, PGlite or DATABASE_URL, the case worker)
// next to a bare-Temporal baseline of the same shape, measured in the same run on the same Temporal dev
// server. The load comes from a separate driver process for every scenario. Prints the machine, then one
// table; `--json FILE` writes the rows as JSON too.
//
//   BENCH_CASES (default 150)        cases per throughput scenario
//   BENCH_CONCURRENCY (default 10)   cases in flight at once
//   BENCH_SERIAL_CASES (default 30)  cases for the one-case-at-a-time latency scenarios (0: none)
//   BENCH_SCENARIOS (default bare,barehttp,api,bareown,http,mix,open): 'http' = Tax and the bank on the
//                                    department simulator; 'mix' = the realistic mix (bench/mix.ts); 'open' =
//                                    the api scenario again with BENCH_OPEN cases open and waiting on people;
//                                    'barehttp' and 'bareown' = the bare workflow behind plain HTTP
//                                    (bench/bare-http.ts) and with Tax and the bank delivered by an ordinary
//                                    activity: the floors of 'api' and 'http' that Temporal and HTTP set
//   BENCH_OPEN (default 2000)        cases opened for 'open' (the figure is 50000)
//   BENCH_OPEN_CONCURRENCY (default 32)  intakes in flight while opening them
//   BENCH_CACHED_WORKFLOWS           the in-process case workers' workflow cache (default: the engine's)
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { Worker } from '@temporalio/worker';
import { SingleBar } from 'cli-progress';
import { sql } from 'drizzle-orm';
import { buildApp } from '../api/app.ts';
import { loadConfig } from '../config.ts';
import { rowsOf } from '../db/client.ts';
import { DefinitionStore } from '../db/definitions.ts';
import type { Integrations } from '../departments/integrations.ts';
import { loadCatalog } from '../processes/index.ts';
import {
  CASE_WORKER_DEFAULTS,
  createCaseWorker,
  WORKER_PROCESS_ENV,
  WORKER_PROCESS_HEAP_FLAGS,
} from '../services/case-worker.ts';
import { ensureDemoUsers } from '../services/demo-users.ts';
import { dataConverterFor } from '../services/payload-codec.ts';
import { formatPayloadKey, newPayloadKey } from '../services/payload-keys.ts';
import { openConfiguredDatabase, publishCatalog, stopOnSignals } from '../services/system.ts';
import { startEmbeddedTemporal } from '../services/temporal.ts';
import { FsMaterialStore } from '../storage/material-store.ts';
import { bareActivities } from './bare-activities.ts';
import { bareHttpServer } from './bare-http.ts';
import type { DriverTask, Scenario } from './driver.ts';
import { childrenOf, cpuSecondsOf, describeMachine, parentOf, rssOf, treeCpuSeconds } from './machine.ts';
import { MIX, mixDefinition } from './mix.ts';
import { type Costs, type Measured, printTable, type ResultRow, resultRow, tableCells } from './stats.ts';

const { values: args } = parseArgs({ options: { json: { type: 'string' } } });
const env = (name: string, fallback: number) => Number(process.env[name] ?? fallback);
const CASES = env('BENCH_CASES', 150);
const CONCURRENCY = env('BENCH_CONCURRENCY', 10);
const SERIAL_CASES = env('BENCH_SERIAL_CASES', 30);
const OPEN = env('BENCH_OPEN', 2000);
const OPEN_CONCURRENCY = env('BENCH_OPEN_CONCURRENCY', 32);
// A signal stops the run and whatever it started (the SDK's own handler would only drain the workers, and
// the bench would wait for its driver). One that arrives while the bench is starting up takes effect once
// everything to stop exists.
let interrupted = false;
let stopsReady: (stopAll: () => Promise<void>) => void;
const stops = new Promise<() => Promise<void>>((resolve) => (stopsReady = resolve));
stopOnSignals(async () => {
  interrupted = true;
  const stopAll = await stops;
  if (driverPid !== undefined) process.kill(driverPid, 'SIGTERM');
  await stopAll();
});

const SCENARIOS = (process.env.BENCH_SCENARIOS ?? 'bare,barehttp,api,bareown,http,mix,open').split(
  ',',
) as Scenario[];
const LABELS: Record<Scenario, string> = {
  bare: 'bare Temporal (baseline)',
  bareown: 'bare Temporal, Tax+bank by activity',
  barehttp: 'bare Temporal behind HTTP',
  api: 'engine via API',
  http: 'engine, Tax+bank over HTTP',
  mix: 'realistic mix via API',
  open: `engine via API, ${OPEN} cases open`,
};

const dataDir = mkdtempSync(join(tmpdir(), 'yjs-bench-'));
const config = { ...loadConfig(), dataDir };
console.log(`Starting Temporal dev server, ${config.databaseUrl ? 'Postgres' : 'PGlite'}, worker and API…`);
// Every payload encrypted, as in production; the baseline too, so both pay the codec's cost.
const payloadKeys = [newPayloadKey('bench')];
const temporal = await startEmbeddedTemporal({ payloadKeys });
const database = await openConfiguredDatabase(config);
const definitions = new DefinitionStore(database.db);
await publishCatalog(definitions);
for (const definition of loadCatalog(MIX.map(mixDefinition))) await definitions.publish(definition);
const tokens = Object.fromEntries(
  (await ensureDemoUsers(database.db, dataDir)).map((c) => [c.user, c.token]),
);

// Whose CPU is whose: this process runs the engine (API, worker, PGlite) and the bare worker; the Temporal
// dev server is a child process; a Postgres server is the parent of our connection's backend.
const serverPids = () =>
  childrenOf(process.pid).filter(
    (pid) => pid !== driverPid && pid !== openWorker?.pid && pid !== simulator.pid,
  );
/** The engine: this process, and the separate worker process of the 'open' scenario when there is one. */
const engineCpu = () => cpuSecondsOf(process.pid) + (openWorker?.pid ? treeCpuSeconds(openWorker.pid) : 0);
let driverPid: number | undefined;
const postgresPid =
  database.kind === 'postgres'
    ? parentOf(
        rowsOf<{ pid: number }>(await database.db.execute(sql`select pg_backend_pid() as pid`))[0]!.pid,
      )
    : undefined;
const databaseVersion = rowsOf<{ v: string }>(
  await database.db.execute(sql`select current_setting('server_version') as v`),
)[0]!.v;
const databaseName = `${database.kind === 'postgres' ? 'PostgreSQL server' : 'PGlite'} ${databaseVersion}`;

const cachedWorkflows = process.env.BENCH_CACHED_WORKFLOWS
  ? Number(process.env.BENCH_CACHED_WORKFLOWS)
  : undefined;
const caseWorker = await createCaseWorker({
  connection: temporal.nativeConnection,
  namespace: temporal.namespace,
  taskQueue: 'bench-cases',
  db: database.db,
  payloadKeys,
  ...(cachedWorkflows !== undefined ? { maxCachedWorkflows: cachedWorkflows } : {}),
});
const bareWorker = await Worker.create({
  connection: temporal.nativeConnection,
  namespace: temporal.namespace,
  taskQueue: 'bench-bare',
  workflowsPath: fileURLToPath(new URL('./bare-workflow.ts', import.meta.url)),
  activities: bareActivities,
  dataConverter: dataConverterFor(payloadKeys),
});
const app = await buildApp({
  db: database.db,
  definitions,
  client: temporal.client,
  taskQueue: 'bench-cases',
  materials: new FsMaterialStore(join(dataDir, 'materials')),
});
const url = await app.listen({ port: 0, host: '127.0.0.1' });
const bareHttp = bareHttpServer(temporal.client, 'bench-bare');
const bareHttpUrl = await bareHttp.listen({ port: 0, host: '127.0.0.1' });

// The 'http' scenario: Tax and the bank are departments' own systems (the simulator, deciding at once),
// reached over signed HTTP by their own API and worker on another task queue. The simulator runs as a
// process of its own (simulator/main.ts), as another organisation's server would: its CPU is not the
// engine's, and it is reported in a column of its own.
const SIMULATED = ['TAX', 'BANK'].map((code) => ({
  code,
  secret: `bench-secret-${code}-0123456789`,
  delayMs: 0,
}));
const simulator = spawn(
  process.execPath,
  ['--import', 'tsx', fileURLToPath(new URL('../simulator/main.ts', import.meta.url))],
  {
    env: { ...process.env, SIMULATOR_PORT: '0', SIMULATOR_DEPARTMENTS: JSON.stringify(SIMULATED) },
    stdio: ['ignore', 'pipe', 'inherit'],
  },
);
const simulatorUrl = await new Promise<string>((resolve, reject) => {
  let out = '';
  simulator.stdout!.on('data', (chunk: Buffer) => {
    out += chunk;
    const match = /Department simulator at (\S+)/.exec(out);
    if (match) resolve(match[1]!);
  });
  simulator.on('exit', (code) => reject(new Error(`the department simulator exited (${code})`)));
});
const integrations: Integrations = Object.fromEntries(
  ['TAX', 'BANK'].map((code) => [code, { baseUrl: simulatorUrl, secret: `bench-secret-${code}-0123456789` }]),
);
const httpApp = await buildApp({
  db: database.db,
  definitions,
  client: temporal.client,
  taskQueue: 'bench-http',
  materials: new FsMaterialStore(join(dataDir, 'materials')),
  integrations,
  ...(process.env.BENCH_LOG ? { logger: { level: 'error' } } : {}),
});
const httpUrl = await httpApp.listen({ port: 0, host: '127.0.0.1' });
const httpWorker = await createCaseWorker({
  connection: temporal.nativeConnection,
  namespace: temporal.namespace,
  taskQueue: 'bench-http',
  db: database.db,
  payloadKeys,
  integrations,
  publicUrl: httpUrl,
});
const workersDone = Promise.all([caseWorker.run(), bareWorker.run(), httpWorker.run()]);

// The 'open' scenario on a Postgres server runs the case worker as production does, in a process of its
// own (worker.ts with the command line and environment of package.json's `worker` script), so its
// resident set is the worker's alone; on PGlite the worker must share the database's process, and the
// figure is that process's.
const openWorker =
  SCENARIOS.includes('open') && database.kind === 'postgres'
    ? spawn(
        process.execPath,
        [
          ...WORKER_PROCESS_HEAP_FLAGS,
          '--import',
          'tsx',
          fileURLToPath(new URL('../worker.ts', import.meta.url)),
        ],
        {
          env: {
            ...process.env,
            ...WORKER_PROCESS_ENV,
            TEMPORAL_ADDRESS: temporal.address,
            TEMPORAL_NAMESPACE: temporal.namespace,
            TASK_QUEUE: 'bench-open',
            PAYLOAD_KEYS: payloadKeys.map(formatPayloadKey).join(','),
            DATA_DIR: dataDir,
          },
          stdio: ['ignore', 'pipe', 'inherit'],
        },
      )
    : undefined;
if (openWorker)
  await new Promise<void>((resolve, reject) => {
    openWorker.stdout!.on('data', (chunk: Buffer) => {
      if (String(chunk).includes('Case worker on task queue')) resolve();
    });
    openWorker.on('exit', (code) => reject(new Error(`worker.ts exited (${code})`)));
  });
const openApp = openWorker
  ? await buildApp({
      db: database.db,
      definitions,
      client: temporal.client,
      taskQueue: 'bench-open',
      materials: new FsMaterialStore(join(dataDir, 'materials')),
    })
  : undefined;
const openUrl = openApp ? await openApp.listen({ port: 0, host: '127.0.0.1' }) : url;
/** Resident set of the process that runs the case worker of the 'open' scenario. */
const workerRss = () => (openWorker?.pid ? rssOf(openWorker.pid) : process.memoryUsage.rss());

const mb = (bytes: number) => Math.round(bytes / 2 ** 20);

/** Runs one scenario in a driver process, with a progress line, measuring what the processes used. */
async function drive(
  scenario: Scenario,
  cases: number,
  concurrency: number,
  onOpenSetup = false,
): Promise<{ measured: Measured; costs: Costs }> {
  const task: DriverTask = {
    scenario,
    label: LABELS[scenario],
    cases,
    concurrency,
    url: scenario === 'http' ? httpUrl : scenario === 'barehttp' ? bareHttpUrl : onOpenSetup ? openUrl : url,
    tokens,
    temporalAddress: temporal.address,
    bareTaskQueue: 'bench-bare',
    payloadKeys: payloadKeys.map(formatPayloadKey),
  };
  const label = scenario === 'open' ? `opening ${cases} cases` : `${task.label}, ${concurrency} at a time`;
  const bar = new SingleBar({
    format: `${label.padEnd(48)} {bar} {value}/{total} cases | {rate} steps/s`,
    hideCursor: true,
    noTTYOutput: true,
    notTTYSchedule: 10_000,
  });
  const mark0 = process.hrtime.bigint() / 1000n;
  const engine0 = engineCpu();
  const server0 = serverPids().reduce((s, pid) => s + treeCpuSeconds(pid), 0);
  const database0 = postgresPid ? treeCpuSeconds(postgresPid) : undefined;
  const departments0 = treeCpuSeconds(simulator.pid!);
  const rss = onOpenSetup ? workerRss : () => process.memoryUsage.rss();
  let peak = rss();
  if (interrupted) throw new Error('interrupted');
  const sampler = setInterval(() => {
    peak = Math.max(peak, rss());
  }, 200);
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', fileURLToPath(new URL('./driver.ts', import.meta.url))],
    { env: { ...process.env, BENCH_DRIVER: JSON.stringify(task) }, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  driverPid = child.pid;
  let stdout = '';
  let stderr = '';
  let started: number | undefined;
  child.stdout.on('data', (chunk: Buffer) => {
    stdout += chunk;
  });
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk;
    const lines = stderr.split('\n');
    stderr = lines.pop()!;
    for (const line of lines) {
      const match = /^progress (\d+) (\d+)$/.exec(line);
      if (!match) {
        process.stderr.write(`${line}\n`);
        continue;
      }
      started ??= performance.now();
      const elapsed = (performance.now() - started) / 1000;
      bar.update(Number(match[1]), { rate: elapsed > 0 ? (Number(match[2]) / elapsed).toFixed(1) : '-' });
    }
  });
  bar.start(cases, 0, { rate: '-' });
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  clearInterval(sampler);
  bar.stop();
  driverPid = undefined;
  // For --cpu-prof runs: the scenario's window on the profiles' clock (microseconds, CLOCK_MONOTONIC).
  if (process.env.BENCH_MARKS) console.log(`mark ${scenario} ${mark0} ${process.hrtime.bigint() / 1000n}`);
  if (code !== 0) throw new Error(`The ${scenario} driver failed (exit ${code}): ${stderr}`);
  const costs: Costs = {
    engineCpuSeconds: engineCpu() - engine0,
    serverCpuSeconds: serverPids().reduce((s, pid) => s + treeCpuSeconds(pid), 0) - server0,
    ...(postgresPid ? { databaseCpuSeconds: treeCpuSeconds(postgresPid) - database0! } : {}),
    ...(scenario === 'http'
      ? { departmentSystemsCpuSeconds: treeCpuSeconds(simulator.pid!) - departments0 }
      : {}),
    rssMb: mb(rss()),
    peakRssMb: mb(Math.max(peak, rss())),
  };
  return { measured: JSON.parse(stdout) as Measured, costs };
}

/** Stops what the bench started, once: at its end, or on SIGINT/SIGTERM mid-run. */
let stopping: Promise<void> | undefined;
const stopAll = () =>
  (stopping ??= (async () => {
    await openApp?.close();
    if (openWorker && openWorker.exitCode === null) {
      openWorker.removeAllListeners('exit');
      const exited = new Promise((resolve) => openWorker.on('exit', resolve));
      openWorker.kill('SIGTERM');
      await exited;
    }
    await app.close();
    await httpApp.close();
    await bareHttp.close();
    // The SDK's own signal handler may have begun draining them already.
    for (const worker of [caseWorker, bareWorker, httpWorker])
      if (worker.getState() === 'RUNNING') worker.shutdown();
    await workersDone;
    if (simulator.exitCode === null) {
      simulator.removeAllListeners('exit');
      const exited = new Promise((resolve) => simulator.on('exit', resolve));
      simulator.kill('SIGTERM');
      await exited;
    }
    await temporal.stop();
    await database.close();
    rmSync(dataDir, { recursive: true, force: true });
  })());
stopsReady!(stopAll);

try {
  console.log(`\n${describeMachine(databaseName)}`);
  console.log(
    `Workflow cache: ${cachedWorkflows ?? CASE_WORKER_DEFAULTS.maxCachedWorkflows ?? 'SDK default'}; ` +
      `scenarios ${SCENARIOS.join(', ')}\n`,
  );
  const results: ResultRow[] = [];
  const run = async (
    scenario: Scenario,
    cases: number,
    concurrency: number,
    baseline?: number,
    onOpenSetup = false,
  ) => {
    const { measured, costs } = await drive(scenario, cases, concurrency, onOpenSetup);
    const r = resultRow(measured, costs, databaseName, baseline);
    results.push(r);
    return r;
  };
  const throughput = SCENARIOS.filter((s) => s !== 'open');
  let baseline: number | undefined;
  let apiRate: number | undefined;
  for (const scenario of throughput) {
    const r = await run(scenario, CASES, CONCURRENCY, baseline);
    if (scenario === 'bare') {
      baseline = r.stepsPerSecond;
      r.ratio = 1;
    }
    if (scenario === 'api') apiRate = r.stepsPerSecond;
  }
  let serialBaseline: number | undefined;
  // BENCH_SERIAL_CASES=0 skips the one-at-a-time scenarios (a throughput comparison needs none).
  // One at a time: the baseline, the HTTP floor and the engine's scenarios (not the mix, whose cases differ,
  // nor the delivery floor, which only adds background work).
  for (const scenario of SERIAL_CASES > 0 ? throughput.filter((s) => s !== 'mix' && s !== 'bareown') : []) {
    const r = await run(scenario, SERIAL_CASES, 1, serialBaseline);
    if (scenario === 'bare') {
      serialBaseline = r.stepsPerSecond;
      r.ratio = 1;
    }
  }
  if (SCENARIOS.includes('open')) {
    // Throughput with none open, on the same worker (the separate one on Postgres), then with OPEN open.
    let noneOpen = apiRate;
    if (openWorker || noneOpen === undefined) {
      const r = await run('api', CASES, CONCURRENCY, baseline, true);
      r.scenario = `${LABELS.api}, none open${openWorker ? ' (worker.ts process)' : ''}`;
      r.openCases = 0;
      noneOpen = r.stepsPerSecond;
    }
    const opened = await run('open', OPEN, OPEN_CONCURRENCY, undefined, true);
    opened.scenario = `opening ${OPEN} cases (intakes)`;
    opened.openCases = OPEN;
    const r = await run('api', CASES, CONCURRENCY, baseline, true);
    r.scenario = `${LABELS.open}${openWorker ? ' (worker.ts process)' : ''}`;
    r.openCases = OPEN;
    r.vsNoneOpen = Number((r.stepsPerSecond / noneOpen).toFixed(2));
  }
  console.log(`\n${describeMachine(databaseName)}\n`);
  printTable(results.map(tableCells));
  const open = results.find((r) => r.vsNoneOpen !== undefined);
  if (open)
    console.log(
      `\nWith ${OPEN} cases open: ${openWorker ? "the worker process's" : 'the engine process (worker, API, PGlite)'} ` +
        `RSS ${open.rssMb} MB (peak ${open.peakRssMb} MB), ${CONCURRENCY}-at-a-time throughput ` +
        `${open.vsNoneOpen}x the run with none open.`,
    );
  console.log(
    '\nCPU ms/step: CPU-seconds per department step of the engine process (API, worker, workflow thread,' +
      ' PGlite; for the baseline, the bare worker in the same process) / the Temporal dev server' +
      (postgresPid ? ' / the Postgres server' : '') +
      ' / the load-generating driver (and, for the HTTP row, / the department simulator: Tax and the' +
      " bank's own systems, a process of their own).",
  );
  if (args.json) {
    writeFileSync(args.json, `${JSON.stringify(results, null, 2)}\n`);
    console.log(`Wrote ${args.json}`);
  }
} finally {
  await stopAll();
}
