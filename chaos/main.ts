// `npm run chaos -- --cases 60`: the distributed topology as separate processes, N cases driven through
// both APIs while faults are injected, then every case verified; prints the table and exits non-zero on
// any violation. Options: --cases N (default 60), --concurrency C (default 8), --seed S (the faults'
// instants), --keep (keep the run's folder with every process's log), --record-histories N (write up to N
// histories that show what faults did to test/histories/, for the replay test).
import { randomBytes } from 'node:crypto';
import { chmodSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { openDatabase } from '../db/client.ts';
import { ensureDemoUsers } from '../services/demo-users.ts';
import { connectTemporal } from '../services/temporal.ts';
import { TEST_PAYLOAD_KEYS } from '../test/payload-keys.ts';
import { ChaosClient } from './client.ts';
import { Driver } from './driver.ts';
import { saveEvidence } from './evidence.ts';
import { Faults, faultPlan } from './faults.ts';
import { recordHistories } from './histories.ts';
import { killAllNow, stopAll } from './processes.ts';
import { report } from './report.ts';
import { settledLedger } from './settled-ledger.ts';
import { startEngine, startServers, startTopology, type Topology } from './topology.ts';
import { verify } from './verify.ts';

const { values } = parseArgs({
  options: {
    cases: { type: 'string', default: '60' },
    concurrency: { type: 'string', default: '8' },
    seed: { type: 'string' },
    keep: { type: 'boolean', default: false },
    'record-histories': { type: 'string' },
  },
});
const cases = Number(values.cases);
const concurrency = Number(values.concurrency);
const recordCount = values['record-histories'] !== undefined ? Number(values['record-histories']) : 0;
const seed = values.seed !== undefined ? Number(values.seed) : randomBytes(4).readUInt32LE();
if (
  !Number.isInteger(cases) ||
  cases < 1 ||
  !Number.isInteger(concurrency) ||
  concurrency < 1 ||
  !Number.isFinite(seed) ||
  !Number.isInteger(recordCount) ||
  recordCount < 0
) {
  console.error(
    'usage: npm run chaos -- [--cases N] [--concurrency C] [--seed S] [--keep] [--record-histories N]',
  );
  process.exit(2);
}

const started = Date.now();
const dir = mkdtempSync(join(tmpdir(), 'yjs-chaos-'));
// Traversable, so the postgres user (when we are root) reaches its cluster folder inside.
chmodSync(dir, 0o711);
let topology: Topology | undefined;
let cleaned = false;
async function cleanup(): Promise<void> {
  if (cleaned) return;
  cleaned = true;
  await stopAll().catch(() => undefined);
  topology?.postgres.destroy();
  if (!values.keep) rmSync(dir, { recursive: true, force: true });
}
process.on('exit', () => {
  // A hard exit (an uncaught error): nothing this run started may outlive it.
  killAllNow();
  topology?.postgres.destroy();
});
for (const [signal, code] of [
  ['SIGINT', 130],
  ['SIGTERM', 143],
] as const)
  process.on(signal, () => {
    console.log(`\n${signal}: stopping every process of the run…`);
    cleanup().finally(() => process.exit(code));
  });

const log = (message: string) =>
  console.log(`[chaos +${((Date.now() - started) / 1000).toFixed(1)} s] ${message}`);

try {
  log(`run folder ${dir}; ${cases} cases, ${concurrency} at a time, fault seed ${seed}`);
  // Recorded histories must replay with the key the replay test decodes with.
  topology = await startTopology(
    dir,
    recordCount > 0
      ? TEST_PAYLOAD_KEYS.map((k) => `${k.id}:${k.key.toString('base64')}`).join(',')
      : undefined,
  );
  log(`PostgreSQL on port ${topology.postgres.port}`);
  const database = await openDatabase({ url: topology.postgres.url, poolSize: 4 });
  mkdirSync(join(dir, 'data'));
  const tokens = Object.fromEntries(
    (await ensureDemoUsers(database.db, join(dir, 'data'))).map((c) => [c.user, c.token]),
  );
  await startServers(topology);
  log(
    `Temporal at ${topology.temporalAddress} (pid ${topology.temporal.pid}), simulator at ${topology.simulatorUrl}`,
  );
  await startEngine(topology);
  log(
    `APIs ${topology.apis.map((a, i) => `${topology!.apiUrls[i]} (pid ${a.pid})`).join(', ')}; workers pids ${topology.workers.map((w) => w.pid).join(', ')}`,
  );
  const keys = topology.payloadKeys.split(',').map((entry) => {
    const [id, key] = entry.split(':') as [string, string];
    return { id, key: Buffer.from(key, 'base64') };
  });
  const temporal = await connectTemporal(topology.temporalAddress, keys);
  const client = new ChaosClient(topology.apiUrls);
  const faults = new Faults(topology, seed);
  const driver = new Driver(client, tokens, randomBytes(4).toString('hex'), faults.systemDown);
  await driver.uploadMaterials();

  const plan = faultPlan(cases);
  log(`driving; faults: ${plan.map((t) => t.join(', ')).join(' | ')}`);
  const drivingFrom = Date.now();
  const progress = setInterval(() => {
    const closed = driver.records.filter((r) => r.status && r.status !== 'running').length;
    log(`${driver.records.length} cases started, ${closed} closed, ${driver.decisionTimes.length} decisions`);
  }, 10_000);
  await Promise.all([driver.run(cases, concurrency), faults.run(plan, driver, [2000, 6000])]);
  clearInterval(progress);
  const drivingMs = Date.now() - drivingFrom;
  const settled = await settledLedger(topology.simulatorUrl);
  if (settled.waitedMs > 0)
    log(
      `callbacks settled after ${(settled.waitedMs / 1000).toFixed(1)} s` +
        (settled.pending ? ` (${settled.pending} still pending)` : ''),
    );
  log('verifying');
  const { ledger } = settled;
  const verdict = await verify(database.db, temporal.client, ledger, driver.records, client.stats);
  console.log(report(verdict, faults.records, driver.decisionTimes, client.stats, drivingFrom, drivingMs));
  const concerned = [...new Set(verdict.violations.flatMap((v) => (v.caseId ? [v.caseId] : [])))];
  if (concerned.length) {
    await saveEvidence(database.db, temporal.client, concerned.slice(0, 50), join(dir, 'evidence'));
    values.keep = true;
    console.log(
      `Evidence (trails and workflow histories of the cases concerned) and every process's log: ${dir}`,
    );
  }
  if (recordCount > 0) {
    const written = await recordHistories(temporal.client, driver.records, recordCount);
    log(`histories written to test/histories/: ${written.join('; ') || 'none (no fault left a mark)'}`);
  }
  await temporal.stop();
  await database.close();
  await cleanup();
  log(verdict.violations.length ? `${verdict.violations.length} violations` : 'no violation');
  process.exit(verdict.violations.length ? 1 : 0);
} catch (error) {
  console.error(error);
  if (values.keep || process.env.CI) console.error(`logs in ${dir}/logs`);
  await cleanup();
  process.exit(1);
}
