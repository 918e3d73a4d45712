// `npm run fuzz`: schemathesis against the OpenAPI spec the engine serves, once per role (a clerk, a
// department's staff, a manager, an admin), on the embedded engine started here as `npm start` runs it (a
// child process, a temporary DATA_DIR, free ports). Fails on any 5xx, any response that the spec does not
// declare (status, content type, headers, body schema), and any answer slower than --max-response-time.
//   npm run fuzz [-- --requests 5000] [--max-examples 10] [--max-response-time 5] [--seed N] [--workers 2]
// Rounds of runs (a new seed each) go on until --requests requests were sent in total. Everything started
// here (the engine, schemathesis) is stopped by its PID on exit, SIGINT and SIGTERM.
import { randomInt } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { type EngineProcess, startEngine } from '../services/engine-process.ts';
import { readReport, statusLine } from './fuzz/report.ts';
import { ensureSchemathesis, type RunningSchemathesis, runSchemathesis } from './fuzz/schemathesis.ts';
import { seed as seedData, writeConfig } from './fuzz/seed.ts';

const env = process.env;
const { values } = parseArgs({
  options: {
    requests: { type: 'string', default: env.FUZZ_REQUESTS ?? '5000' },
    'max-examples': { type: 'string', default: env.FUZZ_MAX_EXAMPLES ?? '10' },
    'max-response-time': { type: 'string', default: env.FUZZ_MAX_RESPONSE_TIME ?? '5' },
    seed: { type: 'string', default: env.FUZZ_SEED ?? String(randomInt(2 ** 47)) },
    workers: { type: 'string', default: env.FUZZ_WORKERS ?? '2' },
  },
});
const positive = (name: keyof typeof values) => {
  const n = Number(values[name]);
  if (!(n > 0)) throw new Error(`--${name} must be a positive number, got ${values[name]}`);
  return n;
};
const targetRequests = positive('requests');
const maxExamples = positive('max-examples');
const maxResponseTime = positive('max-response-time');
const workers = positive('workers');
const seed = BigInt(values.seed!);

/**
 * One run per role. Revoking tokens is fuzzed apart, with nothing that lists real token ids: the admin's
 * run would otherwise find its own token through GET /api/users/{id}/tokens and revoke it, and every
 * later request would answer 401.
 */
const RUNS = [
  { name: 'clerk', user: 'clerk', selection: ['--exclude-path', '/api/tokens/{id}'] },
  { name: 'department', user: 'samr', selection: ['--exclude-path', '/api/tokens/{id}'] },
  { name: 'manager', user: 'manager', selection: ['--exclude-path', '/api/tokens/{id}'] },
  { name: 'admin', user: 'admin', selection: ['--exclude-path', '/api/tokens/{id}'] },
  { name: 'admin, revocation', user: 'admin', selection: ['--include-path', '/api/tokens/{id}'] },
];

const REPORTS = join(fileURLToPath(new URL('..', import.meta.url)), '.fuzz');

let engine: EngineProcess | undefined;
let current: RunningSchemathesis | undefined;
let stopping = false;

async function stopAll(): Promise<void> {
  const st = current?.child;
  if (st?.pid !== undefined && st.exitCode === null && st.signalCode === null) {
    st.kill('SIGTERM');
    await current!.exited;
  }
  await engine?.stop();
}

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    if (stopping) process.exit(130);
    stopping = true;
    console.log(`\n${signal}: stopping schemathesis and the engine…`);
    void stopAll().finally(() => process.exit(130));
  });
}
// Whatever way this process ends, nothing it started outlives it.
process.on('exit', () => {
  const st = current?.child;
  if (st?.pid !== undefined && st.exitCode === null) st.kill('SIGKILL');
  engine?.killNow();
});

/** The admin run may disable the other demo users: each run starts with its user enabled again. */
async function enable(baseUrl: string, adminToken: string, username: string): Promise<void> {
  const headers = { authorization: `Bearer ${adminToken}` };
  const users = (await (await fetch(`${baseUrl}/api/users`, { headers })).json()) as {
    id: string;
    username: string;
    disabled?: boolean;
  }[];
  const user = users.find((u) => u.username === username);
  if (!user) throw new Error(`no demo user ${username}`);
  if (user.disabled) await fetch(`${baseUrl}/api/users/${user.id}/enable`, { method: 'POST', headers });
}

async function main(): Promise<number> {
  const st = ensureSchemathesis();
  console.log('Starting the engine (embedded, temporary data folder)…');
  engine = await startEngine({ dataDirPrefix: 'yjs-fuzz-' });
  const token = (user: string) => {
    const found = engine!.credentials.find((c) => c.user === user);
    if (!found) throw new Error(`no demo credentials for ${user}`);
    return found.token;
  };
  const specUrl = `${engine.baseUrl}/docs/json`;
  mkdirSync(REPORTS, { recursive: true });
  const configFile = join(REPORTS, 'schemathesis.toml');
  const seeded = await seedData(engine.baseUrl, {
    clerk: token('clerk'),
    samr: token('samr'),
    admin: token('admin'),
  });
  writeConfig(configFile, seeded);
  console.log(`Seeded ${seeded.cases.length} cases; their ids are half of the generated ones.`);
  const started = Date.now();
  const rows: string[] = [];
  let total = 0;
  let failed = 0;
  let round = 0;
  while (total < targetRequests && !stopping) {
    for (const [index, run] of RUNS.entries()) {
      if (stopping) break;
      await enable(engine.baseUrl, token('admin'), run.user);
      const runSeed = String(seed + BigInt(round * RUNS.length + index));
      const ndjsonPath = join(REPORTS, `${round}-${run.name.replace(/\W+/g, '-')}.ndjson`);
      console.log(`\n=== round ${round + 1}, ${run.name} (${run.user}), seed ${runSeed}`);
      const runStarted = Date.now();
      current = runSchemathesis({
        st,
        configFile,
        specUrl,
        token: token(run.user),
        maxExamples,
        maxResponseTimeSeconds: maxResponseTime,
        seed: runSeed,
        workers,
        ndjsonPath,
        selection: run.selection,
      });
      const code = await current.exited;
      const report = readReport(ndjsonPath);
      total += report.requests;
      const failures = [...report.failures.values()].reduce((a, b) => a + b, 0);
      // A run that exited non-zero only for schemathesis's own generator errors (fuzz/report.ts) is no
      // failure of the API: every check passed, no 5xx; the errors are listed below the run.
      const generatorOnly =
        failures === 0 &&
        report.serverErrors === 0 &&
        report.otherErrors.length === 0 &&
        report.toolErrors.length > 0;
      if (code !== 0 && !stopping && !generatorOnly) failed += Math.max(failures, 1);
      rows.push(
        `  ${`${round + 1} ${run.name}`.padEnd(22)} ${String(report.requests).padStart(6)} requests ` +
          `${((Date.now() - runStarted) / 1000).toFixed(0).padStart(4)} s  slowest ${report.slowestSeconds.toFixed(2)} s  ` +
          `5xx ${report.serverErrors}  failed checks ${failures}${code !== 0 ? ` (exit ${code})` : ''}\n` +
          `  ${''.padEnd(22)} ${statusLine(report.statuses)}` +
          [...report.failures].map(([what, n]) => `\n  ${''.padEnd(22)} FAILED ${what} (${n})`).join('') +
          report.otherErrors.map((e) => `\n  ${''.padEnd(22)} ERROR ${e}`).join('') +
          report.toolErrors
            .map((e) => `\n  ${''.padEnd(22)} schemathesis's own error, not the API's: ${e}`)
            .join(''),
      );
    }
    round += 1;
  }
  const seconds = ((Date.now() - started) / 1000).toFixed(0);
  console.log(`\nFuzzing summary (schemathesis against ${specUrl}, reports in ${REPORTS}):`);
  console.log(rows.join('\n'));
  console.log(
    `fuzz: ${total} requests in ${seconds} s, ${round} round(s) of ${RUNS.length} runs, seed ${seed}: ` +
      `${failed === 0 ? 'no failures' : `${failed} failure(s)`}`,
  );
  if (stopping) return 130;
  if (total < targetRequests) {
    console.error(`fewer requests than asked (${total} < ${targetRequests})`);
    return 1;
  }
  return failed === 0 ? 0 : 1;
}

let code = 1;
try {
  code = await main();
} catch (error) {
  console.error(error instanceof Error ? error.message : error);
  if (engine) console.error(`The engine's last output:\n${engine.output().slice(-4000)}`);
} finally {
  if (!stopping) await stopAll();
}
process.exit(code);
