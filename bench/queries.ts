// The read side under load: every query a manager or department asks (search by each filter, worklist
// pages and counts, the case view and history, the SLA report for a month and a year, a CSV export), each
// through the real API over HTTP at 10 concurrent clients (autocannon), on the Postgres named by
// DATABASE_URL (seeded with `npm run seed`). Prints p50/p99 per query and saves, next to the results, the
// EXPLAIN (ANALYZE, BUFFERS) plan of every statement each request ran, with the indexes the plans use.
//   DATABASE_URL=postgres://… npm run bench:queries   (BENCH_SECONDS=5, BENCH_CONNECTIONS=10,
//   BENCH_ONLY=regex to run only the queries whose names match)
import { execFile } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import postgres from 'postgres';
import { buildApp } from '../api/app.ts';
import { openDatabase } from '../db/client.ts';
import { DefinitionStore } from '../db/definitions.ts';
import { createUser, findUserByName, issueToken } from '../db/users.ts';
import { BENCH_HASH_KEY, seedIdentifier } from '../scripts/seed-identifiers.ts';
import { FsMaterialStore } from '../storage/material-store.ts';
import { cpuSecondsOf, parentOf, treeCpuSeconds } from './machine.ts';

const url = process.env.DATABASE_URL;
if (!url) {
  console.error(
    'DATABASE_URL is required: scripts/with-postgres.sh --as-database-url -- npm run bench:queries',
  );
  process.exit(2);
}
const seconds = Number(process.env.BENCH_SECONDS ?? 5);
// The load comes from a process of its own, so it does not share the API's event loop.
const autocannonBin = createRequire(import.meta.url).resolve('autocannon/autocannon.js');
interface LoadResult {
  latency: { p50: number; p99: number };
  requests: { average: number; total: number };
  non2xx: number;
  errors: number;
}
function load(target: string, token: string): Promise<LoadResult> {
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      [
        autocannonBin,
        '-j',
        '-c',
        String(connections),
        '-d',
        String(seconds),
        '-H',
        `authorization=Bearer ${token}`,
        target,
      ],
      { maxBuffer: 64 * 1024 * 1024 },
      (error, stdout) => (error ? reject(error) : resolve(JSON.parse(stdout) as LoadResult)),
    );
  });
}
const connections = Number(process.env.BENCH_CONNECTIONS ?? 10);

/** Statements the API runs while recording is on (one warm request per query). */
let recording: { query: string; params: unknown[] }[] | undefined;
const database = await openDatabase({
  url,
  poolSize: connections + 2,
  logger: { logQuery: (query, params) => recording?.push({ query, params }) },
});
const db = database.db;
const sql = postgres(url, { max: 2, onnotice: () => {} });
// Where each request's CPU goes: this process (the API), the Postgres server's processes, and autocannon
// (our reaped child, so in our children's CPU). On a shared machine these hold up where latency does not.
const postmaster = parentOf((await sql<{ pid: number }[]>`select pg_backend_pid() as pid`)[0]!.pid)!;
const cpuNow = () => ({
  api: cpuSecondsOf(process.pid),
  load: cpuSecondsOf(process.pid, true) - cpuSecondsOf(process.pid),
  database: treeCpuSeconds(postmaster),
});

const user = async (username: string, role: 'manager' | 'department', department?: string) => {
  const found =
    (await findUserByName(db, username)) ??
    (await createUser(db, { username, displayName: username, role, ...(department ? { department } : {}) }));
  return issueToken(db, found.id, 'bench');
};
const manager = await user('bench-manager', 'manager');
const busiest = (
  await sql<{ department: string }[]>`
    select department from case_steps where status = 'awaiting_decision' group by 1 order by count(*) desc limit 1`
)[0]!.department;
const staffRow = await findUserByName(db, `seed-${busiest.toLowerCase()}-2`);
const staff = staffRow
  ? await issueToken(db, staffRow.id, 'bench')
  : await user(`bench-${busiest.toLowerCase()}`, 'department', busiest);

// Parameters from the data: a running case, a day a month ago, the last full month and the last year.
const [running] = await sql<{ id: string }[]>`
  select id from cases where status = 'running' order by submitted_at desc limit 1`;
// The history lists every access to the case's data: not the case the case-view load reads thousands of
// times (each read is logged), nor one on the worklist pages the bench reads (each page logs its tasks),
// nor one earlier runs on a kept database logged: a case as its history would read.
const [unread] = await sql<{ id: string }[]>`
  select c.id from cases c
  where c.status = 'running' and c.id <> ${running!.id}
    and not exists (select 1 from access_log a where a.case_id = c.id)
    and not exists (select 1 from case_steps s where s.case_id = c.id and s.department = ${busiest}
                    and s.status = 'awaiting_decision')
  order by c.submitted_at desc limit 1`;
const caseCount = (await sql<{ count: number }[]>`select count(*)::int as count from cases`)[0]!.count;
const chinaDay = (ms: number) => new Date(ms + 8 * 3_600_000).toISOString().slice(0, 10);
const monthAgo = chinaDay(Date.now() - 30 * 86_400_000);
const today = new Date(Date.now() + 8 * 3_600_000);
const firstOfMonth = (d: Date, back: number) =>
  new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() - back, 1)).toISOString().slice(0, 10);
const lastMonthFrom = firstOfMonth(today, 1);
const lastMonthTo = chinaDay(Date.parse(`${firstOfMonth(today, 0)}T00:00:00Z`) - 86_400_000);
const yearFrom = firstOfMonth(today, 12);
const applicant = seedIdentifier(Math.floor(caseCount / 3));
const cursorOf = async (path: string, token: string) =>
  (await fetch(`${base}${path}`, { headers: { authorization: `Bearer ${token}` } })).headers.get(
    'next-cursor',
  );

const app = await buildApp({
  db,
  definitions: new DefinitionStore(db),
  // Read-only: no Update is sent, so the Temporal client never connects.
  client: new Client({ connection: Connection.lazy({ address: '127.0.0.1:1' }) }),
  taskQueue: 'bench',
  materials: new FsMaterialStore('/tmp/yjs-bench-materials'),
  applicantHashKey: process.env.APPLICANT_HASH_KEY ?? BENCH_HASH_KEY,
});
const base = await app.listen({ port: 0, host: '127.0.0.1' });

const day = monthAgo.replace(/-/g, '');
const queries: { name: string; path: string; token: string }[] = [
  { name: 'search: newest', path: '/api/cases?limit=50', token: manager },
  { name: 'search: status=running', path: '/api/cases?status=running&limit=50', token: manager },
  { name: 'search: processId', path: '/api/cases?processId=restaurant&limit=50', token: manager },
  { name: 'search: department', path: '/api/cases?department=FIRE&limit=50', token: manager },
  { name: 'search: clock=red', path: '/api/cases?clock=red&limit=50', token: manager },
  { name: 'search: stepClock=yellow', path: '/api/cases?stepClock=yellow&limit=50', token: manager },
  { name: 'search: overdue', path: '/api/cases?overdue=true&limit=50', token: manager },
  {
    name: 'search: submitted in a month',
    path: `/api/cases?submittedFrom=${lastMonthFrom}&submittedTo=${lastMonthTo}&limit=50`,
    token: manager,
  },
  {
    name: 'search: closed in a month',
    path: `/api/cases?sort=closed&closedFrom=${lastMonthFrom}&closedTo=${lastMonthTo}&limit=50`,
    token: manager,
  },
  { name: 'search: caseNo prefix (a day)', path: `/api/cases?caseNo=YJS-${day}&limit=50`, token: manager },
  { name: 'search: applicant', path: `/api/cases?applicant=${applicant}`, token: manager },
  { name: 'search: sort=deadline', path: '/api/cases?sort=deadline&status=running&limit=50', token: manager },
  { name: 'search: department staff', path: '/api/cases?limit=50', token: staff },
  { name: 'worklist: first page', path: '/api/tasks?limit=50', token: staff },
  { name: 'worklist: urgency=red', path: '/api/tasks?urgency=red&limit=50', token: staff },
  { name: 'worklist: unassigned', path: '/api/tasks?assigned=unassigned&limit=50', token: staff },
  { name: 'worklist: mine', path: '/api/tasks?assigned=mine&limit=50', token: staff },
  { name: 'worklist: counts', path: '/api/tasks/counts', token: staff },
  { name: 'case view', path: `/api/cases/${running!.id}`, token: manager },
  { name: 'case history', path: `/api/cases/${(unread ?? running)!.id}/history`, token: manager },
  {
    name: 'SLA report: a month',
    path: `/api/reports/sla?from=${lastMonthFrom}&to=${lastMonthTo}`,
    token: manager,
  },
  { name: 'SLA report: a year', path: `/api/reports/sla?from=${yearFrom}&to=${lastMonthTo}`, token: manager },
  {
    name: 'SLA by department: a year',
    path: `/api/reports/sla/departments?from=${yearFrom}&to=${lastMonthTo}`,
    token: manager,
  },
  {
    name: 'SLA CSV: a year',
    path: `/api/reports/sla.csv?from=${yearFrom}&to=${lastMonthTo}`,
    token: manager,
  },
];
const page2 = await cursorOf('/api/cases?limit=50', manager);
if (page2)
  queries.push({
    name: 'search: page 2 (cursor)',
    path: `/api/cases?limit=50&cursor=${page2}`,
    token: manager,
  });
const tasks2 = await cursorOf('/api/tasks?limit=50', staff);
if (tasks2)
  queries.push({
    name: 'worklist: page 2 (cursor)',
    path: `/api/tasks?limit=50&cursor=${tasks2}`,
    token: staff,
  });

const out = join('bench', 'results', `queries-${new Date().toISOString().replace(/[:.]/g, '-')}`);
mkdirSync(out, { recursive: true });
const rows: string[] = [];
console.log(`${caseCount} cases; ${connections} connections, ${seconds} s per query; plans in ${out}\n`);
const only = process.env.BENCH_ONLY ? new RegExp(process.env.BENCH_ONLY, 'i') : undefined;
for (const q of queries.filter((q) => !only || only.test(q.name))) {
  recording = [];
  const warm = await fetch(base + q.path, { headers: { authorization: `Bearer ${q.token}` } });
  if (!warm.ok) throw new Error(`${q.name}: HTTP ${warm.status} ${await warm.text()}`);
  const body = await warm.text();
  if (q.path.includes('.csv')) writeFileSync(join(out, 'sla-year.csv'), body);
  const statements = recording.filter((s) => /^\s*(select|with)/i.test(s.query));
  recording = undefined;
  const cpu0 = cpuNow();
  const result = await load(base + q.path, q.token);
  const cpu1 = cpuNow();
  const perRequest = (k: keyof typeof cpu0) =>
    ((1000 * (cpu1[k] - cpu0[k])) / Math.max(1, result.requests.total)).toFixed(2);
  const plans: string[] = [];
  const used = new Set<string>();
  for (const s of statements) {
    const plan = await sql.unsafe(`explain (analyze, buffers) ${s.query}`, s.params as never[]);
    const text = plan.map((r) => r['QUERY PLAN']).join('\n');
    for (const m of text.matchAll(
      /(?:Index Only Scan|Index Scan|Bitmap Index Scan)(?: Backward)? (?:using|on) (\w+)/g,
    ))
      used.add(m[1]!);
    if (/Seq Scan on (\w+)/.test(text))
      for (const m of text.matchAll(/Seq Scan on (\w+)/g)) used.add(`seq:${m[1]}`);
    plans.push(`-- ${s.query}\n-- params: ${JSON.stringify(s.params)}\n${text}\n`);
  }
  const file = `${q.name.replace(/[^a-z0-9]+/gi, '-').toLowerCase()}.plan.txt`;
  writeFileSync(join(out, file), `${q.name}\nGET ${q.path}\n\n${plans.join('\n')}`);
  const non2xx = result.non2xx + result.errors;
  const line = `| ${q.name} | ${result.latency.p50} | ${result.latency.p99} | ${Math.round(result.requests.average)} | ${non2xx} | ${perRequest('api')} | ${perRequest('database')} | ${perRequest('load')} | ${loadavg()[0]!.toFixed(1)} | ${[...used].join(', ')} |`;
  rows.push(line);
  console.log(line);
}
const table = [
  `${caseCount} cases, ${connections} concurrent clients, ${seconds} s per query (${new Date().toISOString()})`,
  '',
  '| query | p50 ms | p99 ms | req/s | errors | API CPU ms/req | Postgres CPU ms/req | autocannon CPU ms/req | load avg | indexes in the plans |',
  '| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |',
  ...rows,
].join('\n');
writeFileSync(join(out, 'summary.md'), `${table}\n`);
console.log(`\nSaved ${join(out, 'summary.md')}`);
await app.close();
await sql.end();
await database.close();
