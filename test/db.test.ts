// The read model on a real database (PGlite, or the Postgres server in TEST_DATABASE_URL): migrations,
// idempotent intake and projection, unique case numbers under concurrency, the append-only audit trail and
// its hash chain.
import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createProjection } from '../activities/projection.ts';
import { verifyChain } from '../db/audit.ts';
import { caseTimeline, insertCase, listSteps, type NewCase } from '../db/cases.ts';
import { type Database, rowsOf } from '../db/client.ts';
import { createUser } from '../db/users.ts';
import type { CaseEvent } from '../process/events.ts';
import { openTestDatabase } from './helpers.ts';

let database: Database;
let clerk: string;

beforeAll(async () => {
  database = await openTestDatabase();
  clerk = (await createUser(database.db, { username: 'clerk', displayName: 'Clerk', role: 'clerk' })).id;
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
