// Loads a realistic spread of cases straight into Postgres, for read-side benchmarks only (never Temporal):
//   DATABASE_URL=postgres://… npm run seed -- --cases 1000000 [--months 12] [--keep]
// Six processes, every outcome, clocks of running cases in every colour (green, yellow, red, paused),
// months of dates, assignees, applicants' identifier hashes (APPLICANT_HASH_KEY, or the bench's key), and
// the SLA summaries the projection would have written for the same cases. COPY per table, secondary
// indexes dropped during the load and rebuilt after, then VACUUM ANALYZE. Timelines are short (started,
// dispatches of running steps, closed): the audit chain of seeded cases is not a real one.
import { createHmac, randomUUID } from 'node:crypto';
import { once } from 'node:events';
import type { Writable } from 'node:stream';
import { parseArgs } from 'node:util';
import cliProgress from 'cli-progress';
import postgres from 'postgres';
import { openDatabase } from '../db/client.ts';
import { DefinitionStore } from '../db/definitions.ts';
import { RECOUNT_BACKLOG } from '../db/sla-backlog.ts';
import { bucketOf, chinaDay } from '../db/sla-changes.ts';
import { createUser, findUserByName } from '../db/users.ts';
import type { ProcessDefinition } from '../process/definition.ts';
import { CATALOG, loadCatalog } from '../processes/index.ts';
import { SAMPLES } from '../test/fixtures/examples.ts';
import { BENCH_HASH_KEY, seedIdentifier } from './seed-identifiers.ts';

const { values } = parseArgs({
  options: {
    cases: { type: 'string', default: '100000' },
    months: { type: 'string', default: '12' },
    keep: { type: 'boolean', default: false },
    seed: { type: 'string', default: '42' },
  },
});
const total = Number(values.cases);
const months = Number(values.months);
const url = process.env.DATABASE_URL;
if (!url) {
  console.error('DATABASE_URL is required (e.g. scripts/with-postgres.sh --as-database-url -- npm run seed)');
  process.exit(2);
}
const hashKey = process.env.APPLICANT_HASH_KEY ?? BENCH_HASH_KEY;

// A small deterministic PRNG (mulberry32): the same seed gives the same data set.
let state = Number(values.seed) >>> 0;
const random = () => {
  state = (state + 0x6d2b79f5) >>> 0;
  let t = state;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
};
const pick = <T>(items: readonly T[]) => items[Math.floor(random() * items.length)]!;
const weighted = <T extends string>(weights: Record<T, number>): T => {
  let r = random() * Object.values<number>(weights).reduce((a, b) => a + b, 0);
  for (const [k, w] of Object.entries<number>(weights)) {
    r -= w;
    if (r <= 0) return k as T;
  }
  return Object.keys(weights)[0] as T;
};
/** Log-normal working time around a median (hours). */
const workingHours = (median: number) => Math.max(0.05, median * Math.exp((random() - 0.5) * 2.4));

const H = 3_600_000;
const DAY = 86_400_000;
/** Working hours to elapsed time, roughly: 8 office hours a weekday. */
const elapsed = (hours: number) => (hours / 8) * DAY * 1.4;

// --- the database ---------------------------------------------------------------------------------------

const database = await openDatabase({ url });
const definitions = new DefinitionStore(database.db);
for (const d of loadCatalog(CATALOG)) await definitions.publish(d);
const catalog: ProcessDefinition[] = [];
for (const d of loadCatalog(CATALOG)) catalog.push((await definitions.latest(d.id))!);
const clerk =
  (await findUserByName(database.db, 'seed-clerk')) ??
  (await createUser(database.db, { username: 'seed-clerk', displayName: 'Seed clerk', role: 'clerk' }));
const departments = [...new Set(catalog.flatMap((d) => d.steps.map((s) => s.department)))];
const staff: Record<string, string[]> = {};
for (const department of departments) {
  staff[department] = [];
  for (const n of [1, 2, 3]) {
    const username = `seed-${department.toLowerCase()}-${n}`;
    const user =
      (await findUserByName(database.db, username)) ??
      (await createUser(database.db, {
        username,
        displayName: `${department} staff ${n}`,
        role: 'department',
        department,
        lead: n === 1,
      }));
    staff[department]!.push(user.id);
  }
}
await database.close();

const sql = postgres(url, { max: 8, onnotice: () => {} });
console.log('catalog published; loading…');
const TABLES = ['case_events', 'case_steps', 'case_applicants', 'cases'] as const;
const SLA = ['sla_case_daily', 'sla_step_daily', 'sla_step_histogram'] as const;
if (!values.keep) {
  // Every table that references a case goes in the same TRUNCATE (Postgres refuses it otherwise): the ones
  // found in the catalog's foreign keys, so a table added later cannot break the seed.
  const referencing = await sql<{ table: string }[]>`
    select distinct c.conrelid::regclass::text as table from pg_constraint c
    where c.contype = 'f' and c.confrelid = 'cases'::regclass`;
  const tables = new Set([...TABLES, ...SLA, ...referencing.map((r) => r.table), 'case_number_counters']);
  await sql.unsafe(`truncate ${[...tables].join(', ')}`);
}
// Secondary indexes slow COPY down by an order of magnitude: dropped now, rebuilt after the load.
const indexes = await sql<{ indexname: string; indexdef: string }[]>`
  select i.indexname, i.indexdef from pg_indexes i
  where i.schemaname = 'public' and i.tablename in ${sql([...TABLES])}
    and not exists (select 1 from pg_constraint c where c.conname = i.indexname)`;
for (const i of indexes) await sql.unsafe(`drop index if exists "${i.indexname}"`);

/** COPY into a table, a batch of CSV lines at a time (one statement per batch). */
async function copier(table: string, columns: string[]) {
  let lines: string[] = [];
  const flush = async () => {
    if (lines.length === 0) return;
    const text = lines.join('');
    lines = [];
    const stream: Writable = await sql
      .unsafe(`copy ${table} (${columns.join(', ')}) from stdin with (format csv)`)
      .writable();
    const done = once(stream, 'finish');
    stream.end(text);
    await done;
  };
  return {
    async write(row: unknown[]) {
      lines.push(`${row.map(csvField).join(',')}\n`);
    },
    flush,
  };
}
function csvField(v: unknown): string {
  if (v === null || v === undefined) return '';
  const text =
    typeof v === 'string'
      ? v
      : v instanceof Date
        ? v.toISOString()
        : typeof v === 'object'
          ? JSON.stringify(v)
          : String(v);
  return /[",\n\r]/.test(text) || text === '' ? `"${text.replace(/"/g, '""')}"` : text;
}

const casesOut = await copier('cases', [
  'id',
  'case_no',
  'process_id',
  'process_version',
  'status',
  'application',
  'data',
  'request_hash',
  'submitted_by',
  'submitted_at',
  'updated_at',
  'closed_at',
  'promised_deadline',
  'yellow_at',
]);
const stepsOut = await copier('case_steps', [
  'case_id',
  'step_id',
  'department',
  'process_id',
  'title',
  'status',
  'round',
  'opinion',
  'decided_by',
  'dispatched_at',
  'decided_at',
  'supplement_items',
  'owed',
  'promised_deadline',
  'statutory_deadline',
  'yellow_at',
  'assignee',
  'updated_at',
]);
const eventsOut = await copier('case_events', [
  'case_id',
  'seq',
  'type',
  'step_id',
  'actor',
  'at',
  'details',
  'hash',
]);
const applicantsOut = await copier('case_applicants', ['case_id', 'identifier_hash']);

// --- the summaries, as the projection would have kept them ------------------------------------------------

type CaseDay = {
  opened: number;
  completed: number;
  partially_completed: number;
  denied: number;
  withdrawn: number;
  terminated: number;
  promised: number;
  promise_kept: number;
};
const caseDays = new Map<string, CaseDay>();
const caseDay = (day: string, processId: string, department: string) => {
  const key = `${day}|${processId}|${department}`;
  let row = caseDays.get(key);
  if (!row) {
    row = {
      opened: 0,
      completed: 0,
      partially_completed: 0,
      denied: 0,
      withdrawn: 0,
      terminated: 0,
      promised: 0,
      promise_kept: 0,
    };
    caseDays.set(key, row);
  }
  return row;
};
type StepDay = {
  department: string;
  ended: number;
  approved: number;
  denied: number;
  terminated: number;
  working_ms: number;
  supplement_ms: number;
  supplemented: number;
  late: number;
};
const stepDays = new Map<string, StepDay>();
const histogram = new Map<string, number>();

// --- generating -----------------------------------------------------------------------------------------

const now = Date.now();
const span = months * 30 * DAY;
const counters = new Map<string, number>();
const weights: Record<string, number> = {
  'company-startup': 30,
  newborn: 20,
  restaurant: 15,
  'home-transfer': 15,
  retirement: 12,
  'after-death': 8,
};
/** An instant in office hours (09:00-17:00 China) on a weekday, `daysAgo` before now. */
function officeInstant(daysAgo: number): number {
  let t = now - daysAgo * DAY;
  const chinaDate = new Date(t + 8 * H);
  const dow = chinaDate.getUTCDay();
  if (dow === 0) t -= 2 * DAY;
  if (dow === 6) t -= DAY;
  const d = new Date(t + 8 * H);
  d.setUTCHours(9, 0, 0, 0);
  return Math.min(now - 60_000, d.getTime() - 8 * H + random() * 8 * H);
}
const promisedHours = (limit: { days?: number; hours?: number } | undefined) =>
  limit ? (limit.hours ?? (limit.days ?? 1) * 8) : undefined;

const bar = new cliProgress.SingleBar(
  {
    format: 'seeding {bar} {percentage}% | {value}/{total} cases | {rate} cases/s | eta {eta_formatted}',
    etaBuffer: 50000,
  },
  cliProgress.Presets.shades_classic,
);
bar.start(total, 0, { rate: 0 });
const started = Date.now();
let stepCount = 0;

for (let i = 0; i < total; i++) {
  const processId = weighted(weights);
  const definition = catalog.find((d) => d.id === processId)!;
  const running = random() < 0.04;
  const submittedAt = running ? officeInstant(random() * 6) : officeInstant(2 + random() * (span / DAY - 2));
  const day = chinaDay(new Date(submittedAt)).replace(/-/g, '');
  const n = (counters.get(day) ?? 0) + 1;
  counters.set(day, n);
  const id = randomUUID();
  const outcome = running
    ? 'running'
    : weighted({ completed: 74, partially_completed: 6, denied: 8, withdrawn: 7, terminated: 5 });
  const steps = definition.steps;
  // Which steps apply: conditional ones 70% of the time.
  const applies = steps.map((s) => !s.condition || random() < 0.7);
  const statuses: string[] = steps.map((_, k) => (applies[k] ? 'approved' : 'not_applicable'));
  const firstApplicable = applies.indexOf(true);
  if (outcome === 'denied')
    statuses.forEach((s, k) => {
      if (s !== 'not_applicable') statuses[k] = k === firstApplicable ? 'denied' : 'cancelled';
    });
  if (outcome === 'withdrawn' || outcome === 'terminated')
    statuses.forEach((s, k) => {
      if (s !== 'not_applicable')
        statuses[k] =
          k === firstApplicable ? (outcome === 'terminated' ? 'terminated' : 'approved') : 'cancelled';
    });
  if (outcome === 'partially_completed') {
    const last = statuses.lastIndexOf('approved');
    if (last > firstApplicable) statuses[last] = 'denied';
  }
  // Timing: the first step at intake, the others after it (parallel), each its own working time.
  let clock = submittedAt;
  let closedAt = submittedAt;
  const promiseH = promisedHours(definition.promise);
  const caseDeadline = promiseH ? submittedAt + elapsed(promiseH) : null;
  const caseYellow = promiseH ? submittedAt + elapsed(promiseH * 0.8) : null;
  let runningCaseDeadline = caseDeadline;
  let runningCaseYellow = caseYellow;
  const stepRows: unknown[][] = [];
  const events: unknown[][] = [
    [
      id,
      1,
      'case.started',
      null,
      clerk.id,
      new Date(submittedAt),
      { deadline: caseDeadline ? new Date(caseDeadline) : undefined },
      'seed',
    ],
  ];
  let seq = 1;
  const departmentsOfCase = new Set<string>();
  steps.forEach((s, k) => {
    const status = statuses[k]!;
    if (status !== 'not_applicable') departmentsOfCase.add(s.department);
    const limitH = promisedHours(s.limits?.promised) ?? 8;
    const statutoryH = promisedHours(s.limits?.statutory) ?? 80;
    let row: Record<string, unknown> = {
      status,
      dispatched: null,
      decided: null,
      promised: null,
      statutory: null,
      yellow: null,
      assignee: null,
      supplement: null,
      round: 0,
      opinion: null,
      decidedBy: null,
    };
    if (running) {
      if (status === 'not_applicable') row = { ...row };
      else if (k === firstApplicable || (s.dependsOn.length > 0 && random() < 0.3)) {
        // Awaiting a decision: its clock in some colour now.
        const colour = weighted({ green: 60, yellow: 18, red: 15, paused: 7 });
        const dispatched = Math.max(submittedAt, now - random() * 3 * DAY);
        const deadline =
          colour === 'red'
            ? now - random() * 2 * DAY
            : colour === 'yellow'
              ? now + random() * 2 * H
              : now + 3 * H + random() * 4 * DAY;
        const yellow = colour === 'yellow' ? now - random() * H : deadline - elapsed(limitH * 0.2);
        row = {
          ...row,
          status: colour === 'paused' ? 'supplement_requested' : 'awaiting_decision',
          dispatched,
          promised: deadline,
          statutory: deadline + elapsed(statutoryH - limitH),
          yellow,
          round: 1,
          assignee: random() < 0.3 ? pick(staff[s.department]!) : null,
          supplement: colour === 'paused' ? [{ item: 'id-card', reason: '不清晰' }] : null,
        };
        events.push([
          id,
          ++seq,
          'step.dispatched',
          s.id,
          'system',
          new Date(dispatched),
          { round: 1 },
          'seed',
        ]);
        if (k === firstApplicable && caseDeadline) {
          // The case's own promise takes the colour of its first step, give or take.
          runningCaseDeadline = colour === 'red' ? now - random() * DAY : Math.max(deadline, now + H);
          runningCaseYellow =
            colour === 'green' ? runningCaseDeadline - elapsed((promiseH ?? 8) * 0.2) : now - random() * H;
          if (colour === 'green' && runningCaseYellow < now) runningCaseYellow = now + 10 * 60_000;
        }
      } else if (k !== firstApplicable) row.status = 'blocked';
    } else if (status === 'approved' || status === 'denied' || status === 'terminated') {
      const dispatched = k === firstApplicable ? submittedAt : clock;
      const working = workingHours(Math.min(limitH, 24) * 0.6);
      const supplemented = random() < 0.12;
      const supplementH = supplemented ? 2 + random() * 30 : 0;
      const decided = dispatched + elapsed(working + supplementH);
      const promised = dispatched + elapsed(limitH + supplementH);
      row = {
        ...row,
        dispatched,
        decided,
        promised,
        statutory: dispatched + elapsed(statutoryH + supplementH),
        yellow: promised - elapsed(limitH * 0.2),
        round: supplemented ? 2 : 1,
        opinion: status === 'approved' ? '同意' : status === 'denied' ? '不予许可' : '材料未按期补齐',
        decidedBy: status === 'terminated' ? 'system' : pick(staff[s.department]!),
        assignee: random() < 0.5 ? pick(staff[s.department]!) : null,
      };
      if (k === firstApplicable) clock = decided;
      closedAt = Math.max(closedAt, decided);
      const endDay = chinaDay(new Date(decided));
      const workingMs = Math.round(working * H);
      for (const grainDay of [`day|${endDay}`, `month|${endDay.slice(0, 7)}-01`]) {
        const key = `${grainDay}|${definition.id}|${s.id}`;
        const sd = stepDays.get(key) ?? {
          department: s.department,
          ended: 0,
          approved: 0,
          denied: 0,
          terminated: 0,
          working_ms: 0,
          supplement_ms: 0,
          supplemented: 0,
          late: 0,
        };
        sd.ended += 1;
        sd[status as 'approved' | 'denied' | 'terminated'] += 1;
        sd.working_ms += workingMs;
        sd.supplement_ms += Math.round(supplementH * H);
        sd.supplemented += supplemented ? 1 : 0;
        sd.late += working > limitH ? 1 : 0;
        stepDays.set(key, sd);
      }
      const bucket = bucketOf(workingMs);
      for (const [grain, d] of [
        ['day', endDay],
        ['month', `${endDay.slice(0, 7)}-01`],
      ] as const) {
        const hk = `${grain}|${d}|${definition.id}|${s.id}|${s.department}|${bucket}`;
        histogram.set(hk, (histogram.get(hk) ?? 0) + 1);
      }
    }
    const t = (v: unknown) => (typeof v === 'number' ? new Date(v) : null);
    stepRows.push([
      id,
      s.id,
      s.department,
      definition.id,
      s.title,
      row.status,
      row.round,
      row.opinion,
      row.decidedBy,
      t(row.dispatched),
      t(row.decided),
      row.supplement,
      [],
      t(row.promised),
      t(row.statutory),
      t(row.yellow),
      row.assignee,
      new Date(Math.max(submittedAt, (row.decided as number) ?? (row.dispatched as number) ?? submittedAt)),
    ]);
  });
  if (!running) closedAt = Math.min(Math.max(closedAt, submittedAt + 60_000), now - 1000);
  // The summaries: opened on the day of intake, closed on the day of closing, for the case and its departments.
  const openDay = chinaDay(new Date(submittedAt));
  for (const department of ['*', ...departmentsOfCase]) {
    caseDay(openDay, definition.id, department).opened += 1;
    if (!running) {
      const row = caseDay(chinaDay(new Date(closedAt)), definition.id, department);
      row[outcome as 'completed'] += 1;
      if (caseDeadline) {
        row.promised += 1;
        row.promise_kept += closedAt <= caseDeadline ? 1 : 0;
      }
    }
  }
  if (!running)
    events.push([id, ++seq, 'case.closed', null, 'system', new Date(closedAt), { outcome }, 'seed']);
  await casesOut.write([
    id,
    `YJS-${day}-${String(n).padStart(6, '0')}`,
    definition.id,
    definition.version,
    outcome,
    running ? SAMPLES[definition.id]!.application : {},
    {},
    'seed',
    clerk.id,
    new Date(submittedAt),
    new Date(running ? submittedAt : closedAt),
    running ? null : new Date(closedAt),
    running
      ? runningCaseDeadline
        ? new Date(runningCaseDeadline)
        : null
      : caseDeadline
        ? new Date(caseDeadline)
        : null,
    running
      ? runningCaseYellow
        ? new Date(runningCaseYellow)
        : null
      : caseYellow
        ? new Date(caseYellow)
        : null,
  ]);
  for (const r of stepRows) await stepsOut.write(r);
  stepCount += stepRows.length;
  for (const e of events) await eventsOut.write(e);
  await applicantsOut.write([id, createHmac('sha256', hashKey).update(seedIdentifier(i)).digest('hex')]);
  // Cases first: steps, events and applicants reference them.
  if (i % 5000 === 4999) {
    await casesOut.flush();
    await Promise.all([stepsOut.flush(), eventsOut.flush(), applicantsOut.flush()]);
  }
  if (i % 1000 === 0) bar.update(i, { rate: Math.round(i / ((Date.now() - started) / 1000 || 1)) });
}
await casesOut.flush();
await Promise.all([stepsOut.flush(), eventsOut.flush(), applicantsOut.flush()]);
bar.update(total, { rate: Math.round(total / ((Date.now() - started) / 1000)) });
bar.stop();
console.log(`${total} cases, ${stepCount} steps copied in ${((Date.now() - started) / 1000).toFixed(0)} s`);

// Summaries, in batches.
async function insertRows(table: string, columns: string[], rows: unknown[][]) {
  for (let k = 0; k < rows.length; k += 5000) {
    const batch = rows
      .slice(k, k + 5000)
      .map((r) => Object.fromEntries(columns.map((c, j) => [c, r[j]])) as Record<string, string | number>);
    await sql`insert into ${sql(table)} ${sql(batch, columns)}`;
  }
}
await insertRows(
  'sla_case_daily',
  [
    'day',
    'process_id',
    'department',
    'opened',
    'completed',
    'partially_completed',
    'denied',
    'withdrawn',
    'terminated',
    'promised',
    'promise_kept',
  ],
  [...caseDays].map(([k, v]) => [
    ...k.split('|'),
    v.opened,
    v.completed,
    v.partially_completed,
    v.denied,
    v.withdrawn,
    v.terminated,
    v.promised,
    v.promise_kept,
  ]),
);
await insertRows(
  'sla_step_daily',
  [
    'grain',
    'day',
    'process_id',
    'step_id',
    'department',
    'ended',
    'approved',
    'denied',
    'terminated',
    'working_ms',
    'supplement_ms',
    'supplemented',
    'late',
  ],
  [...stepDays].map(([k, v]) => [
    ...k.split('|'),
    v.department,
    v.ended,
    v.approved,
    v.denied,
    v.terminated,
    v.working_ms,
    v.supplement_ms,
    v.supplemented,
    v.late,
  ]),
);
await insertRows(
  'sla_step_histogram',
  ['grain', 'day', 'process_id', 'step_id', 'department', 'bucket', 'steps'],
  [...histogram].map(([k, v]) => [...k.split('|').map((x, j) => (j === 5 ? Number(x) : x)), v]),
);
// The backlog of steps awaiting a decision, counted afresh from every step (--keep adds to the cases).
await sql.unsafe('delete from sla_step_backlog');
await sql.unsafe(RECOUNT_BACKLOG);
await sql`insert into case_number_counters ${sql([...counters].map(([day, last]) => ({ day, last })))}
          on conflict (day) do update set last = greatest(case_number_counters.last, excluded.last)`;

const rebuilding = Date.now();
console.log(`rebuilding ${indexes.length} indexes…`);
await sql.unsafe("set maintenance_work_mem = '512MB'");
for (const i of indexes) await sql.unsafe(i.indexdef);
console.log(`indexes rebuilt in ${((Date.now() - rebuilding) / 1000).toFixed(0)} s; vacuum analyze…`);
await sql.unsafe('vacuum analyze');
console.log(`done in ${((Date.now() - started) / 1000).toFixed(0)} s`);
await sql.end();
