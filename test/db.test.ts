// The read model on a real database (PGlite, or the Postgres server in TEST_DATABASE_URL): migrations (and
// migrating a database an older release left), idempotent intake and projection, unique case numbers under concurrency, the append-only audit trail and
// its hash chain.
import { randomUUID } from 'node:crypto';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createProjection } from '../activities/projection.ts';
import { percentileHours } from '../api/sla-report.ts';
import { accessesOf } from '../db/access-log.ts';
import { verifyChain } from '../db/audit.ts';
import { projectEvents } from '../db/case-events.ts';
import { caseTimeline, insertCase, listSteps, type NewCase } from '../db/cases.ts';
import { applyMigrations, type Database, rowsOf } from '../db/client.ts';
import { recordDelivery } from '../db/delivered-dispatch.ts';
import { openIncidents, recordFailure } from '../db/incidents.ts';
import { stepFigures, stepHistograms } from '../db/reports.ts';
import { departmentTasks } from '../db/tasks.ts';
import { createUser } from '../db/users.ts';
import type { CaseEvent } from '../process/events.ts';
import { createClerk, openTestDatabase } from './helpers.ts';

let database: Database;
let clerk: string;

beforeAll(async () => {
  database = await openTestDatabase();
  clerk = await createClerk(database.db);
});
afterAll(() => database?.close());

function newCase(extra: Partial<NewCase> = {}): NewCase {
  return {
    id: randomUUID(),
    caseNoPrefix: 'DB',
    processId: 'p',
    processVersion: 1,
    application: { name: '王五' },
    submittedBy: clerk,
    requestHash: 'h',
    steps: [
      { stepId: 'a', department: 'X', title: 'A' },
      { stepId: 'b', department: 'Y', title: 'B' },
    ],
    ...extra,
  };
}

const at = '2026-11-28T02:00:00.000Z';
const opening: CaseEvent[] = [
  { seq: 1, at, actor: 'clerk-1', type: 'case.started', steps: [] },
  { seq: 2, at, actor: 'system', type: 'step.dispatched', stepId: 'a', adapter: 'worklist', round: 1 },
];
const approval: CaseEvent[] = [
  { seq: 3, at, actor: 'u1', type: 'step.approved', stepId: 'a', opinion: 'ok', outputs: { code: 'C-1' } },
  { seq: 4, at, actor: 'system', type: 'step.dispatched', stepId: 'b', adapter: 'worklist', round: 1 },
];

describe('intake', () => {
  it('stores the case with its steps and a dated case number', async () => {
    const { row, created } = await insertCase(database.db, newCase(), new Date('2026-11-28T17:30:00Z'));
    expect(created).toBe(true);
    // 17:30 UTC is already the 29th in China.
    expect(row.caseNo).toMatch(/^DB-20261129-\d{6}$/);
    expect((await listSteps(database.db, row.id)).map((s) => s.status)).toEqual(['blocked', 'blocked']);
  });

  it('gives concurrent submissions distinct, consecutive numbers', async () => {
    const results = await Promise.all(
      Array.from({ length: 20 }, () => insertCase(database.db, newCase(), new Date('2026-12-01T03:00:00Z'))),
    );
    const numbers = results.map((r) => Number(r.row.caseNo.slice(-6))).sort((a, b) => a - b);
    expect(numbers).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
  });

  it('returns the existing case for a repeated idempotency key, even when submitted at once', async () => {
    const key = randomUUID();
    const results = await Promise.all(
      Array.from({ length: 5 }, () => insertCase(database.db, newCase({ idempotencyKey: key }))),
    );
    expect(new Set(results.map((r) => r.row.id)).size).toBe(1);
    expect(results.filter((r) => r.created)).toHaveLength(1);
  });
});

describe('projection', () => {
  it('applies a batch once, however often it is retried', async () => {
    const { row } = await insertCase(database.db, newCase());
    const project = createProjection(database.db);
    const h1 = await project({ caseId: row.id, previousHash: '', events: opening });
    expect(await project({ caseId: row.id, previousHash: '', events: opening })).toBe(h1);
    const h2 = await project({ caseId: row.id, previousHash: h1, events: approval });
    await project({ caseId: row.id, previousHash: h1, events: approval });

    const timeline = await caseTimeline(database.db, row.id);
    expect(timeline.map((e) => e.seq)).toEqual([1, 2, 3, 4]);
    expect(timeline.at(-1)!.hash).toBe(h2);
    const steps = await listSteps(database.db, row.id);
    expect(steps.find((s) => s.stepId === 'a')).toMatchObject({
      status: 'approved',
      outputs: { code: 'C-1' },
    });
    expect(steps.find((s) => s.stepId === 'b')).toMatchObject({ status: 'awaiting_decision' });
    expect(await verifyChain(database.db, row.id)).toEqual({ intact: true, events: 4, anchor: 'unanchored' });
  });

  it('keeps the audit trail append-only, and the chain shows a change made around that', async () => {
    const { row } = await insertCase(database.db, newCase());
    const project = createProjection(database.db);
    const h1 = await project({ caseId: row.id, previousHash: '', events: opening });
    await project({ caseId: row.id, previousHash: h1, events: approval });

    await expect(
      database.db.execute(
        sql`update case_events set opinion = 'forged' where case_id = ${row.id}::uuid and seq = 3`,
      ),
    ).rejects.toThrow();
    await expect(
      database.db.execute(sql`delete from case_events where case_id = ${row.id}::uuid`),
    ).rejects.toThrow();

    // A superuser can switch the trigger off; the hash chain still tells.
    await database.db.execute(sql`alter table case_events disable trigger case_events_append_only`);
    await database.db.execute(
      sql`update case_events set opinion = 'forged' where case_id = ${row.id}::uuid and seq = 3`,
    );
    await database.db.execute(sql`alter table case_events enable trigger case_events_append_only`);
    expect(await verifyChain(database.db, row.id)).toEqual({
      intact: false,
      events: 4,
      brokenAt: 3,
      anchor: 'unanchored',
    });
  });

  it("takes the workflow's word on a dispatch incident: stopped when it gave up, whatever the attempts recorded; retrying after a redispatch; resolved by the decision", async () => {
    const { row } = await insertCase(database.db, newCase());
    const project = createProjection(database.db);
    const incidentOf = async () =>
      (await openIncidents(database.db))
        .filter((i) => i.incident.caseId === row.id)
        .map(
          (i) => `${i.incident.stepId}:${i.incident.round}:${i.incident.retrying}:${i.incident.lastError}`,
        );
    const dispatched: CaseEvent[] = [
      { seq: 1, at, actor: 'clerk-1', type: 'case.started', steps: [] },
      { seq: 2, at, actor: 'system', type: 'step.dispatched', stepId: 'a', adapter: 'http', round: 1 },
    ];
    let hash = await project({ caseId: row.id, previousHash: '', events: dispatched });
    // Two attempts failed and said so; the last one died with its worker (a StartToClose timeout), saying nothing.
    const key = { caseId: row.id, stepId: 'a', round: 1, department: 'X' };
    await recordFailure(database.db, key, 'department system answered HTTP 503', true);
    await recordFailure(database.db, key, 'department system answered HTTP 503', true);
    expect(await incidentOf()).toEqual(['a:1:1:department system answered HTTP 503']);

    const later = '2026-11-28T02:05:00.000Z';
    /** The workflow gave up on a step's dispatch: its last attempt timed out with its worker. */
    const gaveUpOn = (seq: number, stepId: string): CaseEvent[] => [
      {
        seq,
        at: later,
        actor: 'system',
        type: 'step.incident',
        stepId,
        message: 'activity StartToClose timeout',
      },
    ];
    const gaveUp = gaveUpOn(3, 'a');
    const gaveUpFrom = hash;
    hash = await project({ caseId: row.id, previousHash: hash, events: gaveUp });
    // A retried batch changes nothing.
    expect(await project({ caseId: row.id, previousHash: gaveUpFrom, events: gaveUp })).toBe(hash);
    expect(await incidentOf()).toEqual(['a:1:0:activity StartToClose timeout']);

    const redispatched: CaseEvent[] = [
      { seq: 4, at: later, actor: 'manager-1', type: 'step.redispatched', stepId: 'a' },
    ];
    hash = await project({ caseId: row.id, previousHash: hash, events: redispatched });
    expect(await incidentOf()).toEqual(['a:1:1:activity StartToClose timeout']);

    // Step b's dispatch never recorded an attempt at all: the workflow's incident opens the row.
    const other: CaseEvent[] = [
      { seq: 5, at: later, actor: 'system', type: 'step.dispatched', stepId: 'b', adapter: 'http', round: 1 },
    ];
    hash = await project({ caseId: row.id, previousHash: hash, events: other });
    const gaveUpOnB = gaveUpOn(6, 'b');
    hash = await project({ caseId: row.id, previousHash: hash, events: gaveUpOnB });
    expect((await incidentOf()).sort()).toEqual([
      'a:1:1:activity StartToClose timeout',
      'b:1:0:activity StartToClose timeout',
    ]);

    const decided: CaseEvent[] = [
      { seq: 7, at: later, actor: 'u1', type: 'step.approved', stepId: 'a', opinion: 'ok', outputs: {} },
      { seq: 8, at: later, actor: 'u2', type: 'step.approved', stepId: 'b', opinion: 'ok', outputs: {} },
    ];
    await project({ caseId: row.id, previousHash: hash, events: decided });
    expect(await incidentOf()).toEqual([]);
  });

  it('a delivered dispatch resolves its incident and logs what was sent once, however often it is delivered', async () => {
    const { row } = await insertCase(database.db, newCase());
    const project = createProjection(database.db);
    await project({
      caseId: row.id,
      previousHash: '',
      events: [
        { seq: 1, at, actor: 'clerk-1', type: 'case.started', steps: [] },
        { seq: 2, at, actor: 'system', type: 'step.dispatched', stepId: 'a', adapter: 'http', round: 1 },
        { seq: 3, at, actor: 'system', type: 'step.dispatched', stepId: 'b', adapter: 'http', round: 1 },
      ],
    });
    const key = { caseId: row.id, stepId: 'a', round: 1, department: 'X' };
    await recordFailure(database.db, key, 'department system unreachable', true);
    await recordFailure(
      database.db,
      { ...key, stepId: 'b', department: 'Y' },
      'department system unreachable',
      true,
    );
    const open = async () =>
      (await openIncidents(database.db))
        .filter((i) => i.incident.caseId === row.id)
        .map((i) => i.incident.stepId);
    expect((await open()).sort()).toEqual(['a', 'b']);

    await recordDelivery(database.db, key, ['name', 'licence']);
    await recordDelivery(database.db, key, ['name', 'licence']); // a retried activity delivers again
    expect(await open()).toEqual(['b']); // only a's incident, only its round
    const sent = (await accessesOf(database.db, row.id)).filter((a) => a.role === 'department-system');
    expect(sent.map((a) => [a.purpose, a.department, a.fields])).toEqual([
      ['dispatch:a:1', 'X', ['name', 'licence']],
    ]);
    // A later round of the step is a dispatch of its own.
    await recordDelivery(database.db, { ...key, round: 2 }, ['name']);
    const purposes = (await accessesOf(database.db, row.id)).map((a) => a.purpose).sort();
    expect(purposes).toEqual(['dispatch:a:1', 'dispatch:a:2']);
  });
});

describe('a dead workflow task’s batch (its worker died before the server recorded the task)', () => {
  const later = '2026-11-28T02:05:00.000Z';
  /** What the retried task made instead: another Update came first (b assigned, nothing approved). */
  const instead: CaseEvent[] = [
    {
      seq: 3,
      at: later,
      actor: 'u2',
      type: 'step.assigned',
      stepId: 'a',
      action: 'claim',
      assignee: randomUUID(),
    },
  ];
  const slaRows = async () =>
    rowsOf(
      await database.db.execute(
        sql`select sum(ended)::int as ended, sum(approved)::int as approved from sla_step_daily where process_id = 'p'`,
      ),
    );

  it('is replaced by the retried task’s: the trail, the read model and the SLA summaries as if it never ran', async () => {
    const { row } = await insertCase(database.db, newCase());
    const project = createProjection(database.db);
    const h1 = await project({ caseId: row.id, previousHash: '', events: opening, fence: 3 });
    const slaBefore = JSON.stringify(await slaRows());
    await project({ caseId: row.id, previousHash: h1, events: approval, fence: 8 });
    expect((await listSteps(database.db, row.id)).find((s) => s.stepId === 'a')?.status).toBe('approved');
    expect(JSON.stringify(await slaRows())).not.toBe(slaBefore); // the approval counted in the summaries

    await project({ caseId: row.id, previousHash: h1, events: instead, fence: 11 });
    const timeline = await caseTimeline(database.db, row.id);
    expect(timeline.map((e) => [e.seq, e.type])).toEqual([
      [1, 'case.started'],
      [2, 'step.dispatched'],
      [3, 'step.assigned'],
    ]);
    expect(await verifyChain(database.db, row.id)).toMatchObject({ intact: true });
    const steps = await listSteps(database.db, row.id);
    const a = steps.find((s) => s.stepId === 'a')!;
    expect(a).toMatchObject({ status: 'awaiting_decision', outputs: null, opinion: null, decidedBy: null });
    expect(a.assignee).toBe((instead[0] as { assignee: string }).assignee);
    expect(steps.find((s) => s.stepId === 'b')).toMatchObject({ status: 'blocked', dispatchedAt: null });
    const [kase] = rowsOf(
      await database.db.execute(sql`select data, status from cases where id = ${row.id}::uuid`),
    );
    expect(kase).toEqual({ data: {}, status: 'running' });
    expect(JSON.stringify(await slaRows())).toBe(slaBefore);

    // The replacement again (its local activity retried): nothing changes.
    await project({ caseId: row.id, previousHash: h1, events: instead, fence: 11 });
    expect((await caseTimeline(database.db, row.id)).length).toBe(3);
  });

  it('is never replaced by a stale task’s (a lower fence): that one is refused', async () => {
    const { row } = await insertCase(database.db, newCase());
    const project = createProjection(database.db);
    const h1 = await project({ caseId: row.id, previousHash: '', events: opening, fence: 3 });
    await project({ caseId: row.id, previousHash: h1, events: instead, fence: 11 });
    await expect(project({ caseId: row.id, previousHash: h1, events: approval, fence: 8 })).rejects.toThrow(
      /stale/,
    );
    expect((await caseTimeline(database.db, row.id)).map((e) => e.type)).toContain('step.assigned');
  });
});

// Migration 0006 on a database 0005 left with cases in it: case steps get their case's process, the step
// summaries a monthly grain summed from the days, the histograms the coarser buckets past 8 h; a migrated
// database then reports what one whose cases the new projection wrote reports.
describe('migration 0006 (faster reads) over a database at 0005', () => {
  const MS = 60_000;
  const H = 60 * MS;
  /** Step endings as 0005's projection recorded them, with the bucket the new projection gives each by hand. */
  const endings = [
    {
      day: '2026-10-12',
      stepId: 'review',
      dept: 'X',
      kind: 'approved',
      ms: 15 * MS,
      supp: 0,
      late: 0,
      bucket: 0,
    },
    {
      day: '2026-10-12',
      stepId: 'review',
      dept: 'X',
      kind: 'approved',
      ms: 3 * H + 10 * MS,
      supp: 0,
      late: 0,
      bucket: 6,
    },
    {
      day: '2026-10-20',
      stepId: 'review',
      dept: 'X',
      kind: 'denied',
      ms: 9 * H,
      supp: 2 * H,
      late: 1,
      bucket: 16,
    },
    {
      day: '2026-10-20',
      stepId: 'review',
      dept: 'X',
      kind: 'approved',
      ms: 9 * H + 45 * MS,
      supp: 0,
      late: 1,
      bucket: 16,
    },
    {
      day: '2026-10-31',
      stepId: 'review',
      dept: 'X',
      kind: 'approved',
      ms: 45 * H,
      supp: 0,
      late: 1,
      bucket: 32,
    },
    {
      day: '2026-11-02',
      stepId: 'review',
      dept: 'X',
      kind: 'approved',
      ms: 10 * H + 30 * MS,
      supp: 0,
      late: 1,
      bucket: 17,
    },
    {
      day: '2026-11-03',
      stepId: 'review',
      dept: 'X',
      kind: 'terminated',
      ms: 500 * H,
      supp: 0,
      late: 1,
      bucket: 77,
    },
    {
      day: '2026-11-03',
      stepId: 'check',
      dept: 'Y',
      kind: 'approved',
      ms: 100 * H,
      supp: H,
      late: 1,
      bucket: 39,
    },
  ] as const;
  // Noon in China on the day of the ending.
  const endedAt = (day: string) => `${day}T04:00:00.000Z`;

  /** The committed migrations up to 0005 only, as the release before this one shipped them. */
  function migrationsUpTo0005(): string {
    const from = fileURLToPath(new URL('../db/migrations', import.meta.url));
    const to = mkdtempSync(join(tmpdir(), 'migrations-0005-'));
    mkdirSync(join(to, 'meta'));
    const journal = JSON.parse(readFileSync(join(from, 'meta/_journal.json'), 'utf8'));
    journal.entries = journal.entries.filter((e: { idx: number }) => e.idx <= 5);
    writeFileSync(join(to, 'meta/_journal.json'), JSON.stringify(journal));
    for (const e of journal.entries as { tag: string }[])
      copyFileSync(join(from, `${e.tag}.sql`), join(to, `${e.tag}.sql`));
    return to;
  }

  /** 0005's shape: a row per day of ending in sla_step_daily, half-hour buckets per day and month. */
  async function writeOldSummaries(db: Database['db']) {
    const daily = new Map<string, { dept: string; e: number[] }>();
    const histogram = new Map<string, { dept: string; steps: number }>();
    for (const x of endings) {
      const key = `${x.day}|${x.stepId}`;
      const row = daily.get(key) ?? { dept: x.dept, e: [0, 0, 0, 0, 0, 0, 0, 0] };
      const e = row.e;
      e[0]! += 1;
      e[x.kind === 'approved' ? 1 : x.kind === 'denied' ? 2 : 3]! += 1;
      e[4]! += x.ms;
      e[5]! += x.supp;
      e[6]! += x.supp > 0 ? 1 : 0;
      e[7]! += x.late;
      daily.set(key, row);
      const halfHour = Math.floor(x.ms / (H / 2));
      for (const grainDay of [`day|${x.day}`, `month|${x.day.slice(0, 7)}-01`]) {
        const hk = `${grainDay}|${x.stepId}|${halfHour}`;
        histogram.set(hk, { dept: x.dept, steps: (histogram.get(hk)?.steps ?? 0) + 1 });
      }
    }
    for (const [key, { dept, e }] of daily) {
      const [day, stepId] = key.split('|');
      await db.execute(sql`
        insert into sla_step_daily (day, process_id, step_id, department, ended, approved, denied, terminated,
                                    working_ms, supplement_ms, supplemented, late)
        values (${day}::date, 'mig', ${stepId}, ${dept}, ${e[0]}, ${e[1]}, ${e[2]}, ${e[3]}, ${e[4]}, ${e[5]},
                ${e[6]}, ${e[7]})`);
    }
    for (const [key, { dept, steps }] of histogram) {
      const [grain, day, stepId, bucket] = key.split('|');
      await db.execute(sql`
        insert into sla_step_histogram (grain, day, process_id, step_id, department, bucket, steps)
        values (${grain}, ${day}::date, 'mig', ${stepId}, ${dept}, ${Number(bucket)}, ${steps})`);
    }
  }

  /** The same endings written by the projection of this release, one case per ending. */
  async function projectEndings(db: Database['db'], user: string) {
    for (const x of endings) {
      const { row } = await insertCase(db, {
        ...newCase({ processId: 'mig', steps: [{ stepId: x.stepId, department: x.dept, title: x.stepId }] }),
        submittedBy: user,
      });
      const timing = {
        workingMs: x.ms,
        supplementMs: x.supp,
        supplements: x.supp > 0 ? 1 : 0,
        late: x.late === 1,
      };
      const at = endedAt(x.day);
      const event: CaseEvent =
        x.kind === 'approved'
          ? {
              seq: 1,
              at,
              actor: 'u',
              type: 'step.approved',
              stepId: x.stepId,
              opinion: 'ok',
              outputs: {},
              timing,
            }
          : x.kind === 'denied'
            ? {
                seq: 1,
                at,
                actor: 'u',
                type: 'step.denied',
                stepId: x.stepId,
                opinion: 'no',
                reasons: ['r'],
                timing,
              }
            : {
                seq: 1,
                at,
                actor: 'system',
                type: 'step.terminated',
                stepId: x.stepId,
                opinion: 'owed materials not delivered',
                materials: ['m'],
                timing,
              };
      await projectEvents(db, { caseId: row.id, previousHash: '', events: [event] });
    }
  }

  const byKey = <T extends { stepId: string }>(rows: T[], key: (r: T) => string = (r) => r.stepId) =>
    [...rows].sort((a, b) => key(a).localeCompare(key(b)));
  const figures = async (db: Database['db'], from: string, to: string) =>
    byKey(await stepFigures(db, { from, to, processId: 'mig' }));
  const histograms = async (db: Database['db'], from: string, to: string) =>
    byKey(
      await stepHistograms(db, { from, to, processId: 'mig' }),
      (r) => `${r.stepId}|${String(r.bucket).padStart(3, '0')}`,
    );

  let migrated: Database;
  let fresh: Database;
  let caseId: string;
  beforeAll(async () => {
    migrated = await openTestDatabase({ migrationsFolder: migrationsUpTo0005() });
    const user = (await createUser(migrated.db, { username: 'old-clerk', displayName: 'C', role: 'clerk' }))
      .id;
    caseId = randomUUID();
    await migrated.db.execute(sql`
      insert into cases (id, case_no, process_id, process_version, status, application, request_hash, submitted_by)
      values (${caseId}::uuid, 'MIG-20261020-000001', 'mig', 1, 'running', '{}'::jsonb, 'h', ${user}::uuid)`);
    await migrated.db.execute(sql`
      insert into case_steps (case_id, step_id, department, title, status, dispatched_at, updated_at)
      values (${caseId}::uuid, 'review', 'X', 'Review', 'awaiting_decision', now(), now()),
             (${caseId}::uuid, 'check', 'Y', 'Check', 'blocked', null, now())`);
    await writeOldSummaries(migrated.db);
    await applyMigrations(migrated);

    fresh = await openTestDatabase();
    await projectEndings(
      fresh.db,
      (await createUser(fresh.db, { username: 'c2', displayName: 'C', role: 'clerk' })).id,
    );
  });
  afterAll(async () => {
    await migrated?.close();
    await fresh?.close();
  });

  it("gives every case step its case's process, and the worklist filters by it", async () => {
    const steps = rowsOf<{ step_id: string; process_id: string }>(
      await migrated.db.execute(
        sql`select step_id, process_id from case_steps where case_id = ${caseId}::uuid order by step_id`,
      ),
    );
    expect(steps).toEqual([
      { step_id: 'check', process_id: 'mig' },
      { step_id: 'review', process_id: 'mig' },
    ]);
    const tasks = await departmentTasks(migrated.db, { department: 'X', processId: 'mig', limit: 10 });
    expect(tasks.map((t) => [t.step.caseId, t.step.stepId])).toEqual([[caseId, 'review']]);
    expect(await departmentTasks(migrated.db, { department: 'X', processId: 'other', limit: 10 })).toEqual(
      [],
    );
    await expect(
      migrated.db.execute(sql`update case_steps set process_id = null where case_id = ${caseId}::uuid`),
    ).rejects.toThrow();
  });

  it('sums each month of step figures from its days, as the projection now keeps them', async () => {
    const hand = (rows: readonly (typeof endings)[number][]) => {
      const by = new Map<string, Record<string, number | string>>();
      for (const x of rows) {
        const f = by.get(x.stepId) ?? {
          processId: 'mig',
          stepId: x.stepId,
          department: x.dept,
          ended: 0,
          approved: 0,
          denied: 0,
          terminated: 0,
          workingMs: 0,
          supplementMs: 0,
          supplemented: 0,
          late: 0,
        };
        (f.ended as number) += 1;
        (f[x.kind] as number) += 1;
        (f.workingMs as number) += x.ms;
        (f.supplementMs as number) += x.supp;
        (f.supplemented as number) += x.supp > 0 ? 1 : 0;
        (f.late as number) += x.late;
        by.set(x.stepId, f);
      }
      return [...by.values()].sort((a, b) => String(a.stepId).localeCompare(String(b.stepId)));
    };
    const october = endings.filter((x) => x.day < '2026-11-01');
    // October and November are read from the monthly rows; 15 October to 3 November from the days.
    expect(await figures(migrated.db, '2026-10-01', '2026-11-01')).toEqual(hand(october));
    expect(await figures(migrated.db, '2026-10-01', '2026-12-01')).toEqual(hand(endings));
    expect(await figures(migrated.db, '2026-10-15', '2026-11-03')).toEqual(
      hand(endings.filter((x) => x.day >= '2026-10-15' && x.day < '2026-11-03')),
    );
    for (const [from, to] of [
      ['2026-10-01', '2026-11-01'],
      ['2026-10-01', '2026-12-01'],
      ['2026-10-15', '2026-11-03'],
    ] as const) {
      expect(await figures(migrated.db, from, to)).toEqual(await figures(fresh.db, from, to));
    }
  });

  it('merges the half-hour buckets past 8 h into the coarser ones, per day and per month', async () => {
    const hand = (rows: readonly (typeof endings)[number][]) => {
      const by = new Map<
        string,
        { processId: string; stepId: string; department: string; bucket: number; steps: number }
      >();
      for (const x of rows) {
        const key = `${x.stepId}|${String(x.bucket).padStart(3, '0')}`;
        const h = by.get(key) ?? {
          processId: 'mig',
          stepId: x.stepId,
          department: x.dept,
          bucket: x.bucket,
          steps: 0,
        };
        h.steps += 1;
        by.set(key, h);
      }
      return [...by.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([, h]) => h);
    };
    expect(await histograms(migrated.db, '2026-10-01', '2026-12-01')).toEqual(hand(endings));
    expect(await histograms(migrated.db, '2026-10-20', '2026-11-03')).toEqual(
      hand(endings.filter((x) => x.day >= '2026-10-20' && x.day < '2026-11-03')),
    );
    // 9 h and 9 h 45 share the 8-10 h bucket: the p50 of review's seven is 8, its p90 (500 h) 400.
    const review = new Map(
      (await histograms(migrated.db, '2026-10-01', '2026-12-01'))
        .filter((h) => h.stepId === 'review')
        .map((h) => [h.bucket, h.steps]),
    );
    expect([percentileHours(review, 0.5), percentileHours(review, 0.9)]).toEqual([8, 400]);
    for (const [from, to] of [
      ['2026-10-01', '2026-12-01'],
      ['2026-10-20', '2026-11-03'],
    ] as const) {
      expect(await histograms(migrated.db, from, to)).toEqual(await histograms(fresh.db, from, to));
    }
  });

  it('goes on adding to the migrated summaries, per day and per month', async () => {
    const timing = { workingMs: 8 * H + 30 * MS, supplementMs: 0, supplements: 0, late: false };
    const event: CaseEvent = {
      seq: 1,
      at: endedAt('2026-11-02'),
      actor: 'u',
      type: 'step.approved',
      stepId: 'review',
      opinion: 'ok',
      outputs: {},
      timing,
    };
    await projectEvents(migrated.db, { caseId, previousHash: '', events: [event] });
    const review = async (from: string, to: string) =>
      (await figures(migrated.db, from, to)).find((f) => f.stepId === 'review')!;
    expect(await review('2026-11-01', '2026-12-01')).toMatchObject({ ended: 3, approved: 2, terminated: 1 });
    expect(await review('2026-11-02', '2026-11-03')).toMatchObject({ ended: 2, approved: 2 });
    const buckets = (await histograms(migrated.db, '2026-11-01', '2026-12-01')).filter(
      (h) => h.stepId === 'review',
    );
    // 8 h 30 and 10 h 30: 8-10 h and 10-12 h.
    expect(buckets.map((h) => [h.bucket, h.steps])).toEqual([
      [16, 1],
      [17, 1],
      [77, 1],
    ]);
  });
});
